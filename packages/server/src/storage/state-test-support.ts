import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createStateStore, type StateStore, type StateStoreOptions } from "./state-store.js";

/**
 * Fresh, isolated state stores for tests: PGlite in a new temp directory, or (when
 * VIGIL_TEST_DATABASE_URL points at a server, see .ci/start-postgres.sh) a new database
 * `vigil_test_<random>` on that server, dropped afterwards, so test files running in parallel
 * never see each other's rows.
 */
export const testDatabaseUrl: string | undefined = process.env.VIGIL_TEST_DATABASE_URL || undefined;

export type TestBackend = "pglite" | "pg";

export interface TestStateStore {
  /** The store under test; a test that restarts it (close + reopen) may replace it. */
  store: StateStore;
  /** The data directory (PGlite) or the database URL (pg), to reopen the same data. */
  dataDir: string;
  url: string | undefined;
  /** Open another store on the same data (for PGlite, close the first one before). */
  reopen(options?: Partial<StateStoreOptions>): Promise<StateStore>;
  /** Close the store and delete its data. */
  dispose(): Promise<void>;
}

export const silentLog: StateStoreOptions["log"] = { info() {}, warn() {}, error() {} };

export async function openTestStateStore(
  backend: TestBackend = "pglite",
  options: Partial<StateStoreOptions> = {},
): Promise<TestStateStore> {
  const dataDir = await mkdtemp(join(tmpdir(), "vigil-state-"));
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (backend === "pg") {
    if (!testDatabaseUrl) throw new Error("VIGIL_TEST_DATABASE_URL is not set");
    const name = `vigil_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(`create database ${name}`);
    const parsed = new URL(testDatabaseUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropDatabase = () => adminQuery(`drop database if exists ${name} with (force)`);
  }
  const open = (extra: Partial<StateStoreOptions> = {}) =>
    createStateStore({ url, dataDir, log: silentLog, ...options, ...extra });
  const stores: StateStore[] = [];
  const store = await open();
  stores.push(store);
  return {
    store,
    dataDir,
    url,
    async reopen(extra) {
      const again = await open(extra);
      stores.push(again);
      return again;
    },
    async dispose() {
      for (const s of stores) await s.close();
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
