import { type Kysely, sql } from "kysely";
import { bootstrapAdmin } from "../../auth/bootstrap.js";
import { buildHttpApp, type VigilApp } from "../../http/app.js";
import { TEST_PASSWORD } from "../../http/app-test-support.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { openTestStateStore, type TestBackend } from "../../storage/state-test-support.js";
import type { BanStatus } from "../types.js";
import { type BouncerRoutesDeps, bouncerRoutes } from "./bouncer-routes.js";

/**
 * Writes a ban row the way the bans service does (upsert by IP, `version = nextval`), for tests of
 * the bouncer API that must not depend on the ban policy's rules.
 */
export async function putBan(
  db: Kysely<StateDatabase>,
  ip: string,
  ban: { status?: BanStatus; expiresInMs?: number | null; rule?: string } = {},
): Promise<void> {
  const now = new Date();
  const expires =
    ban.expiresInMs === null ? null : new Date(now.getTime() + (ban.expiresInMs ?? 4 * 3600_000));
  const values = {
    ip,
    status: ban.status ?? "active",
    first_ban: now,
    last_ban: now,
    expires_at: expires,
    source: "detect2ban" as const,
    trigger_rule: ban.rule ?? "ssh_bruteforce",
    reason: "test",
  };
  await db
    .insertInto("bans")
    .values({ ...values, version: sql`nextval('bans_version_seq')` })
    .onConflict((oc) =>
      oc.column("ip").doUpdateSet({
        status: values.status,
        expires_at: values.expires_at,
        trigger_rule: values.trigger_rule,
        updated_at: now,
        version: sql`nextval('bans_version_seq')`,
      }),
    )
    .execute();
}

/** Lifts a ban as an unban does: status expired, a new version. */
export async function liftBan(db: Kysely<StateDatabase>, ip: string): Promise<void> {
  await db
    .updateTable("bans")
    .set({ status: "expired", expires_at: new Date(), version: sql`nextval('bans_version_seq')` })
    .where("ip", "=", ip)
    .execute();
}

export interface BouncerTestApp {
  app: VigilApp;
  db: Kysely<StateDatabase>;
  /** Authorization headers of the bootstrap admin and of an `audit` user. */
  admin: { authorization: string };
  audit: { authorization: string };
  close(): Promise<void>;
}

/**
 * The HTTP app with the bouncer routes over a fresh state store (the routes need the store's `db`,
 * which `openTestApp` creates inside itself).
 */
export async function openBouncerTestApp(
  options: Omit<BouncerRoutesDeps, "db"> = {},
  backend: TestBackend = "pglite",
): Promise<BouncerTestApp> {
  const state = await openTestStateStore(backend);
  const db = state.store.db;
  await bootstrapAdmin(db, { password: TEST_PASSWORD });
  const app = await buildHttpApp({
    version: "test",
    state: state.store,
    features: [bouncerRoutes({ db, ...options })],
  });
  await app.ready();
  const login = async (username: string) => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username, password: TEST_PASSWORD },
    });
    return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
  };
  const admin = await login("admin");
  await app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: admin,
    payload: { username: "auditor", password: TEST_PASSWORD, role: "audit" },
  });
  const audit = await login("auditor");
  return {
    app,
    db,
    admin,
    audit,
    async close() {
      await app.close();
      await state.dispose();
    },
  };
}
