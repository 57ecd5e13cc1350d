/** `<input type="datetime-local">` speaks local wall time without a zone; the URL and API speak ISO UTC. */

const pad = (n: number): string => String(n).padStart(2, "0");

export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(local: string): string {
  if (!local) return "";
  // Without a zone suffix, Date parses "YYYY-MM-DDTHH:mm" as local time, which is what the input means.
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
