import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import * as client from "openid-client";
import { uuidv7 } from "uuidv7";
import type { OidcConfig } from "../../config/config.js";
import type { Role } from "../../http/access.js";
import { HttpProblem } from "../../http/problem.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { AuthService, LoginResult } from "../auth-service.js";
import type { MfaService } from "../mfa-service.js";
import { sha256Hex } from "../secrets.js";
import type { UsersRepo } from "../users-repo.js";
import { mapClaims } from "./claims.js";

export const CALLBACK_PATH = "/api/v1/auth/oidc/callback";
/** Long enough to type a password and a second factor at the provider; short enough to be useless later. */
const LOGIN_TTL_MS = 10 * 60 * 1000;
/** Never matches an argon2 hash: a user made by single sign-on has no password until an admin sets one. */
const NO_PASSWORD = "!sso";

/** A refused callback: answered as a problem, and logged and audited with what the provider said. */
export class OidcRefusal extends HttpProblem {
  constructor(
    status: number,
    detail: string,
    readonly actor: string | null = null,
  ) {
    super(status, detail);
  }
}

/** openid-client reports a nonce mismatch as a claim comparison failure, naming the claim in its causes. */
function aboutNonce(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { message, claim, cause } = e as { message?: unknown; claim?: unknown; cause?: unknown };
    if (claim === "nonce" || (typeof message === "string" && /"nonce"/.test(message))) return true;
    e = cause;
  }
  return false;
}

export interface OidcServiceDeps {
  config: OidcConfig;
  /** The console's public address (VIGIL_PUBLIC_URL): the provider sends the browser back there. */
  publicUrl: string;
  db: Kysely<StateDatabase>;
  users: UsersRepo;
  auth: AuthService;
  /** A user who turned on Vigil's MFA gives their code after the provider too, as after a password. */
  mfa: Pick<MfaService, "isEnabled" | "startChallenge">;
}

/** A session, or (the user has MFA on) the token of the code step that leads to one. */
export type SsoOutcome =
  | { kind: "session"; result: LoginResult }
  | { kind: "mfa"; mfaToken: string; username: string };

/** Usernames follow the local pattern (letters, digits, . _ @ -), so a provider's "Jane Doe" becomes "Jane_Doe". */
function localUsername(name: string): string {
  return name.replace(/[^A-Za-z0-9._@-]/g, "_").slice(0, 64) || "sso-user";
}

