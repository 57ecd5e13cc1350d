import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { addClients, clientUser } from "../client-test-support.js";
import { type Channels, createChannels } from "./channels-feature.js";
import { parseAllowlist } from "./outbound-guard.js";
import { type Receiver, signatureValid, startReceiver } from "./test-receiver.js";
import type { ChannelView } from "./types.js";

const SECRET = "whsec-0123456789-very-secret";
const SLACK_TOKEN = "T000/B000/xoxSlackTokenXYZ";
const allow = parseAllowlist("127.0.0.1");

// The channels get their own state store: the test app builds its store after the features exist.
let state: TestStateStore;
let channels: Channels;
let t: TestApp;
let rx: Receiver;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: string[] = [];

beforeAll(async () => {
  rx = await startReceiver();
  smtp = new SMTPServer({
    authOptional: true,
    logger: false,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push(Buffer.concat(chunks).toString("utf8"));
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  state = await openTestStateStore();
  channels = createChannels({
    db: state.store.db,
    secretKey: Buffer.alloc(32, 5),
    consoleUrl: "https://vigil.example.com",
    log: { warn() {} },
    // No sender override: the default sender, with the allow-list given here (as start-vigil does).
    allow,
  });
  t = await openTestApp({ features: [channels.routes] });
}, 60_000);
afterAll(async () => {
  await t.close();
  await state.dispose();
  await rx.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const hook = (path: string, extra: Record<string, unknown> = {}) => ({
  name: `hook ${path}`,
  type: "webhook",
  config: { url: `${rx.base}${path}`, secret: SECRET },
  ...extra,
});

async function create(payload: Record<string, unknown>): Promise<ChannelView> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/channels",
    headers: t.as("admin"),
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ChannelView;
}

describe("channel routes", () => {
  it("never returns or logs a secret, keeps it on a PUT that leaves it out, and stores it sealed", async () => {
    const bodies: string[] = [];
    const post = await t.app.inject({
      method: "POST",
      url: "/api/v1/channels",
      headers: t.as("admin"),
      payload: hook("/signed", { min_severity: "high" }),
    });
    expect(post.statusCode).toBe(201);
    bodies.push(post.body);
    const created = post.json() as ChannelView;
    expect(created).toMatchObject({
      type: "webhook",
      enabled: true,
      min_severity: "high",
      config: { url: `${rx.base}/signed` },
      secrets_set: ["secret"],
      last_delivery: null,
      failures_24h: 0,
      suppressed: 0,
    });
    const get = await t.app.inject({ url: `/api/v1/channels/${created.id}`, headers: t.as("audit") });
    expect(get.statusCode).toBe(200);
    bodies.push(get.body);
    const list = await t.app.inject({ url: "/api/v1/channels", headers: t.as("audit") });
    expect(list.statusCode).toBe(200);
    bodies.push(list.body);
    expect((list.json() as { items: ChannelView[] }).items.map((c) => c.id)).toContain(created.id);
    const put = await t.app.inject({
      method: "PUT",
      url: `/api/v1/channels/${created.id}`,
      headers: t.as("admin"),
      payload: { name: "renamed hook", type: "webhook", config: { url: `${rx.base}/signed` } },
    });
    expect(put.statusCode, put.body).toBe(200);
    bodies.push(put.body);
    expect(put.json()).toMatchObject({ name: "renamed hook", secrets_set: ["secret"], min_severity: "high" });
    for (const body of bodies) expect(body).not.toContain(SECRET);

    const row = await state.store.db
      .selectFrom("notification_channels")
      .select("config")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    const stored = row.config as { url: string; secret: string };
    expect(stored.secret).toMatch(/^v1:/);
    expect(JSON.stringify(row.config)).not.toContain(SECRET);

    // The kept secret still signs: the receiver verifies the test call with the original one.
    const test = await t.app.inject({
      method: "POST",
      url: `/api/v1/channels/${created.id}/test`,
      headers: t.as("analyst"),
    });
    expect(test.json()).toEqual({ ok: true, attempts: 1 });
    const [hit] = rx.hits("/signed");
    expect(hit && signatureValid(SECRET, hit)).toBe(true);
    expect(JSON.parse(hit?.raw ?? "{}")).toMatchObject({
      type: "alert",
      alert: { title: "Test notification from Vigil" },
    });

    const audit = await t.state.store.db.selectFrom("audit_log").select("detail").execute();
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it("keeps a Slack URL (which carries its token) out of responses and the audit log", async () => {
    // A Slack-compatible receiver (Mattermost, a relay): the token is in the path, whatever the host.
    const slack = await create({
      name: "slack",
      type: "slack",
      config: { url: `https://chat.example.com/hooks/${SLACK_TOKEN}` },
    });
    expect(slack.config).toEqual({});
    expect(slack.secrets_set).toEqual(["url"]);
    const list = await t.app.inject({ url: "/api/v1/channels", headers: t.as("audit") });
    expect(list.body).not.toContain(SLACK_TOKEN);
    const audit = await t.state.store.db.selectFrom("audit_log").select("detail").execute();
    expect(JSON.stringify(audit)).not.toContain(SLACK_TOKEN);
  });

  it("refuses bad input with a 400 naming the field, and a taken name with 409", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { ...hook("/x"), config: { url: `${rx.base}/x`, secret: "short" } },
        "body/config/secret",
        /16 characters/,
      ],
      [{ ...hook("/x"), colour: "red" }, "body/colour", /not a field/],
      [
        { ...hook("/x"), config: { url: `${rx.base}/x`, secret: SECRET, method: "GET" } },
        "body/config/method",
        /not a field/,
      ],
      [
        { ...hook("/x"), config: { url: "http://10.0.0.9/x", secret: SECRET } },
        "body/config/url",
        /not a public address/,
      ],
      [{ ...hook("/x"), name: "" }, "body/name", /.+/],
      [{ ...hook("/x"), type: "sms" }, "body/type", /.+/],
      [{ ...hook("/x"), min_severity: "urgent" }, "body/min_severity", /.+/],
    ];
    for (const [payload, field, message] of cases) {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/channels",
        headers: t.as("admin"),
        payload,
      });
      expect(res.statusCode, field).toBe(400);
      expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
      const errors = (res.json() as { errors: { field: string; message: string }[] }).errors;
      expect(errors[0]?.field, res.body).toBe(field);
      expect(errors[0]?.message).toMatch(message);
      expect(res.body).not.toContain(SECRET);
    }
    await create(hook("/dup"));
    const dup = await t.app.inject({
      method: "POST",
      url: "/api/v1/channels",
      headers: t.as("admin"),
      payload: hook("/dup"),
    });
    expect(dup.statusCode).toBe(409);
  });

  it("lets audit read, analysts test, and only supervisors and admins change channels", async () => {
    const ch = await create(hook("/roles"));
    const as = async (
      role: "audit" | "analyst",
      method: "POST" | "PUT" | "DELETE",
      url: string,
      payload?: object,
    ) =>
      (await t.app.inject({ method, url, headers: t.as(role), ...(payload ? { payload } : {}) })).statusCode;
    expect(await as("analyst", "POST", "/api/v1/channels", hook("/nope"))).toBe(403);
    expect(await as("analyst", "PUT", `/api/v1/channels/${ch.id}`, hook("/roles"))).toBe(403);
    expect(await as("analyst", "DELETE", `/api/v1/channels/${ch.id}`)).toBe(403);
    expect(await as("audit", "POST", `/api/v1/channels/${ch.id}/test`)).toBe(403);
    expect(
      (await t.app.inject({ url: `/api/v1/channels/${ch.id}`, headers: t.as("audit") })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: `/api/v1/channels/${ch.id}/deliveries`, headers: t.as("audit") }))
        .statusCode,
    ).toBe(200);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/channels/${ch.id}`,
      headers: t.as("admin"),
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/v1/channels/${ch.id}`, headers: t.as("audit") })).statusCode,
    ).toBe(404);
  });

  it("sends a test mail through a real SMTP server and lists the delivery", async () => {
    const ch = await create({
      name: "soc mail",
      type: "email",
      config: {
        host: "127.0.0.1",
        port: smtpPort,
        secure: false,
        starttls: false,
        from: "vigil@example.com",
        to: ["soc@example.com"],
      },
    });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/channels/${ch.id}/test`,
      headers: t.as("analyst"),
    });
    expect(res.json()).toEqual({ ok: true, attempts: 1 });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/Subject: \[Vigil INFO\] Test notification from Vigil/);
    expect(mails[0]).toMatch(/multipart\/alternative/);
    const deliveries = await t.app.inject({
      url: `/api/v1/channels/${ch.id}/deliveries`,
      headers: t.as("audit"),
    });
    expect(deliveries.json()).toMatchObject({
      items: [{ ok: true, attempts: 1, error: null, alert_id: expect.stringMatching(/^test-/) }],
    });
  });

  it("reports a failing test send with its reason, records it, and shows it on the channel", async () => {
    rx.script("/broken", [500, 502, 503]);
    const ch = await create(hook("/broken"));
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/channels/${ch.id}/test`,
      headers: t.as("analyst"),
    });
    expect(res.json()).toMatchObject({ ok: false, attempts: 3, error: expect.stringMatching(/HTTP 503/) });
    const view = (
      await t.app.inject({ url: `/api/v1/channels/${ch.id}`, headers: t.as("audit") })
    ).json() as ChannelView;
    expect(view.failures_24h).toBe(1);
    expect(view.last_delivery).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 503/) });
    const items = (
      await t.app.inject({ url: `/api/v1/channels/${ch.id}/deliveries?limit=5`, headers: t.as("audit") })
    ).json() as { items: unknown[] };
    expect(items.items).toHaveLength(1);
  });

  it("documents every channel route in the OpenAPI document under the channels tag", async () => {
    const res = await t.app.inject({ url: "/api/docs/json" });
    const doc = res.json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, methods] of [
      ["/api/v1/channels", ["get", "post"]],
      ["/api/v1/channels/{id}", ["get", "put", "delete"]],
      ["/api/v1/channels/{id}/test", ["post"]],
      ["/api/v1/channels/{id}/deliveries", ["get"]],
    ] as const)
      for (const m of methods) expect(doc.paths[path]?.[m]?.tags, `${m} ${path}`).toEqual(["channels"]);
  });
});

