/**
 * Wall-clock time → UTC. Many security logs (Sophos legacy `date= time=`, RFC 3164 headers, sshd files)
 * carry a local time without an offset; it is interpreted in the sender's configured IANA zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `utcMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Epoch ms (UTC) of a wall-clock time in `timeZone`. Month is 1-12. Handles DST by re-checking the
 * offset at the candidate instant.
 */
export function wallClockToUtc(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const first = naive - zoneOffsetMs(timeZone, naive);
  const second_ = naive - zoneOffsetMs(timeZone, first);
  return second_;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Month number (1-12) from an English abbreviation ("Jan", "feb"...), or 0. */
export function monthFromName(name: string): number {
  return MONTHS[name.slice(0, 3).toLowerCase()] ?? 0;
}

/**
 * Year for a timestamp that has none (RFC 3164, sshd files): the receive year, unless that puts the
 * time more than a day in the future (a December line received in January), then the year before.
 */
export function inferYear(month: number, day: number, receivedAt: number): number {
  const now = new Date(receivedAt);
  const year = now.getUTCFullYear();
  const candidate = Date.UTC(year, month - 1, day);
  return candidate - receivedAt > 86_400_000 * 2 ? year - 1 : year;
}
