/**
 * Syslog framing for generated lines: RFC 3164 (BSD) and RFC 5424 headers, with facility/severity
 * folded into PRI. Times are UTC.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export const FACILITY = {
  kern: 0,
  user: 1,
  auth: 4,
  daemon: 3,
  authpriv: 10,
  local0: 16,
  local4: 20,
} as const;
export const SEVERITY = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;

export function pri(facility: number, severity: number): number {
  return facility * 8 + severity;
}

/** `<PRI>Mmm dd HH:MM:SS host tag: msg`; the day is space-padded as the RFC says. A tag of "" omits it. */
export function rfc3164(p: number, at: number, host: string, tag: string, msg: string): string {
  const d = new Date(at);
  const day = String(d.getUTCDate()).padStart(2, " ");
  const time = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  const head = `<${p}>${MONTHS[d.getUTCMonth()]} ${day} ${time} ${host}`;
  return tag ? `${head} ${tag}: ${msg}` : `${head} ${msg}`;
}

/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` with an ISO timestamp in UTC and no structured data. */
export function rfc5424(
  p: number,
  at: number,
  host: string,
  app: string,
  procId: string,
  msgId: string,
  msg: string,
  sd = "-",
): string {
  return `<${p}>1 ${new Date(at).toISOString()} ${host} ${app || "-"} ${procId || "-"} ${msgId || "-"} ${sd} ${msg}`;
}
