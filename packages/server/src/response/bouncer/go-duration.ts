/**
 * Durations as Go's `time.Duration.String()` writes them ("3h59m49.123s", "4h0m0s", "250ms",
 * "-1m2s"), because CrowdSec bouncers read a decision's `duration` with `time.ParseDuration`.
 * Vigil keeps millisecond precision, so the smallest unit written is "ms".
 */
export function formatGoDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return "0s";
  const sign = total < 0 ? "-" : "";
  let rest = Math.abs(total);
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  // Go trims trailing zeros of the fraction and omits it when zero.
  const fraction = millis === 0 ? "" : `.${String(millis).padStart(3, "0").replace(/0+$/, "")}`;
  const secondsPart = `${seconds}${fraction}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${secondsPart}`;
  if (minutes > 0) return `${sign}${minutes}m${secondsPart}`;
  return `${sign}${secondsPart}`;
}
