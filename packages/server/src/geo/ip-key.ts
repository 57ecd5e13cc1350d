import ipaddr from "ipaddr.js";

/**
 * An address reduced to what the range tables need: IPv4 as one 32-bit word, IPv6 as its top 64 bits
 * (two words). Ranges finer than a /64 are rare in routing data (a few anycast blocks), so keying v6
 * on the /64 keeps the tables half the size at no practical cost.
 */
export type IpKey =
  | { family: 4; lo: number; text: string }
  | { family: 6; hi: number; lo: number; text: string };

/**
 * Parse an address and decide whether it can be geolocated at all. Returns null for garbage and for
 * everything that is not global unicast: private (RFC 1918, ULA), loopback, link-local, CGNAT,
 * multicast, broadcast, unspecified, documentation/reserved, 6to4/Teredo/NAT64 tunnels. IPv4-mapped
 * IPv6 (`::ffff:a.b.c.d`) is treated as the IPv4 address it carries.
 */
export function toPublicIpKey(input: string): IpKey | null {
  const s = input.trim();
  if (s.length === 0 || s.length > 64) return null;
  if (s.includes(":")) {
    let v6: ipaddr.IPv6;
    try {
      v6 = ipaddr.IPv6.parse(s);
    } catch {
      return null;
    }
    if (v6.isIPv4MappedAddress()) return v4Key(v6.toIPv4Address());
    if (v6.range() !== "unicast") return null;
    const p = v6.parts;
    const hi = (((p[0] ?? 0) << 16) | (p[1] ?? 0)) >>> 0;
    const lo = (((p[2] ?? 0) << 16) | (p[3] ?? 0)) >>> 0;
    return { family: 6, hi, lo, text: v6.toString() };
  }
  // Only dotted quads: ipaddr.js also accepts "8.8.8" or "0x8080808", which no log means as an address.
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return null;
  return v4Key(ipaddr.IPv4.parse(s));
}

function v4Key(v4: ipaddr.IPv4): IpKey | null {
  if (v4.range() !== "unicast") return null;
  const o = v4.octets;
  const lo = (((o[0] ?? 0) << 24) | ((o[1] ?? 0) << 16) | ((o[2] ?? 0) << 8) | (o[3] ?? 0)) >>> 0;
  return { family: 4, lo, text: v4.toString() };
}

/**
 * Fast IPv6 text → top 64 bits for bulk loading the CSV (100k rows; ipaddr.js would allocate per row).
 * Writes [hi, lo] into `out`; returns false when the text is not an IPv6 address.
 */
export function ipv6Top64(s: string, out: Uint32Array): boolean {
  const groups = new Uint16Array(8);
  const dbl = s.indexOf("::");
  const head = dbl === -1 ? s : s.slice(0, dbl);
  const tail = dbl === -1 ? "" : s.slice(dbl + 2);
  const headParts = head.length > 0 ? head.split(":") : [];
  const tailParts = tail.length > 0 ? tail.split(":") : [];
  if (dbl === -1 && headParts.length !== 8) return false;
  if (headParts.length + tailParts.length > 8) return false;
  for (let i = 0; i < headParts.length; i++) {
    const v = parseHextet(headParts[i] ?? "");
    if (v < 0) return false;
    groups[i] = v;
  }
  for (let i = 0; i < tailParts.length; i++) {
    const part = tailParts[i] ?? "";
    // An embedded dotted quad only ever sits in the low 32 bits, which the key ignores.
    if (part.includes(".")) continue;
    const v = parseHextet(part);
    if (v < 0) return false;
    groups[8 - tailParts.length + i] = v;
  }
  out[0] = (((groups[0] ?? 0) << 16) | (groups[1] ?? 0)) >>> 0;
  out[1] = (((groups[2] ?? 0) << 16) | (groups[3] ?? 0)) >>> 0;
  return true;
}

function parseHextet(h: string): number {
  if (h.length === 0 || h.length > 4) return -1;
  const v = Number.parseInt(h, 16);
  return Number.isNaN(v) ? -1 : v;
}
