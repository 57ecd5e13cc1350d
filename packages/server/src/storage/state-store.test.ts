import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestSites } from "../tenancy/test-sites.js";
import { STATE_MIGRATIONS } from "./migrations/state/index.js";
import { tryWithAdvisoryLock, withAdvisoryLock } from "./state-lock.js";
import { migrateState } from "./state-migrate.js";
import type { StateDatabase } from "./state-schema.js";
import { createStateStore } from "./state-store.js";
import {
  openTestStateStore,
  silentLog,
  type TestBackend,
  type TestStateStore,
  testDatabaseUrl,
} from "./state-test-support.js";

const backends: { backend: TestBackend; skip: boolean }[] = [
  { backend: "pglite", skip: false },
  // Visible as skipped when no server is configured (run .ci/start-postgres.sh and export the URL).
  { backend: "pg", skip: !testDatabaseUrl },
];

async function tableNames(db: Kysely<StateDatabase>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

for (const { backend, skip } of backends) {
  describe.skipIf(skip)(`state store on ${backend}`, () => {
    let t: TestStateStore;
    beforeAll(async () => {
      t = await openTestStateStore(backend);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it("creates the auth tables and records the migration", async () => {
      expect(t.store.kind).toBe(backend);
      expect(await t.store.ping()).toBe(true);
      const tables = await tableNames(t.store.db);
      for (const name of ["users", "sessions", "api_keys", "audit_log", "kysely_migration"]) {
        expect(tables).toContain(name);
      }
    });

    it("round-trips uuid, text[], jsonb and timestamptz", async () => {
      const db = t.store.db;
      const userId = uuidv7();
      await db
        .insertInto("users")
        .values({ id: userId, username: "Alice", email: null, password_hash: "x", role: "analyst" })
        .execute();
      const keyId = uuidv7();
      await createTestSites(db, ["paris"]);
      await db
        .insertInto("api_keys")
        .values({
          id: keyId,
          name: "ingest paris",
          key_hash: `h-${keyId}`,
          prefix: "vk_abc",
          scopes: ["ingest", "read"],
          site: "paris",
          created_by: userId,
        })
        .execute();
      const key = await db
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", keyId)
        .executeTakeFirstOrThrow();
      expect(key.scopes).toEqual(["ingest", "read"]);
      expect(key.created_at).toBeInstanceOf(Date);
      expect(Math.abs(key.created_at.getTime() - Date.now())).toBeLessThan(60_000);

      const detail = { body: { name: "x", nested: [1, "two", { three: true }] }, note: "é ✓" };
      await db
        .insertInto("audit_log")
        .values({
          id: uuidv7(),
          actor: "alice",
          actor_kind: "user",
          action: "POST /x",
          target: null,
          status_code: 201,
          detail: JSON.stringify(detail),
          ip: null,
        })
        .execute();
      const row = await db.selectFrom("audit_log").select("detail").executeTakeFirstOrThrow();
      expect(row.detail).toEqual(detail);
    });

    it("keeps usernames unique regardless of case", async () => {
      await expect(
        t.store.db
          .insertInto("users")
          .values({ id: uuidv7(), username: "alice", email: null, password_hash: "x", role: "audit" })
          .execute(),
      ).rejects.toThrow(/unique|duplicate/i);
    });

    it("is safe to migrate again, several times at once, and after a restart", async () => {
      expect(await migrateState(t.store.db)).toEqual({ applied: [] });
      const twice = await Promise.all([migrateState(t.store.db), migrateState(t.store.db)]);
      expect(twice).toEqual([{ applied: [] }, { applied: [] }]);
      // A PGlite directory must only ever be open once: restart as a process would.
      await t.store.close();
      t.store = await t.reopen();
      const users = await t.store.db.selectFrom("users").select("username").execute();
      expect(users.map((u) => u.username)).toContain("Alice");
    });

    it("rolls back a failing migration and names it", async () => {
      const broken = {
        ...STATE_MIGRATIONS,
        "9999-broken": {
          async up(db: Kysely<unknown>) {
            await db.schema.createTable("half_done").addColumn("id", "integer").execute();
            await sql`select * from no_such_table`.execute(db);
          },
        },
      };
      await expect(migrateState(t.store.db, broken)).rejects.toThrow(/9999-broken failed: .*no_such_table/);
      expect(await tableNames(t.store.db)).not.toContain("half_done");
    });
  });
}

describe("state store on pglite: one owner per data directory", () => {
  it("refuses a second opener of the same directory, and allows it again once closed", async () => {
    const t = await openTestStateStore("pglite");
    try {
      await expect(createStateStore({ dataDir: t.dataDir, log: silentLog })).rejects.toThrow(/already open/);
      // Another live process holding the lock (our parent stands in for it).
      await t.store.close();
      await writeFile(join(t.dataDir, "state.lock"), String(process.ppid));
      await expect(createStateStore({ dataDir: t.dataDir, log: silentLog })).rejects.toThrow(
        new RegExp(`in use by process ${process.ppid}`),
      );
      // A stale lock from a process that is gone is taken over.
      await writeFile(join(t.dataDir, "state.lock"), "999999999");
      t.store = await t.reopen();
      expect(await t.store.ping()).toBe(true);
    } finally {
      await t.dispose();
    }
  });
});

describe.skipIf(!testDatabaseUrl)("state store on pg: two nodes", () => {
  let t: TestStateStore;
  beforeAll(async () => {
    // Start without migrating, then let two "nodes" race to migrate the same empty database.
    t = await openTestStateStore("pg", { migrate: false });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("migrates exactly once when two nodes start together", async () => {
    const [a, b] = await Promise.all([t.reopen({ migrate: true }), t.reopen({ migrate: true })]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(a.db);
    expect(Number(rows[0]?.n)).toBe(Object.keys(STATE_MIGRATIONS).length);
    expect(await b.ping()).toBe(true);
  });

  it("lets only one node run a once-per-cluster job", async () => {
    const other = await t.reopen({ migrate: false });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = withAdvisoryLock(t.store.db, "vigil:test-job", () => held);
    await new Promise((r) => setTimeout(r, 100));
    expect(await tryWithAdvisoryLock(other.db, "vigil:test-job", async () => 1)).toEqual({ ran: false });
    release();
    await holder;
    expect(await tryWithAdvisoryLock(other.db, "vigil:test-job", async () => 1)).toEqual({
      ran: true,
      value: 1,
    });
  });
});
