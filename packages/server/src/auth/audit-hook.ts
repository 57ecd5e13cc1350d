import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PROBLEM_CONTENT_TYPE } from "../http/problem.js";
import type { AuditService } from "./audit-service.js";

const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function field(value: unknown, name: string): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

function problemDetail(reply: FastifyReply, payload: unknown): string | undefined {
  const type = String(reply.getHeader("content-type") ?? "");
  if (!type.startsWith(PROBLEM_CONTENT_TYPE) || typeof payload !== "string") return undefined;
  try {
    return field(JSON.parse(payload), "detail");
  } catch {
    return undefined;
  }
}

/**
 * Every change request (POST/PUT/PATCH/DELETE) on a known route leaves an audit row: who, what,
 * on which target, with what outcome — refused ones too (401/403/409, failed logins with the
 * attempted username as actor). Written in `onSend`, i.e. before the client gets its answer, so a
 * change is never visible without its audit row. A route opts out with `config.audit: false`.
 */
export function installAuditHook(app: FastifyInstance, audit: AuditService): void {
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!CHANGES.has(request.method) || request.is404) return payload;
    const config = request.routeOptions.config;
    if (config?.audit === false || config?.access === undefined) return payload;
    const principal = request.principal;
    const body = request.body;
    const params = request.params;
    const attempted = field(body, "username");
    const detail: Record<string, unknown> = {};
    if (body !== undefined && body !== null) detail.body = config.auditBody ? config.auditBody(body) : body;
    if (params && typeof params === "object" && Object.keys(params).length > 0) detail.params = params;
    const failure = reply.statusCode >= 400 ? problemDetail(reply, payload) : undefined;
    if (failure) detail.error = failure;
    try {
      await audit.record({
        actor:
          principal?.kind === "user"
            ? principal.username
            : principal?.kind === "apikey"
              ? principal.name
              : (attempted ?? "anonymous"),
        actorKind: principal?.kind ?? "anonymous",
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        target: field(params, "id") ?? attempted ?? field(body, "name") ?? null,
        statusCode: reply.statusCode,
        detail,
        ip: request.ip ?? null,
        client: principal?.client ?? null,
      });
    } catch (err) {
      // Losing an audit row must be loud, but must not turn a done change into an error.
      request.log.error({ err }, "audit log write failed");
    }
    return payload;
  });
}
