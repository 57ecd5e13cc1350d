import { SEVERITIES, type Severity } from "../ingest/event.js";

/** Bucket widths a chart reads naturally, in seconds. */
export const BUCKET_WIDTHS = [10, 30, 60, 300, 900, 3600, 10_800, 21_600, 86_400] as const;
export const MAX_BUCKETS = 120;
const DAY = 86_400;

/**
 * The narrowest natural width that draws the range in at most 120 buckets (so 60-120 for most
 * ranges). Past 120 days, whole days, as many as needed to stay within 120 buckets.
 */
export function pickBucketSeconds(fromMs: number, toMs: number): number {
  const rangeS = Math.max(1, (toMs - fromMs) / 1000);
  for (const w of BUCKET_WIDTHS) if (Math.ceil(rangeS / w) <= MAX_BUCKETS) return w;
  return Math.ceil(rangeS / DAY / MAX_BUCKETS) * DAY;
}

export type SeverityCounts = Record<Severity, number>;

export interface TimelineBucket {
  t: string;
  count: number;
  by_severity: SeverityCounts;
}

function zero(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/**
 * Every bucket of the range, zero-filled. Buckets are aligned on multiples of the width since the
 * epoch (so days start at 00:00 UTC); `rows` give counts per bucket index and severity.
 */
export function fillTimeline(
  fromMs: number,
  toMs: number,
  bucketS: number,
  rows: readonly { bucket: number; severity: string; count: number }[],
): TimelineBucket[] {
  const first = Math.floor(fromMs / 1000 / bucketS);
  const last = Math.floor((toMs - 1) / 1000 / bucketS);
  const buckets: TimelineBucket[] = [];
  for (let b = first; b <= last; b++) {
    buckets.push({ t: new Date(b * bucketS * 1000).toISOString(), count: 0, by_severity: zero() });
  }
  for (const row of rows) {
    const bucket = buckets[row.bucket - first];
    if (!bucket) continue;
    bucket.count += row.count;
    // A severity outside the five (an old row, a bad parser) still counts in the total.
    if ((SEVERITIES as readonly string[]).includes(row.severity))
      bucket.by_severity[row.severity as Severity] += row.count;
  }
  return buckets;
}
