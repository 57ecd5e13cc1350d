/** Durations as scenarios write them: "30s", "5m", "1h", "4h", "7d", or combined ("1h30m"). */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const WHOLE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;

/** Milliseconds, or null when the text is not a duration (or is zero). */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!WHOLE.test(t)) return null;
  let ms = 0;
  for (const m of t.matchAll(PART)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** The shortest exact text for a duration: 300000 → "5m", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}
