import { createTrafficMix, type TrafficItem } from "../../packages/server/src/cli/traffic/mix.js";

/**
 * Shared by the ingest load generators: unique markers and a pool of pre-generated line templates.
 * Generating each line from scratch would make the generator, not the server, the bottleneck, so a few
 * thousand seeded templates are made up front and each event is the template with its marker spliced in.
 *
 * Marker: `<runId>-<seq>` (seq from 0 to events-1). A checker counts a run's stored events with
 * `raw_log LIKE '%<runId>-%'` and finds duplicates or gaps by extracting the number after `<runId>-`.
 */
const SLOT = "\u0000MARK\u0000";

export interface Template {
  kind: TrafficItem["kind"];
  site: string;
  /** The line split around the marker slot(s). */
  parts: string[];
}

export function newRunId(): string {
  return `vm${Date.now().toString(36)}${Math.floor(Math.random() * 1296)
    .toString(36)
    .padStart(2, "0")}`;
}

export function markerOf(runId: string, seq: number): string {
  return `${runId}-${seq}`;
}

/** Single-line syslog templates (one line = one event), each with one marker slot. */
export function syslogTemplates(count: number, seed: number): Template[] {
  const mix = createTrafficMix({ seed, singleLine: true });
  return Array.from({ length: count }, () => {
    const item = mix.next(SLOT);
    return { kind: item.kind, site: item.site, parts: (item.lines[0] ?? "").split(SLOT) };
  });
}

export function fill(t: Template, marker: string): string {
  return t.parts.join(marker);
}

/** Tiny `--name value` reader with defaults and a clear message for bad numbers. */
export function readArgs<T extends Record<string, string>>(defaults: T, usage: string): T {
  const out: Record<string, string> = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--help" || a === "-h") {
      console.log(usage);
      process.exit(0);
    }
    const [name, inline] = a.startsWith("--") ? a.slice(2).split("=", 2) : [undefined, undefined];
    if (!name || !(name in defaults)) {
      console.error(`unknown argument ${JSON.stringify(a)}\n${usage}`);
      process.exit(2);
    }
    out[name] = inline ?? argv[++i] ?? "";
  }
  return out as T;
}

export function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name}: expected a whole number >= 1, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}

/** Prints progress once a second; returns a stop function. */
export function progress(label: string, read: () => { done: number; extra?: string }): () => void {
  let last = read().done;
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const { done, extra } = read();
    const now = performance.now();
    const rate = ((done - last) * 1000) / (now - lastAt);
    console.log(`${label}: ${done} events, ${Math.round(rate)}/s${extra ? `, ${extra}` : ""}`);
    last = done;
    lastAt = now;
  }, 1000);
  return () => clearInterval(timer);
}
