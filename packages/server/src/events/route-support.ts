import type { FastifyReply, FastifyRequest } from "fastify";
import type { Access } from "../http/access.js";
import { BadParameterError, shown } from "../query/bad-parameter.js";

/**
 * Who may read events: audit+ users, and API keys with the `read` scope (an MSP's per-site
 * integrations). A `{ role: "audit" }` access alone would shut API keys out, and with them the
 * site-bound keys this API scopes to their site.
 */
export const READ_EVENTS: Access = { scope: "read", role: "audit" };

/** The site a caller is bound to (an API key created for one site), or undefined when unbound. */
export function scopeSiteOf(request: FastifyRequest): string | undefined {
  const p = request.principal;
  return p?.kind === "apikey" && p.site !== null ? p.site : undefined;
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
