/**
 * Readable log lines for a terminal, from pino's JSON lines: `12:04:05 INFO  bans  ban 203.0.113.9 …`.
 * A few dozen lines instead of pino-pretty and its dependencies: Vigil's messages already carry their
 * key facts, so a time, a level, the component and the message are most of what a person needs; the
 * remaining fields follow as key=value. Files and pipes keep pino's JSON (see main.ts).
 */

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: "TRACE", color: "90" },
  20: { name: "DEBUG", color: "90" },
  30: { name: "INFO ", color: "32" },
  40: { name: "WARN ", color: "33" },
  50: { name: "ERROR", color: "31" },
  60: { name: "FATAL", color: "41;97" },
};

/** pino's own fields, and the ones shown in the line's head rather than as key=value. */
const HEAD = new Set(["level", "time", "pid", "hostname", "msg", "component", "store", "banner"]);

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

function value(v: unknown): string {
  if (typeof v === "string") return /[\s="]/.test(v) || v === "" ? JSON.stringify(v) : v;
  if (v instanceof Object) return JSON.stringify(v);
  return String(v);
}

function errorText(err: unknown): string | null {
  if (!err || typeof err !== "object") return null;
  const e = err as { message?: unknown; stack?: unknown };
  return typeof e.stack === "string" ? e.stack : typeof e.message === "string" ? e.message : null;
}

/** One pino record as a terminal line (no trailing newline). */
export function formatLogRecord(rec: Record<string, unknown>, color: boolean): string {
  const level = LEVELS[Number(rec.level)] ?? { name: String(rec.level).padEnd(5), color: "0" };
  const time = new Date(typeof rec.time === "number" ? rec.time : Date.now()).toISOString().slice(11, 23);
  const where = rec.component ?? rec.store;
  const msg = typeof rec.msg === "string" ? rec.msg : "";
  if (rec.banner === true) return banner(msg, color);
  const rest: string[] = [];
  let stack: string | null = null;
  for (const [k, v] of Object.entries(rec)) {
    if (HEAD.has(k) || v === undefined) continue;
    const text = k === "err" ? errorText(v) : null;
    if (text?.includes("\n")) stack = text;
    else rest.push(`${k}=${text ?? value(v)}`);
  }
  const head = [
    paint(color, "2", time),
    paint(color, level.color, level.name),
    where ? paint(color, "36", String(where)) : null,
    Number(rec.level) >= 40 ? paint(color, level.color, msg) : msg,
  ].filter(Boolean);
  const line = `${head.join(" ")}${rest.length ? `  ${paint(color, "2", rest.join(" "))}` : ""}`;
  return stack ? `${line}\n${paint(color, "2", stack)}` : line;
}

/** The "Vigil is running" line: a box, so it stands out among the start-up lines. */
function banner(msg: string, color: boolean): string {
  const lines = msg.split("\n");
  const width = Math.max(...lines.map((l) => l.length));
  const edge = `+${"-".repeat(width + 2)}+`;
  const body = lines.map((l) => `| ${paint(color, "1", l.padEnd(width))} |`);
  return ["", edge, ...body, edge, ""].join("\n");
}

/** A pino destination that writes formatted lines to `out` (stdout on a terminal). */
export function prettyDestination(out: { write(text: string): unknown }, color: boolean) {
  return {
    write(chunk: string): void {
      for (const line of chunk.split("\n")) {
        if (!line) continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          out.write(`${line}\n`);
          continue;
        }
        out.write(`${formatLogRecord(rec, color)}\n`);
      }
    },
  };
}
