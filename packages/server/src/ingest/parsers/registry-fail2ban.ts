/**
 * Reads fail2ban filter test files (`# failJSON: {...}` before the line it describes) into cases,
 * for the corpus tests. fail2ban runs its tests with the clock at 2005-08-14 12:00 CEST and local
 * time in CET/CEST, so expected `time` values are Europe/Berlin wall-clock times and yearless lines
 * take their year from that date.
 */
import { readFileSync } from "node:fs";

export interface Fail2banCase {
  line: string;
  match: boolean;
  host?: string;
  time?: string;
  user?: string;
  desc?: string;
}

export const FAIL2BAN_NOW = Date.UTC(2005, 7, 14, 10, 0, 0);
export const FAIL2BAN_ZONE = "Europe/Berlin";

export function readFail2ban(path: string): Fail2banCase[] {
  const cases: Fail2banCase[] = [];
  let expected: Record<string, unknown> | null = null;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("# failJSON:")) {
      expected = JSON.parse(line.slice("# failJSON:".length)) as Record<string, unknown>;
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const e = expected ?? {};
    cases.push({
      line,
      match: e.match === true,
      ...(typeof e.host === "string" ? { host: e.host } : {}),
      ...(typeof e.time === "string" ? { time: e.time } : {}),
      ...(typeof e.user === "string" ? { user: e.user } : {}),
      ...(typeof e.desc === "string" ? { desc: e.desc } : {}),
    });
    expected = null;
  }
  return cases;
}

/** Epoch ms → `YYYY-MM-DDTHH:MM:SS` wall clock in fail2ban's test zone, as failJSON writes it. */
export function fail2banTime(ms: number): string {
  return new Date(ms).toLocaleString("sv-SE", { timeZone: FAIL2BAN_ZONE }).replace(" ", "T");
}
