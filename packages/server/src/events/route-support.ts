import type { FastifyReply, FastifyRequest } from "fastify";
import type { Access } from "../http/access.js";
import { siteScopeOf } from "../http/guard.js";
import { BadParameterError, shown } from "../query/bad-parameter.js";
import { assertSite, visibleSites } from "../tenancy/scope.js";

/**
 * Who may read events: audit+ users, and API keys with the `read` scope (an MSP's per-site
 * integrations). A `{ role: "audit" }` access alone would shut API keys out, and with them the
 * site-bound keys this API scopes to their site.
 */
export const READ_EVENTS: Access = { scope: "read", role: "audit" };

/**
 * The sites a caller may read events of (a client's sites, a site-bound key's one site), or undefined
 * for every site. Sites the caller names in `site=` must be among them: another client's site is a 403.
 */
export function scopeSitesOf(
  request: FastifyRequest,
  requested: readonly string[] = [],
): readonly string[] | undefined {
  const scope = siteScopeOf(request);
  for (const site of requested) assertSite(scope, site);
  return visibleSites(scope) ?? undefined;
}

/** A whole number in [min, max], or the default when absent. */
export function parseBoundedInt(
  raw: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new BadParameterError(name, `${shown(raw)} is not a whole number between ${min} and ${max}`);
  }
  return n;
}

type Problem = ReturnType<BadParameterError["toProblem"]>;

const PROBLEM_TYPE = "application/problem+json";

/**
 * Run a handler, answering a BadParameterError with a 400 problem here, so the answer is the same
 * whichever error handler the app installs; anything else goes on to the app's handler.
 */
export async function withBadParameters<T>(reply: FastifyReply, run: () => Promise<T>): Promise<T | Problem> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof BadParameterError)) throw err;
    reply.code(400).type(PROBLEM_TYPE);
    return err.toProblem();
  }
}

export function notFound(reply: FastifyReply, detail: string): Problem {
  reply.code(404).type(PROBLEM_TYPE);
  return { type: "about:blank", title: "Not Found", status: 404, detail };
}
