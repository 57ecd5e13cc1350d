import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { type ChannelStore, createChannelStore } from "./channel-store.js";
import { parseAllowlist } from "./outbound-guard.js";
import type { ChannelInput } from "./types.js";

let t: TestStateStore;
let store: ChannelStore;
const box = createSecretBox(Buffer.alloc(32, 3));

beforeAll(async () => {
  t = await openTestStateStore();
  store = createChannelStore({ db: t.store.db, secretBox: box, allow: parseAllowlist("") });
}, 60_000);
afterAll(() => t.dispose());

const mail: ChannelInput = {
  name: "o365",
  type: "email",
  config: {
    host: "smtp.office365.com",
    port: 587,
    username: "soc@example.com",
    password: "app-password-1",
    from: "soc@example.com",
    to: ["oncall@example.com"],
  },
};

async function storedConfig(id: string): Promise<Record<string, unknown>> {
  const row = await t.store.db
    .selectFrom("notification_channels")
    .select("config")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.config;
}

describe("channel store", () => {
  it("seals an SMTP password, shows the rest, and opens it only for sending", async () => {
    const view = await store.create(mail);
    expect(view.config).toEqual({
      host: "smtp.office365.com",
      port: 587,
      secure: false,
      starttls: true,
      username: "soc@example.com",
      from: "soc@example.com",
      to: ["oncall@example.com"],
    });
    expect(view.secrets_set).toEqual(["password"]);
    expect(String((await storedConfig(view.id)).password)).toMatch(/^v1:/);
    expect(await store.get(view.id)).toMatchObject({ type: "email", config: { password: "app-password-1" } });
  });

  it("keeps a password a PUT leaves out, replaces one it gives, and clears one set to null", async () => {
    const { id } = await store.create({ ...mail, name: "gmail" });
    const kept = await store.update(id, {
      ...mail,
      name: "gmail",
      config: { ...mail.config, password: undefined, to: ["a@example.com", "b@example.com"] },
    });
    expect(kept.secrets_set).toEqual(["password"]);
    expect(kept.config.to).toEqual(["a@example.com", "b@example.com"]);
    const withoutKey = { ...mail.config } as Record<string, unknown>;
    delete withoutKey.password;
    await store.update(id, { ...mail, name: "gmail", config: withoutKey });
    expect((await store.get(id))?.config).toMatchObject({ password: "app-password-1" });
    await store.update(id, {
      ...mail,
      name: "gmail",
      config: { ...mail.config, password: "app-password-2" },
    });
    expect((await store.get(id))?.config).toMatchObject({ password: "app-password-2" });
    const cleared = await store.update(id, {
      ...mail,
      name: "gmail",
      config: { ...mail.config, password: null },
    });
    expect(cleared.secrets_set).toEqual([]);
    expect((await store.get(id))?.config).not.toHaveProperty("password");
    // Removing the username (no login any more) drops a stored password rather than refusing the edit.
    await store.update(id, { ...mail, name: "gmail" });
    const noLogin = { ...withoutKey };
    delete noLogin.username;
    const anonymous = await store.update(id, { ...mail, name: "gmail", config: noLogin });
    expect(anonymous.secrets_set).toEqual([]);
    expect(anonymous.config).not.toHaveProperty("username");
  });

  it("refuses a type change, a taken name on create or rename, and unknown ids", async () => {
    const a = await store.create({ ...mail, name: "first" });
    await store.create({ ...mail, name: "second" });
    await expect(
      store.update(a.id, { name: "first", type: "slack", config: { url: "https://hooks.slack.com/x" } }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(store.create({ ...mail, name: "second" })).rejects.toMatchObject({ status: 409 });
    await expect(store.update(a.id, { ...mail, name: "second" })).rejects.toMatchObject({ status: 409 });
    const unknown = "0190f0e0-0000-7000-8000-0000000000aa";
    await expect(store.view(unknown)).rejects.toMatchObject({ status: 404 });
    await expect(store.update(unknown, mail)).rejects.toMatchObject({ status: 404 });
    await expect(store.remove(unknown)).rejects.toMatchObject({ status: 404 });
    expect(await store.get(unknown)).toBeUndefined();
  });

  it("shows the newest delivery and counts failures of the last 24 hours only", async () => {
    const { id } = await store.create({ ...mail, name: "stats" });
    await store.recordDelivery(id, "a1", { ok: false, error: "HTTP 502 from x", attempts: 3 });
    await t.store.db
      .insertInto("notification_deliveries")
      .values({
        channel_id: id,
        alert_id: "old",
        ok: false,
        attempts: 3,
        error: "old",
        created_at: new Date(Date.now() - 2 * 86_400_000),
      })
      .execute();
    await store.recordDelivery(id, "a2", { ok: true, attempts: 1 });
    const view = await store.view(id);
    expect(view.failures_24h).toBe(1);
    expect(view.last_delivery).toMatchObject({ ok: true, error: null });
    expect((await store.deliveries(id)).map((d) => d.alert_id)).toEqual(["a2", "a1", "old"]);
    expect(await store.deliveries(id, 1)).toHaveLength(1);
    await store.remove(id);
    expect(
      await t.store.db
        .selectFrom("notification_deliveries")
        .where("channel_id", "=", id)
        .selectAll()
        .execute(),
    ).toEqual([]);
  });
});
