import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
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
  if (backend === "pglite") await cp(await pgliteTemplate(), join(dataDir, "state"), { recursive: true });
  let dropDatabase = async () => {};
  if (backend === "pg") {
    if (!testDatabaseUrl) throw new Error("VIGIL_TEST_DATABASE_URL is not set");
    const name = `vigil_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(`create database ${name}`);
    const parsed = new URL(testDatabaseUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    // Clean-up must not fail a test: a background worker still attached to the database can make the
    // forced drop refuse; try again plainly, then leave it (the name is random and unused).
    dropDatabase = async () => {
      try {
        await adminQuery(`drop database if exists ${name} with (force)`);
      } catch {
        await new Promise((r) => setTimeout(r, 500));
        await adminQuery(`drop database if exists ${name}`).catch(() => {});
      }
    };
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

const READY = ".vigil-template-ready";

/**
 * An empty PGlite cluster, made once per machine and PGlite version and copied for each test store:
 * PGlite's initdb takes seconds (more on a busy machine), a copy a fraction of that. Built aside and
 * renamed into place, so parallel test files never see half a template.
 */
async function pgliteTemplate(): Promise<string> {
  // The package does not export its package.json: find it beside its entry point (dist/…).
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const manifest = JSON.parse(await readFile(join(dirname(dirname(entry)), "package.json"), "utf8")) as {
    version: string;
  };
  const version = manifest.version;
  const dir = join(tmpdir(), `vigil-pglite-template-${version}`);
  if (existsSync(join(dir, READY))) return dir;
  const building = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}`;
  const db = await PGlite.create(building);
  await db.query("select 1");
  await db.close();
  await writeFile(join(building, READY), "");
  try {
    await rename(building, dir);
    return dir;
  } catch {
    // Another test process won the race: use its template (ours, if theirs is somehow unfinished).
    if (!existsSync(join(dir, READY))) return building;
    await rm(building, { recursive: true, force: true });
    return dir;
  }
}
