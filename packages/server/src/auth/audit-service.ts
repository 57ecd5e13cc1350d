import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../http/problem.js";
import { inStoreRange } from "../query/time-range.js";
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
  /** The actor's client (null: staff or anonymous). */
  client?: string | null;
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

/**
 * Control characters (but tab and newline) and lone surrogates, written as `\uXXXX` text: PostgreSQL
 * refuses NUL in text and jsonb, and a log reader should see what a hostile sender sent, not act on it.
 */
const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === "string") return escapeUnprintable(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeUnprintable(k), escapeDeep(v)]));
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!UUID.test(id)) throw new HttpProblem(400, "querystring/cursor is not a cursor from a previous page");
  return id;
}

/** A `from`/`to` bound as a Date, refused by name outside the times the store compares (year 0, 9999). */
function bound(raw: string | undefined, field: "from" | "to"): Date | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  if (!inStoreRange(ms))
    throw new HttpProblem(400, `querystring/${field} must be between 1900-01-01 and 2299-12-31, not ${raw}`);
  return new Date(ms);
}

export function createAuditService(deps: { audit: AuditRepo }) {
  const { audit } = deps;
  return {
    async record(entry: AuditRecord): Promise<void> {
      await audit.insert({
        id: uuidv7(),
        actor: escapeUnprintable(entry.actor),
        actor_kind: entry.actorKind,
        action: escapeUnprintable(entry.action),
        target: entry.target === null ? null : escapeUnprintable(entry.target),
        status_code: entry.statusCode,
        // Redacted first (it also bounds the depth), then escaped.
        detail: escapeDeep(redactSecrets(entry.detail)),
        ip: entry.ip,
        client: entry.client ?? null,
      });
    },

    /** Newest first; `next_cursor` continues after the last item, null on the last page. */
    async list(query: {
      limit?: number | undefined;
      cursor?: string | undefined;
      actor?: string | undefined;
      action?: string | undefined;
      target?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      /** Set from the caller's scope: a client's admin reads its own client's trail. */
      client?: string | undefined;
    }): Promise<{ items: AuditItem[]; next_cursor: string | null }> {
      const limit = query.limit ?? 100;
      const from = bound(query.from, "from");
      const to = bound(query.to, "to");
      const rows = await audit.list({
        limit: limit + 1,
        ...(query.cursor ? { beforeId: decodeCursor(query.cursor) } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.target ? { target: query.target } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(query.client !== undefined ? { client: query.client } : {}),
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
