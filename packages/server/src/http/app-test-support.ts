import { bootstrapAdmin } from "../auth/bootstrap.js";
import type { EventStore } from "../storage/event-store.js";
import { openTestStateStore, type TestBackend, type TestStateStore } from "../storage/state-test-support.js";
import { tenancyTestRoutes } from "../tenancy/tenancy-feature.js";
import type { Role } from "./access.js";
import { buildHttpApp, type HttpAppDeps, type VigilApp } from "./app.js";

/**
 * A full HTTP app over a fresh state store, with one signed-in user per role, for route tests:
 *
 *     const t = await openTestApp({ features: [myRoutes({ ... })] });
 *     const res = await t.app.inject({ method: "GET", url: "/api/v1/x", headers: t.as("audit") });
 *     await t.close();
 */
export const TEST_PASSWORD = "correct horse battery staple";

export interface TestApp {
  app: VigilApp;
  state: TestStateStore;
  tokens: Record<Role, string>;
  /** Authorization header for a role's user, or for any token. */
  as(who: Role | { token: string }): { authorization: string };
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openTestApp(
  deps: Partial<Omit<HttpAppDeps, "state">> & {
    /** Also serve /clients and /sites, with site event counts from this store. */
    tenancyEvents?: EventStore;
  } = {},
  backend: TestBackend = "pglite",
): Promise<TestApp> {
  const state = await openTestStateStore(backend);
  await bootstrapAdmin(state.store.db, { password: TEST_PASSWORD });
  const { tenancyEvents, ...appDeps } = deps;
  const features = [
    ...(appDeps.features ?? []),
    ...(tenancyEvents ? [tenancyTestRoutes(state.store.db, tenancyEvents)] : []),
  ];
  const app = await buildHttpApp({ version: "test", ...appDeps, features, state: state.store });
  await app.ready();

  async function login(username: string, password = TEST_PASSWORD): Promise<string> {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username, password },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return (res.json() as { token: string }).token;
  }

  const admin = await login("admin");
  for (const role of ["supervisor", "analyst", "audit"] as const) {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: { authorization: `Bearer ${admin}` },
      payload: { username: role, password: TEST_PASSWORD, role },
    });
    if (res.statusCode !== 201) throw new Error(`create ${role}: ${res.statusCode} ${res.body}`);
  }
  const tokens: Record<Role, string> = {
    admin,
    supervisor: await login("supervisor"),
    analyst: await login("analyst"),
    audit: await login("audit"),
  };

  return {
    app,
    state,
    tokens,
    login,
    as: (who) => ({ authorization: `Bearer ${typeof who === "string" ? tokens[who] : who.token}` }),
    async close() {
      await app.close();
      await state.dispose();
    },
  };
}
