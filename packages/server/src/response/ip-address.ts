import { isIPv4, isIPv6 } from "node:net";

/**
 * IP and CIDR text in one canonical form, so a ban keyed by IP is found however the IP was typed
 * ("2001:DB8:0::1" and "2001:db8::1" are the same ban; "::ffff:1.2.3.4" is 1.2.3.4).
 */

/** The canonical text of an IP, or null when it is not an IPv4/IPv6 address. */
export function canonicalIp(text: string): string | null {
  const value = text.trim();
  if (isIPv4(value)) return value;
  if (!isIPv6(value) || value.includes("%")) return null;
  // The WHATWG URL parser prints IPv6 in RFC 5952 form (lower case, longest zero run compressed).
  const host = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped?.[1] && mapped[2]) {
    const hi = Number.parseInt(mapped[1], 16);
    const lo = Number.parseInt(mapped[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

export interface ParsedCidr {
  /** What to show and store: a bare IP for a single address, else network/prefix. */
  text: string;
  /** The PostgreSQL `cidr` value (host bits cleared, prefix always present). */
  cidr: string;
}

/** An IP or CIDR range ("10.0.0.0/8", "2001:db8::/32", "1.2.3.4"); host bits are cleared. */
export function parseIpOrCidr(text: string): ParsedCidr | null {
  const [addr = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const ip = canonicalIp(addr);
  if (!ip) return null;
  const v4 = ip.includes(".");
  const bits = v4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > bits) return null;
  }
  const network = prefix === bits ? ip : maskIp(ip, prefix);
  return { text: prefix === bits ? ip : `${network}/${prefix}`, cidr: `${network}/${prefix}` };
}

function maskIp(ip: string, prefix: number): string {
  const bytes = toBytes(ip);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalIp(groups.join(":")) ?? ip;
}

function toBytes(ip: string): number[] {
  if (ip.includes(".") && !ip.includes(":")) return ip.split(".").map(Number);
  const [head = "", tail] = ip.split("::");
  const part = (s: string) => (s ? s.split(":") : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}
