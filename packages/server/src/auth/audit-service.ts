import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../http/problem.js";
import type { AuditRepo } from "./audit-repo.js";
import type { ActorKind } from "./auth-tables.js";
import { redactSecrets } from "./redact.js";

export interface AuditRecord {
  actor: string;
  actorKind: ActorKind;
  /** "METHOD /route/pattern", e.g. "DELETE /api/v1/users/:id". */
  action: string;
  target: string | null;
  statusCode: number;
  /** Request body, params and outcome; secrets are redacted before storage. */
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface AuditItem {
  id: string;
  at: string;
  actor: string;
  actor_kind: ActorKind;
  action: string;
  target: string | null;
  detail: unknown;
  status: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!UUID.test(id)) throw new HttpProblem(400, "querystring/cursor is not a cursor from a previous page");
  return id;
}

export function createAuditService(deps: { audit: AuditRepo }) {
  const { audit } = deps;
  return {
    async record(entry: AuditRecord): Promise<void> {
      await audit.insert({
        id: uuidv7(),
        actor: entry.actor,
        actor_kind: entry.actorKind,
        action: entry.action,
        target: entry.target,
        status_code: entry.statusCode,
        detail: redactSecrets(entry.detail),
        ip: entry.ip,
      });
    },

    /** Newest first; `next_cursor` continues after the last item, null on the last page. */
    async list(query: {
      limit?: number | undefined;
      cursor?: string | undefined;
      actor?: string | undefined;
      action?: string | undefined;
    }): Promise<{ items: AuditItem[]; next_cursor: string | null }> {
      const limit = query.limit ?? 100;
      const rows = await audit.list({
        limit: limit + 1,
        ...(query.cursor ? { beforeId: decodeCursor(query.cursor) } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: r.actor,
          actor_kind: r.actor_kind,
          action: r.action,
          target: r.target,
          detail: r.detail,
          status: r.status_code,
        })),
        next_cursor: rows.length > limit && last ? Buffer.from(last.id, "utf8").toString("base64url") : null,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
