import { connect } from "node:net";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHttpApp } from "./app.js";
import { openTestApp, type TestApp } from "./app-test-support.js";
import { principalOf } from "./guard.js";

const probes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/api/v1/boom", { config: { access: { role: "audit" } } }, async () => {
    throw new Error("connection string postgres://secret@db leaked?");
  });
  app.get("/api/v1/ws-probe", { config: { access: { role: "audit" } } }, async (request) => ({
    user: principalOf(request).kind === "user" ? "user" : "key",
  }));
  app.post(
    "/api/v1/echo",
    {
      config: { access: { role: "analyst" } },
      schema: {
        body: Type.Object({ n: Type.Integer({ minimum: 1 }), name: Type.String() }),
        response: { 200: Type.Object({ n: Type.Integer() }) },
      },
    },
    async (request) => ({ n: request.body.n }),
  );
};

/** Raw bytes to a listening server, and all it answers before closing. */
function rawRequest(text: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    let out = "";
    socket.on("data", (d) => {
      out += d.toString();
    });
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
}

describe("http app plumbing", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp({ features: [probes] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers /health publicly with security headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(res.headers["content-security-policy"])).not.toContain("upgrade-insecure-requests");
  });

  it("sends HSTS only over HTTPS (here: a trusted proxy saying so), never over plain HTTP", async () => {
    const plain = await t.app.inject({ method: "GET", url: "/health" });
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    const proxied = await buildHttpApp({ state: t.state.store, version: "test", trustProxy: true });
    try {
      const viaTls = await proxied.inject({
        method: "GET",
        url: "/health",
        headers: { "x-forwarded-proto": "https" },
      });
      expect(viaTls.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      const viaHttp = await proxied.inject({
        method: "GET",
        url: "/health",
        headers: { "x-forwarded-proto": "http" },
      });
      expect(viaHttp.headers["strict-transport-security"]).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });

  it("answers Fastify's own 4xx (bad %-escape, overlong path parameter) with problem+json", async () => {
    const bad = await t.app.inject({ method: "GET", url: "/api/v1/ws-probe/%E0%A4%A" });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(bad.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/not valid/) });
    const long = await t.app.inject({ method: "DELETE", url: `/api/v1/users/${"x".repeat(200)}` });
    expect(long.statusCode).toBe(414);
    expect(long.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(long.json()).toMatchObject({
      status: 414,
      detail: "A path parameter is longer than 100 characters",
    });
  });

  it("answers headers too large (431) and broken HTTP (400) from the Node server with problem+json", async () => {
    const server = await buildHttpApp({ state: t.state.store, version: "test" });
    try {
      await server.listen({ host: "127.0.0.1", port: 0 });
      const port = (server.server.address() as { port: number }).port;
      const big = await rawRequest(
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
        port,
      );
      expect(big).toMatch(/^HTTP\/1.1 431 /);
      expect(big).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(big.slice(big.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 431 });
      const longUri = await rawRequest(`GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, port);
      expect(longUri).toMatch(/^HTTP\/1.1 431 /);
      const broken = await rawRequest("NOT HTTP AT ALL\r\n\r\n", port);
      expect(broken).toMatch(/^HTTP\/1.1 400 /);
      expect(broken).toMatch(/content-type: application\/problem\+json/i);
    } finally {
      await server.close();
    }
  });

  it("answers unknown routes with a 404 problem", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nothing-here?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "No route GET /api/v1/nothing-here",
    });
  });

  it("names the field and the reason on validation errors", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/echo",
      headers: t.as("analyst"),
      payload: { n: 0, name: "x" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 400,
      detail: "body/n must be >= 1",
      errors: [{ field: "body/n", message: "must be >= 1" }],
    });
    const missing = await t.app.inject({
      method: "POST",
      url: "/api/v1/echo",
      headers: t.as("analyst"),
      payload: { n: 2 },
    });
    expect(missing.json()).toMatchObject({ status: 400, errors: [{ field: "body/name" }] });
    const badJson = await t.app.inject({
      method: "POST",
      url: "/api/v1/echo",
      headers: { ...t.as("analyst"), "content-type": "application/json" },
      payload: "{not json",
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("hides internals on a 500", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/boom", headers: t.as("audit") });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ status: 500, title: "Internal Server Error" });
    expect(res.body).not.toContain("postgres://");
  });

  it("takes ?token= only on a WebSocket upgrade", async () => {
    const url = `/api/v1/ws-probe?token=${t.tokens.audit}`;
    const plain = await t.app.inject({ method: "GET", url });
    expect(plain.statusCode).toBe(401);
    expect(plain.headers["www-authenticate"]).toMatch(/^Bearer/);
    const upgrade = await t.app.inject({
      method: "GET",
      url,
      headers: { upgrade: "websocket", connection: "Upgrade" },
    });
    expect(upgrade.statusCode).toBe(200);
    expect(upgrade.json()).toEqual({ user: "user" });
  });

  it("keeps a ?token= out of the request log", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    const app = await buildHttpApp({ state: t.state.store, version: "test", logger, features: [probes] });
    await app.ready();
    const res = await app.inject({
      method: "GET",
      url: `/api/v1/ws-probe?token=${t.tokens.audit}&x=1`,
      headers: { upgrade: "websocket", connection: "Upgrade" },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    const log = lines.join("");
    expect(log).toContain("/api/v1/ws-probe?token=[redacted]&x=1");
    expect(log).not.toContain(t.tokens.audit);
  });

  it("logs each request in one line at debug, none at info", async () => {
    const logged = async (level: string) => {
      const lines: string[] = [];
      const logger = pino({ level }, { write: (line: string) => lines.push(line) });
      const app = await buildHttpApp({ state: t.state.store, version: "test", logger });
      await app.inject({ method: "GET", url: "/health" });
      await app.close();
      return lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    };
    expect(await logged("info")).toEqual([]);
    const debug = await logged("debug");
    expect(debug).toHaveLength(1);
    expect(debug[0]?.level).toBe(20);
    expect(debug[0]?.msg).toMatch(/^GET \/health 200 [\d.]+ ms$/);
  });

  it("serves an OpenAPI document describing every route, its schemas and who may call it", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/docs/json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[]; description: string; responses: object }>>;
    };
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe("bearer");
    const login = doc.paths["/api/v1/auth/login"]?.post;
    expect(login?.security).toEqual([]);
    expect(Object.keys(login?.responses ?? {})).toEqual(expect.arrayContaining(["200", "401", "429"]));
    const users = doc.paths["/api/v1/users"]?.post;
    expect(users?.security).toBeUndefined();
    expect(users?.description).toContain("`admin` role");
    for (const path of ["/api/v1/users/{id}", "/api/v1/api-keys", "/api/v1/audit", "/api/v1/auth/me"]) {
      expect(doc.paths[path]).toBeDefined();
    }
    const ui = await t.app.inject({ method: "GET", url: "/api/docs" });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it("refuses to start when a route does not declare its access, naming it", async () => {
    const careless: FastifyPluginAsyncTypebox = async (app) => {
      app.get("/api/v1/forgotten", async () => ({ open: true }));
    };
    const app = await buildHttpApp({ state: t.state.store, version: "test", features: [careless] });
    await expect(app.ready()).rejects.toThrow(/GET \/api\/v1\/forgotten has no config\.access/);
    await app.close().catch(() => {});
  });
});
