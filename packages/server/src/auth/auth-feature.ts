import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import type { OidcConfig } from "../config/config.js";
import { createSecretBox } from "../response/enforcement/secret-box.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { createApiKeysRepo } from "./api-keys-repo.js";
import { apiKeysRoutes } from "./api-keys-routes.js";
import { createApiKeysService } from "./api-keys-service.js";
import { createAuditRepo } from "./audit-repo.js";
import { auditRoutes } from "./audit-routes.js";
import { createAuditService } from "./audit-service.js";
import { authRoutes, createLoginThrottleFor, type LoginRateLimit } from "./auth-routes.js";
import { createAuthService } from "./auth-service.js";
import { createMfaRepo } from "./mfa-repo.js";
import { mfaRoutes } from "./mfa-routes.js";
import { createMfaService } from "./mfa-service.js";
import { oidcRoutes } from "./oidc/oidc-routes.js";
import { createOidcService } from "./oidc/oidc-service.js";
import { ownSessionsRoutes } from "./own-sessions-routes.js";
import { createSessionsRepo } from "./sessions-repo.js";
import { createUsersRepo } from "./users-repo.js";
import { usersRoutes } from "./users-routes.js";
import { createUsersService } from "./users-service.js";

export interface AuthOptions {
  sessionTtlMs?: number | undefined;
  loginRateLimit?: Partial<LoginRateLimit> | undefined;
  /**
   * The server secret (app/secret-key.ts) that seals MFA secrets at rest. start-vigil passes it; an
   * app built without it (tests, tools) seals with a key of its own that dies with the process.
   */
  secretKey?: Buffer | undefined;
  /** Single sign-on (OpenID Connect), with the console's public URL for the provider's redirect back. */
  oidc?: { config: OidcConfig; publicUrl: string } | undefined;
}

/** Wire the auth feature: repositories → services → routes. */
export function createAuth(db: Kysely<StateDatabase>, options: AuthOptions = {}) {
  const users = createUsersRepo(db);
  const sessions = createSessionsRepo(db);
  const apiKeys = createApiKeysRepo(db);
  const services = {
    auth: createAuthService({
      users,
      sessions,
      apiKeys,
      sessionTtlMs: options.sessionTtlMs,
      ssoOnlyStaff: options.oidc?.config.ssoOnlyStaff ?? false,
    }),
    users: createUsersService({
      users,
      sessions,
      clientExists: async (name) =>
        (await db.selectFrom("clients").select("name").where("name", "=", name).executeTakeFirst()) !==
        undefined,
    }),
    apiKeys: createApiKeysService({
      apiKeys,
      siteClient: async (site) =>
        (await db.selectFrom("sites").select("client").where("name", "=", site).executeTakeFirst())?.client,
    }),
    audit: createAuditService({ audit: createAuditRepo(db) }),
    mfa: createMfaService({
      mfa: createMfaRepo(db),
      users,
      box: createSecretBox(options.secretKey ?? randomBytes(32)),
    }),
  };
  const loginRateLimit: LoginRateLimit = { max: 10, timeWindowMs: 60_000, ...options.loginRateLimit };
  // One count of failed sign-ins for both steps: wrong codes weigh like wrong passwords.
  const throttle = createLoginThrottleFor(loginRateLimit);
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(authRoutes({ auth: services.auth, mfa: services.mfa, loginRateLimit, throttle }));
    await app.register(
      mfaRoutes({ auth: services.auth, mfa: services.mfa, loginRateLimit, throttle, users: services.users }),
    );
    await app.register(ownSessionsRoutes({ sessions }));
    await app.register(usersRoutes({ users: services.users }));
    await app.register(apiKeysRoutes({ apiKeys: services.apiKeys }));
    await app.register(auditRoutes({ audit: services.audit }));
    await app.register(
      oidcRoutes({
        oidc: options.oidc
          ? createOidcService({ ...options.oidc, db, users, auth: services.auth, mfa: services.mfa })
          : null,
        name: options.oidc?.config.name ?? "",
        audit: services.audit,
      }),
    );
  };
  return { ...services, sessionsRepo: sessions, routes };
}

export type Auth = ReturnType<typeof createAuth>;
