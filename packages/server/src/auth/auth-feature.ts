import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { createApiKeysRepo } from "./api-keys-repo.js";
import { apiKeysRoutes } from "./api-keys-routes.js";
import { createApiKeysService } from "./api-keys-service.js";
import { createAuditRepo } from "./audit-repo.js";
import { auditRoutes } from "./audit-routes.js";
import { createAuditService } from "./audit-service.js";
import { authRoutes, type LoginRateLimit } from "./auth-routes.js";
import { createAuthService } from "./auth-service.js";
import { createSessionsRepo } from "./sessions-repo.js";
import { createUsersRepo } from "./users-repo.js";
import { usersRoutes } from "./users-routes.js";
import { createUsersService } from "./users-service.js";

export interface AuthOptions {
  sessionTtlMs?: number | undefined;
  loginRateLimit?: Partial<LoginRateLimit> | undefined;
}

/** Wire the auth feature: repositories → services → routes. */
export function createAuth(db: Kysely<StateDatabase>, options: AuthOptions = {}) {
  const users = createUsersRepo(db);
  const sessions = createSessionsRepo(db);
  const apiKeys = createApiKeysRepo(db);
  const services = {
    auth: createAuthService({ users, sessions, apiKeys, sessionTtlMs: options.sessionTtlMs }),
    users: createUsersService({ users, sessions }),
    apiKeys: createApiKeysService({ apiKeys }),
    audit: createAuditService({ audit: createAuditRepo(db) }),
  };
  const loginRateLimit: LoginRateLimit = { max: 10, timeWindowMs: 60_000, ...options.loginRateLimit };
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(authRoutes({ auth: services.auth, loginRateLimit }));
    await app.register(usersRoutes({ users: services.users }));
    await app.register(apiKeysRoutes({ apiKeys: services.apiKeys }));
    await app.register(auditRoutes({ audit: services.audit }));
  };
  return { ...services, sessionsRepo: sessions, routes };
}

export type Auth = ReturnType<typeof createAuth>;
