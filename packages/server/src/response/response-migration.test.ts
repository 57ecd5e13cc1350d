import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import "./response-tables.js";

describe("response tables (migration 0004-response)", () => {
  let t: TestStateStore;
  beforeAll(async () => {
    t = await openTestStateStore();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("finds the whitelist entries whose CIDR covers an IP, v4 and v6", async () => {
    const db = t.store.db;
    await db
      .insertInto("whitelist")
      .values([
        { id: "00000000-0000-7000-8000-000000000001", ip: "10.0.0.0/8", cidr: "10.0.0.0/8", type: "hard" },
        {
          id: "00000000-0000-7000-8000-000000000002",
          ip: "2001:db8::/32",
          cidr: "2001:db8::/32",
          type: "soft",
        },
      ])
      .execute();
    const hit = await db
      .selectFrom("whitelist")
      .select("ip")
      .where(sql<boolean>`cidr >>= ${"10.1.2.3"}::inet`)
      .execute();
    expect(hit.map((r) => r.ip)).toEqual(["10.0.0.0/8"]);
    const v6 = await db
      .selectFrom("whitelist")
      .select("ip")
      .where(sql<boolean>`cidr >>= ${"2001:db8::1"}::inet`)
      .execute();
    expect(v6.map((r) => r.ip)).toEqual(["2001:db8::/32"]);
  });

  it("bumps the ban version from a sequence on every write", async () => {
    const db = t.store.db;
    const now = new Date();
    const a = await db
      .insertInto("bans")
      .values({ ip: "1.2.3.4", status: "active", first_ban: now, last_ban: now, source: "manual" })
      .returning("version")
      .executeTakeFirstOrThrow();
    const b = await db
      .updateTable("bans")
      .set({ status: "expired", version: sql`nextval('bans_version_seq')` })
      .where("ip", "=", "1.2.3.4")
      .returning("version")
      .executeTakeFirstOrThrow();
    expect(BigInt(b.version)).toBeGreaterThan(BigInt(a.version));
  });
});
