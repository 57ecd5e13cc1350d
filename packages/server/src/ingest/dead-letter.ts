import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Where rows go that the store would not take. Nothing is dropped silently: each row is appended to
 * `<dataDir>/dead-letter/<table>.ndjson` with the reason, and counted.
 */
export interface DeadLetter {
  write(table: string, rows: readonly string[], reason: string): void;
  count(): number;
}

export function createDeadLetter(dir: string): DeadLetter {
  let total = 0;
  let made = false;
  return {
    write(table, rows, reason) {
      if (rows.length === 0) return;
      if (!made) {
        mkdirSync(dir, { recursive: true });
        made = true;
      }
      const at = new Date().toISOString();
      const lines = rows.map((row) => `${JSON.stringify({ at, table, reason, row })}\n`).join("");
      appendFileSync(join(dir, `${table.replace(/[^a-z0-9_]/gi, "_")}.ndjson`), lines);
      total += rows.length;
    },
    count: () => total,
  };
}
