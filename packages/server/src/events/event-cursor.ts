import { BadParameterError } from "../query/bad-parameter.js";
import { inStoreRange } from "../query/time-range.js";

/** Where a page of events ended: the keys of its last row, newest-first order (timestamp, event_id). */
export interface EventCursor {
  ts: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** Opaque to callers: base64url of the last row's keys. */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.ts, cursor.id])).toString("base64url");
}

export function decodeCursor(text: string): EventCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    Number.isSafeInteger(parsed[0]) &&
    inStoreRange(parsed[0] as number) &&
    typeof parsed[1] === "string" &&
    isUuid(parsed[1])
  ) {
    return { ts: parsed[0] as number, id: parsed[1] };
  }
  throw new BadParameterError("cursor", "not a cursor returned by this endpoint");
}
