/** Display helpers shared by tables, cards and the feed. Pure. */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `2024-05-01 13:02:11` in the browser's zone: analysts read their own clock on a wall screen. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `13:02:11.120`: the live feed only needs the time of day. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

/** `10.0.0.1:443`, `[2001:db8::1]:443`, or just the address when the port is unknown. */
export function formatEndpoint(ip: string, port: number): string {
  if (!ip) return "";
  if (!port) return ip;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

let regionNames: Intl.DisplayNames | null = null;

/** `France` for `FR`; the code itself when the browser does not know it. */
export function countryName(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
