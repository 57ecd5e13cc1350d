import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { type RunningVigil, startVigil } from "../app/start-vigil.js";
import { loadConfig, type VigilConfig } from "../config/config.js";
import { OFFLINE_VIGIMAIL_ENV } from "../vigimail/offline-env.js";
import { OFFLINE_THREAT_INTEL_ENV } from "./offline-threat-intel.js";

/**
 * A whole Vigil for tests: fresh data directory, free ports, the real embedded stores, real listeners.
 * One per test file (chDB binds one data directory per process).
 */
export const TEST_ADMIN_PASSWORD = "test-admin-password-123";

export interface TestVigil {
  vigil: RunningVigil;
  config: VigilConfig;
  adminToken: string;
  syslogPort: number;
  api(
    method: string,
    url: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: () => unknown; text: string; headers: Headers }>;
  createApiKey(scopes: string[], site?: string): Promise<string>;
  createUser(username: string, role: "admin" | "analyst" | "audit"): Promise<string>;
  close(): Promise<void>;
}

export async function startTestVigil(env: Record<string, string> = {}): Promise<TestVigil> {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-test-"));
  const config = loadConfig({
    VIGIL_CONFIG: undefined,
    VIGIL_DATA_DIR: dataDir,
    VIGIL_HTTP_PORT: "0",
    VIGIL_HTTP_HOST: "127.0.0.1",
    VIGIL_SYSLOG_PORT: "0",
    VIGIL_SYSLOG_HOST: "127.0.0.1",
    VIGIL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    VIGIL_INGEST_FLUSH_MS: "50",
    VIGIL_LOG_LEVEL: "warn",
    ...OFFLINE_THREAT_INTEL_ENV,
    ...OFFLINE_VIGIMAIL_ENV,
    ...env,
  });
  const vigil = await startVigil(config, pino({ level: process.env.VIGIL_TEST_LOG ?? "silent" }));
  const base = vigil.httpUrl;

  const api: TestVigil["api"] = async (method, url, body, token) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (typeof body === "string") {
      payload = body;
      headers["content-type"] = "application/x-ndjson";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(base + url, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  };

  const login = await api("POST", "/api/v1/auth/login", { username: "admin", password: TEST_ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  const adminToken = (login.json() as { token: string }).token;

  return {
    vigil,
    config,
    adminToken,
    syslogPort: vigil.syslog.ports.tcp ?? 0,
    api,
    async createApiKey(scopes, site) {
      // A site-bound key needs its site: tests name theirs freely, as if an admin had created it.
      if (site) await createTestSitesViaApi({ api, adminToken } as TestVigil, [site]);
      const res = await api(
        "POST",
        "/api/v1/api-keys",
        { name: `key-${scopes.join("-")}-${Date.now()}`, scopes, ...(site ? { site } : {}) },
        adminToken,
      );
      if (res.status !== 201) throw new Error(`api key: ${res.status} ${res.text}`);
      return (res.json() as { key: string }).key;
    },
    async createUser(username, role) {
      const password = `${username}-password-123`;
      const res = await api("POST", "/api/v1/users", { username, password, role }, adminToken);
      if (res.status !== 201) throw new Error(`user: ${res.status} ${res.text}`);
      const l = await api("POST", "/api/v1/auth/login", { username, password });
      return (l.json() as { token: string }).token;
    },
    async close() {
      await vigil.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the tests' syslog sender (127.0.0.1) on the Sources page, as a user registers a firewall:
 * detections on an unregistered sender's events wait for approval instead of banning.
 */
export async function registerTestSender(t: TestVigil, site = "default", ip = "127.0.0.1"): Promise<void> {
  await createTestSitesViaApi(t, [site]);
  const res = await t.api(
    "POST",
    "/api/v1/sources",
    { match_type: "ip", match_value: ip, site, timezone: "UTC", name: "test sender" },
    t.adminToken,
  );
  if (res.status !== 201) throw new Error(`register sender ${ip}: ${res.status} ${res.text}`);
}

/** Creates sites (client `default`) through the API, as an admin does on the Clients and sites page. */
export async function createTestSitesViaApi(
  t: TestVigil,
  sites: readonly string[],
  client = "default",
): Promise<void> {
  for (const name of sites) {
    const res = await t.api("POST", "/api/v1/sites", { name, client }, t.adminToken);
    if (res.status !== 201 && res.status !== 409) throw new Error(`site ${name}: ${res.status} ${res.text}`);
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
