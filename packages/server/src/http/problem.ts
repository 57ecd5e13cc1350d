import { STATUS_CODES } from "node:http";
import { type Static, Type } from "@fastify/type-provider-typebox";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/**
 * RFC 7807 problem details: every error the API returns has this shape and the
 * `application/problem+json` content type.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: "A URI naming the problem type; about:blank for plain HTTP errors" }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: "What went wrong, in words a user can act on" }),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: "Validation errors, one per offending field",
      }),
    ),
  },
  { title: "Problem" },
);
export type Problem = Static<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Throw from a service or route to answer with a problem; `status` is an HTTP status code. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

export function problem(status: number, detail: string, errors?: Problem["errors"]): Problem {
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * `body/password` style field names, matching Fastify's own validation messages; allowed values are
 * spelled out, and the "must match a schema in anyOf" summaries that only repeat the branches dropped.
 */
function validationErrors(error: FastifyError): NonNullable<Problem["errors"]> {
  const context = error.validationContext ?? "request";
  const out: NonNullable<Problem["errors"]> = [];
  for (const issue of (error.validation ?? []) as ValidationIssue[]) {
    const missing = issue.params?.missingProperty;
    const field = `${context}${issue.instancePath ?? ""}${typeof missing === "string" ? `/${missing}` : ""}`;
    let message = issue.message ?? "is invalid";
    const allowed = issue.params?.allowedValues;
    if (Array.isArray(allowed)) message = `${message}: ${allowed.join(", ")}`;
    if (/^must match (a|exactly one) schema in (anyOf|oneOf)$/.test(message) && out.length > 0) continue;
    if (!out.some((e) => e.field === field && e.message === message)) out.push({ field, message });
  }
  return out;
}

/**
 * The one error handler: validation → 400 naming the field, HttpProblem → its status, Fastify's own
 * 4xx errors (bad JSON, unsupported media type, body too large, rate limit) keep their status and
 * message, anything else is a 500 that is logged in full but answered without internals.
 */
export function handleError(error: FastifyError | HttpProblem, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpProblem) {
    reply.headers(error.headers);
    return sendProblem(reply, problem(error.status, error.detail));
  }
  if (error.validation) {
    const errors = validationErrors(error);
    const detail = errors.map((e) => `${e.field} ${e.message}`).join("; ") || error.message;
    return sendProblem(reply, problem(400, detail, errors));
  }
  // A safety net behind the input checks: PostgreSQL's class 22 ("data exception": a value that is
  // not valid for its type, such as a NUL in text or a malformed inet) is the caller's input, not a fault.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code) && "severity" in error) {
    return sendProblem(reply, problem(400, `A value in the request is not valid: ${error.message}`));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendProblem(reply, problem(status, error.message));
  }
  request.log.error({ err: error }, "unhandled error");
  return sendProblem(
    reply,
    problem(500, `An internal error occurred; the server log has the details (request id ${request.id}).`),
  );
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split("?")[0];
  return sendProblem(reply, problem(404, `No route ${request.method} ${path}`));
}

/** Problem responses for a route schema: `response: { 200: X, ...problemResponses(400, 404) }`. */
export function problemResponses(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
}