describe("channel routes: channels of clients", () => {
  let acme: { token: string };
  let globex: { token: string };
  let acmeAnalyst: { token: string };
  let acmeChannel: ChannelView;
  type Who = "admin" | "supervisor" | "audit" | { token: string };
  const call = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, who: Who, payload?: object) =>
    t.app.inject({ method, url, headers: t.as(who), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    await addClients(t, state.store.db, { acme: ["acme-paris"], globex: ["globex-berlin"] });
    acme = await clientUser(t, "acme-sup", "supervisor", "acme");
    globex = await clientUser(t, "globex-sup", "supervisor", "globex");
    acmeAnalyst = await clientUser(t, "acme-analyst", "analyst", "acme");
  });

  it("a client's supervisor creates a channel of their client, and no other client's", async () => {
    expect((await call("POST", "/api/v1/channels", acmeAnalyst, hook("/acme-x"))).statusCode).toBe(403);
    const res = await call("POST", "/api/v1/channels", acme, hook("/acme"));
    expect(res.statusCode, res.body).toBe(201);
    acmeChannel = res.json() as ChannelView;
    expect(acmeChannel.client).toBe("acme");
    expect(JSON.stringify(acmeChannel)).not.toContain(SECRET);
    const other = await call("POST", "/api/v1/channels", acme, hook("/acme-y", { client: "globex" }));
    expect(other.statusCode).toBe(403);
    // A PUT by the client's user keeps the channel theirs.
    const put = await call(
      "PUT",
      `/api/v1/channels/${acmeChannel.id}`,
      acme,
      hook("/acme", { name: "acme renamed" }),
    );
    expect(put.json()).toMatchObject({ name: "acme renamed", client: "acme" });
  });

  it("another client's user neither sees nor touches it (404), and lists their own only", async () => {
    const url = `/api/v1/channels/${acmeChannel.id}`;
    expect((await call("GET", url, globex)).statusCode).toBe(404);
    expect((await call("GET", `${url}/deliveries`, globex)).statusCode).toBe(404);
    expect((await call("POST", `${url}/test`, globex)).statusCode).toBe(404);
    expect((await call("PUT", url, globex, hook("/acme"))).statusCode).toBe(404);
    expect((await call("DELETE", url, globex)).statusCode).toBe(404);
    expect(rx.hits("/acme")).toHaveLength(0);
    const theirs = (await call("GET", "/api/v1/channels", globex)).json() as { items: ChannelView[] };
    expect(theirs.items).toEqual([]);
    const mine = (await call("GET", "/api/v1/channels", acmeAnalyst)).json() as { items: ChannelView[] };
    expect(mine.items.map((c) => c.id)).toEqual([acmeChannel.id]);
    expect((await call("POST", `${url}/test`, acmeAnalyst)).json()).toMatchObject({ ok: true });
    const all = (await call("GET", "/api/v1/channels", "audit")).json() as { items: ChannelView[] };
    expect(all.items.map((c) => c.id)).toContain(acmeChannel.id);
    expect(all.items.filter((c) => c.client === null).length).toBeGreaterThan(0);
  });

  it("staff create channels for an existing client or the operator, and may move one", async () => {
    const unknown = await call("POST", "/api/v1/channels", "supervisor", hook("/s1", { client: "nope" }));
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { detail: string }).detail).toContain("nope");
    const operator = await call("POST", "/api/v1/channels", "supervisor", hook("/s2"));
    expect(operator.json()).toMatchObject({ client: null });
    const globexCh = await call("POST", "/api/v1/channels", "supervisor", hook("/s3", { client: "globex" }));
    expect(globexCh.json()).toMatchObject({ client: "globex" });
    const id = (globexCh.json() as ChannelView).id;
    // Left out on PUT: unchanged; named: moved.
    expect((await call("PUT", `/api/v1/channels/${id}`, "supervisor", hook("/s3"))).json()).toMatchObject({
      client: "globex",
    });
    const moved = await call("PUT", `/api/v1/channels/${id}`, "supervisor", hook("/s3", { client: "acme" }));
    expect(moved.json()).toMatchObject({ client: "acme" });
    expect((await call("GET", `/api/v1/channels/${id}`, globex)).statusCode).toBe(404);
    expect((await call("DELETE", `/api/v1/channels/${id}`, acme)).statusCode).toBe(204);
    expect((await call("DELETE", `/api/v1/channels/${acmeChannel.id}`, acme)).statusCode).toBe(204);
  });
});
