import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpProblem } from "./problem.js";

/** Deepest JSON nesting a request may carry (ingest records have their own, per-record limit). */
export const MAX_INPUT_DEPTH = 64;

/**
 * Where `value` first carries something no route accepts: a NUL character (PostgreSQL text cannot
 * hold one, so it would surface as a 500 from deep inside a store) or nesting deeper than
 * MAX_INPUT_DEPTH (recursive code would overflow the stack). Iterative, so hostile depth costs nothing.
 */
export function findHostileInput(value: unknown, path: string): string | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path, depth: 0 }];
  while (stack.length > 0) {
    const { v, path: at, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === "string") {
      if (v.includes("\u0000")) return `${at} contains a NUL character (\\u0000), which is not accepted`;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_INPUT_DEPTH) return `${at} is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    for (const [key, item] of Object.entries(v)) {
      if (key.includes("\u0000"))
        return `${at} has a property name with a NUL character (\\u0000), which is not accepted`;
      stack.push({ v: item, path: `${at}/${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/** Ingest bodies go to ClickHouse, which keeps any byte of a log line; their records are checked one by one. */
function isIngest(request: FastifyRequest): boolean {
  const access = request.routeOptions.config?.access;
  return typeof access === "object" && "scope" in access && access.scope === "ingest";
}

/**
 * Refuses, with a 400 naming the field, input that would otherwise fail deep inside a store or a
 * recursive walk: runs before schema validation on every route but the ingest endpoints.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (request.is404 || isIngest(request)) return;
    const found =
      findHostileInput(request.params, "params") ??
      findHostileInput(request.query, "querystring") ??
      findHostileInput(request.body, "body");
    if (found) throw new HttpProblem(400, found);
  });
}
