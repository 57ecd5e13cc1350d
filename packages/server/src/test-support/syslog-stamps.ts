/**
 * Timestamps for test syslog lines, always built from a moment the test chose (usually `Date.now()`):
 * a fixed date read back through the API's "last 24 h" default stops matching the day after it was
 * written, and a year-less RFC 3164 stamp is read against the current year.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => String(n).padStart(2, "0");

/** RFC 3164 `Mmm dd hh:mm:ss` in UTC (a source without a configured zone is read as UTC). */
export function bsdTime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, " ");
  return `${MONTHS[d.getUTCMonth()]} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Sophos `timestamp="2025-01-31T10:00:00+0000"`, always with an explicit offset. */
export function sophosTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "+0000");
}
