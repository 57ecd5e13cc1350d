import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzParameters, hostileJson, hostileString } from "../test-support/fuzz.js";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";
import { DOCS_PREFIX, type RouteRecord, routeCatalogue } from "./route-catalogue.js";

/**
 * Every route of the whole app, called as an admin with arbitrary path parameters, query strings and
 * bodies (strings with NUL and lone surrogates, raw bytes, numbers, nested JSON, and bodies shaped like
 * the route's own schema with hostile values): no answer is ever a 500, and every 4xx under /api is
 * problem+json. Fixed seed, a few runs per route (see test-support/fuzz.ts).
 */
let t: TestVigil;

/** Routes that would end the fuzzing session itself. */
const SKIP = new Set(["POST /api/v1/auth/logout"]);

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

beforeAll(async () => {
  t = await startTestVigil();
});
afterAll(async () => {
  await t?.close();
});

/** Percent-encodes every byte of the UTF-8 form (a lone surrogate becomes U+FFFD, as a browser sends it). */
function encodeAll(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** Raw bytes, percent-encoded: often not UTF-8 at all. */
const rawBytes = fc
  .uint8Array({ maxLength: 12 })
  .map((a) => [...a].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));
/** Already-encoded values that broke routes before: a literal %, NUL, a cut UTF-8 sequence, a traversal. */
const NASTY = [
  "%25",
  "%25zz",
  "%00",
  "%E0%A4%A",
  "..%2F..%2Fetc%2Fpasswd",
  "fe80::1%25eth0",
  "x".repeat(150),
];
const pathValue = fc.oneof(
  fc.constantFrom(...NASTY),
  hostileString.map(encodeAll),
  rawBytes,
  fc.uuid(),
  fc.integer().map(String),
);

let deep: unknown = 1;
for (let i = 0; i < 200; i++) deep = { a: deep };
const forgedCursor = Buffer.from(JSON.stringify([9e15, "0190a0a0-0000-7000-8000-000000000000"])).toString(
  "base64url",
);

/** Cases every route gets, whatever the random draws: the findings of issue 8 and their neighbours. */
function examples(hasBody: boolean): [string[], [string, string][], unknown][] {
  const body = (b: unknown) => (hasBody ? b : undefined);
  return [
    [["%25", "%25zz", "%25"], [["q", "%25"]], body({})],
    [
      ["%00", "%E0%A4%A", "x"],
      [
        ["from", "0000-01-01"],
        ["to", "9999-12-31"],
      ],
      body({ username: "a\u0000b", name: "x\u0000", url: "https://u:p@127.0.0.1/" }),
    ],
    [["x".repeat(150), "..%2F..%2Fetc%2Fpasswd", "-1"], [["cursor", forgedCursor]], body({ metadata: deep })],
    [["fe80::1%25eth0", "0", "1"], [["ip", "fe80::1%25eth0"]], body([null, "\ud800"])],
  ];
}

function pathOf(route: RouteRecord, values: string[]): string {
  let i = 0;
  const filled = route.url.replace(/:[A-Za-z0-9_]+|\*/g, () => values[i++] || "x");
  return filled;
}

function bodyFor(route: RouteRecord, openapi: Record<string, Record<string, OpenApiOperation>>) {
  const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
  const op = openapi[path]?.[route.method.toLowerCase()];
  const names = Object.keys(op?.requestBody?.content?.["application/json"]?.schema?.properties ?? {});
  const shaped =
    names.length > 0
      ? fc.dictionary(fc.constantFrom(...names), hostileJson, { maxKeys: names.length })
      : fc.constant({});
  return fc.oneof(shaped, hostileJson);
}

describe("every route with hostile input (fuzz)", () => {
  it("never answers 500", async () => {
    const app = t.vigil.app;
    const openapi = (app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> }).paths;
    const routes = routeCatalogue(app).filter(
      (r) =>
        !r.websocket &&
        r.method !== "HEAD" &&
        !r.url.startsWith(DOCS_PREFIX) &&
        !SKIP.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(30);
    const admin = { authorization: `Bearer ${t.adminToken}` };
    const failures: string[] = [];
    for (const route of routes) {
      const hasBody = ["POST", "PUT", "PATCH", "DELETE"].includes(route.method);
      await fc
        .assert(
          fc.asyncProperty(
            fc.array(pathValue, { minLength: 3, maxLength: 3 }),
            fc.array(
              fc.tuple(
                fc.oneof(hostileString, fc.constantFrom("from", "to", "limit", "cursor", "q", "ip", "site")),
                pathValue,
              ),
              { maxLength: 4 },
            ),
            hasBody ? bodyFor(route, openapi) : fc.constant(undefined),
            async (values, query, body) => {
              const qs = query.map(([k, v]) => `${encodeAll(k)}=${v}`).join("&");
              const url = `${pathOf(route, values)}${qs ? `?${qs}` : ""}`;
              const request: InjectOptions = {
                method: route.method as InjectOptions["method"],
                url,
                headers: admin,
                ...(body !== undefined
                  ? {
                      payload: JSON.stringify(body),
                      headers: { ...admin, "content-type": "application/json" },
                    }
                  : {}),
              };
              const res = await app.inject(request);
              const problemJson = String(res.headers["content-type"]).startsWith("application/problem+json");
              if (
                res.statusCode >= 500 ||
                (res.statusCode >= 400 && url.startsWith("/api/") && !problemJson)
              ) {
                failures.push(
                  `${route.method} ${route.url}: ${url} ${JSON.stringify(body)?.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`,
                );
                return false;
              }
              return true;
            },
          ),
          { ...fuzzParameters(6), examples: examples(hasBody) },
        )
        .catch(() => undefined);
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