export function createOidcService(deps: OidcServiceDeps) {
  const { config, db, users } = deps;
  const redirectUri = `${deps.publicUrl.replace(/\/+$/, "")}${CALLBACK_PATH}`;
  let discovered: Promise<client.Configuration> | null = null;

  /** Discovery once, on first use (the provider may be down when Vigil starts); retried after a failure. */
  function provider(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(config.issuer),
        config.clientId,
        undefined,
        client.ClientSecretBasic(config.clientSecret),
        // Config refuses http:// issuers except on this machine.
        config.issuer.startsWith("http:") ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        discovered = null;
        throw new HttpProblem(502, `The sign-in provider could not be reached: ${(err as Error).message}`);
      });
    return discovered;
  }

  return {
    redirectUri,

    /** The provider's sign-in URL, and the id (for the browser's cookie) of the login kept here. */
    async begin(): Promise<{ loginId: string; url: URL }> {
      const configuration = await provider();
      const loginId = randomBytes(32).toString("base64url");
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      await db.deleteFrom("oidc_logins").where("expires_at", "<", sql<Date>`now()`).execute();
      await db
        .insertInto("oidc_logins")
        .values({
          id: sha256Hex(loginId),
          state,
          nonce,
          code_verifier: verifier,
          expires_at: new Date(Date.now() + LOGIN_TTL_MS),
        })
        .execute();
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: ["openid", ...config.scopes.split(/[\s,]+/).filter((s) => s && s !== "openid")].join(" "),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      });
      return { loginId, url };
    },

    /**
     * The provider's answer: the login this browser started (used once), its state, the code
     * exchanged with the PKCE verifier, the ID token's nonce, then claims → local user → session.
     */
    async finish(
      loginId: string | undefined,
      query: URLSearchParams,
      meta: { ip: string | null; userAgent: string | null },
    ): Promise<SsoOutcome> {
      if (!loginId) {
        throw new OidcRefusal(400, "No single sign-on is under way in this browser (its cookie is missing)");
      }
      const login = await db
        .deleteFrom("oidc_logins")
        .where("id", "=", sha256Hex(loginId))
        .returningAll()
        .executeTakeFirst();
      if (!login || login.expires_at.getTime() < Date.now()) {
        throw new OidcRefusal(400, "This single sign-on has expired or was already used; start again");
      }
      if (query.get("state") !== login.state) {
        throw new OidcRefusal(
          400,
          "The sign-in answer's state does not match the sign-in this browser started",
        );
      }
      if (query.has("error")) {
        const why = query.get("error_description") ?? query.get("error");
        throw new OidcRefusal(400, `The sign-in provider refused: ${why}`);
      }
      const configuration = await provider();
      const current = new URL(redirectUri);
      current.search = query.toString();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: login.code_verifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        const message = (err as Error).message;
        if (aboutNonce(err)) {
          throw new OidcRefusal(400, "The ID token's nonce does not match the sign-in this browser started");
        }
        if (err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError) {
          throw new OidcRefusal(
            400,
            `The sign-in provider refused the code: ${err.error_description ?? err.error}`,
          );
        }
        if (err instanceof client.ClientError)
          throw new OidcRefusal(400, `The sign-in answer is not valid: ${message}`);
        throw new OidcRefusal(502, `The sign-in provider could not be reached: ${message}`);
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new OidcRefusal(400, "The sign-in provider sent no ID token");
      let claims: Record<string, unknown> = { ...idClaims };
      // Providers that follow the spec closely send profile claims from UserInfo only, not in the ID token.
      const needsUserInfo = !(config.roleClaim in claims) || !(config.clientClaim in claims) || !claims.email;
      if (needsUserInfo && configuration.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      }
      const named = String(claims.preferred_username ?? claims.email ?? idClaims.sub);
      const mapped = mapClaims(claims, config);
      if (!mapped.ok)
        throw new OidcRefusal(403, `Single sign-on refused for ${named}: ${mapped.reason}`, named);
      if (mapped.client !== null) {
        const known = await db
          .selectFrom("clients")
          .select("name")
          .where("name", "=", mapped.client)
          .executeTakeFirst();
        if (!known) {
          throw new OidcRefusal(
            403,
            `Single sign-on refused for ${named}: no client named '${mapped.client}'`,
            named,
          );
        }
      }
      const user = await linkUser(idClaims.iss, idClaims.sub, mapped, named);
      if (!user.is_active)
        throw new OidcRefusal(403, `The account ${user.username} is disabled`, user.username);
      if (await deps.mfa.isEnabled(user.id)) {
        return { kind: "mfa", mfaToken: await deps.mfa.startChallenge(user.id), username: user.username };
      }
      return { kind: "session", result: await deps.auth.openSession(user, meta) };
    },
  };

  /**
   * The local user linked to this provider account, created on first sign-in and brought up to date
   * (role, client, e-mail) on each one, so the provider stays the source of truth. A local account
   * with the same name but no link is never taken over: that would let whoever names themselves
   * "admin" at the provider become the local admin.
   */
  async function linkUser(
    issuer: string,
    subject: string,
    mapped: { role: Role; client: string | null; username: string; email: string | null },
    named: string,
  ) {
    const link = await db
      .selectFrom("oidc_identities")
      .select("user_id")
      .where("issuer", "=", issuer)
      .where("subject", "=", subject)
      .executeTakeFirst();
    if (link) {
      await db
        .updateTable("oidc_identities")
        .set({ last_login_at: sql<Date>`now()` })
        .where("issuer", "=", issuer)
        .where("subject", "=", subject)
        .execute();
      const updated = await users.update(link.user_id, {
        role: mapped.role,
        client: mapped.client,
        email: mapped.email,
      });
      if (updated) return updated;
    }
    const created = await users.insert({
      id: uuidv7(),
      username: localUsername(mapped.username),
      email: mapped.email,
      password_hash: NO_PASSWORD,
      role: mapped.role,
      client: mapped.client,
    });
    if (!created) {
      throw new OidcRefusal(
        409,
        `Single sign-on refused for ${named}: a local account named '${localUsername(mapped.username)}' already exists and is not linked to this provider`,
        named,
      );
    }
    await db
      .insertInto("oidc_identities")
      .values({ issuer, subject, user_id: created.id })
      .onConflict((oc) => oc.columns(["issuer", "subject"]).doUpdateSet({ user_id: created.id }))
      .execute();
    return created;
  }
}

export type OidcService = ReturnType<typeof createOidcService>;
