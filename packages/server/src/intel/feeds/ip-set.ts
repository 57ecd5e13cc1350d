import ipaddr from "ipaddr.js";

/**
 * Compact, CIDR-aware membership for blocklist feeds (100k+ entries each). IPv4 is kept as sorted,
 * merged [start, end] ranges in two Uint32Arrays (8 bytes a range, binary search); IPv6 as sorted,
 * merged 128-bit ranges in bigint arrays — feeds carry few IPv6 entries, so exactness beats packing.
 */
export type IpAddr = { family: 4; n: number } | { family: 6; n: bigint };

export type IpNet =
  | { family: 4; start: number; end: number; text: string }
  | { family: 6; start: bigint; end: bigint; text: string };

/** Dotted quad → unsigned 32-bit, or -1. Hand-rolled: feeds parse 100k+ of these per refresh. */
export function parseV4(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // No leading zeros ("010" is octal to some tools, decimal to others: refuse it).
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

export function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function v6ToBigInt(v6: ipaddr.IPv6): bigint {
  let n = 0n;
  for (const p of v6.parts) n = (n << 16n) | BigInt(p);
  return n;
}

const V6_ALL = (1n << 128n) - 1n;

/** An address (v4, v6, or v4-mapped v6 which counts as its v4), or null. */
export function parseIp(input: string): IpAddr | null {
  const s = input.trim();
  if (!s.includes(":")) {
    const n = parseV4(s);
    return n < 0 ? null : { family: 4, n };
  }
  if (s.length > 64 || !ipaddr.IPv6.isValid(s)) return null;
  const v6 = ipaddr.IPv6.parse(s);
  if (v6.isIPv4MappedAddress()) {
    const n = parseV4(v6.toIPv4Address().toString());
    return { family: 4, n };
  }
  return { family: 6, n: v6ToBigInt(v6) };
}

/**
 * An IP or a CIDR range, normalised (host bits cleared, "/32" and "/128" dropped), or null.
 * `1.2.3.4/24` is accepted as `1.2.3.0/24`: list authors often write the range that way.
 */
export function parseNet(input: string): IpNet | null {
  const s = input.trim();
  const slash = s.indexOf("/");
  const addrText = slash === -1 ? s : s.slice(0, slash);
  const addr = parseIp(addrText);
  if (!addr) return null;
  const max = addr.family === 4 && !addrText.includes(":") ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    bits = Number(p);
    if (bits > max) return null;
  }
  if (addr.family === 4) {
    // A v4-mapped v6 CIDR (::ffff:1.2.3.0/120) keeps its prefix relative to the v4 part.
    const v4bits = max === 128 ? bits - 96 : bits;
    if (v4bits < 0) return null;
    const mask = v4bits === 0 ? 0 : (0xffffffff << (32 - v4bits)) >>> 0;
    const start = (addr.n & mask) >>> 0;
    const end = (start | (~mask >>> 0)) >>> 0;
    const text = v4bits === 32 ? v4Text(start) : `${v4Text(start)}/${v4bits}`;
    return { family: 4, start, end, text };
  }
  const hostMask = bits === 128 ? 0n : (1n << BigInt(128 - bits)) - 1n;
  const start = addr.n & (V6_ALL ^ hostMask);
  const end = start | hostMask;
  const base = new ipaddr.IPv6(bigIntToParts(start)).toString();
  return { family: 6, start, end, text: bits === 128 ? base : `${base}/${bits}` };
}

function bigIntToParts(n: bigint): number[] {
  const out = new Array<number>(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(n & 0xffffn);
    n >>= 16n;
  }
  return out;
}

export class IpSet {
  private constructor(
    private readonly v4Start: Uint32Array,
    private readonly v4End: Uint32Array,
    private readonly v6Start: bigint[],
    private readonly v6End: bigint[],
  ) {}

  static empty(): IpSet {
    return new IpSet(new Uint32Array(0), new Uint32Array(0), [], []);
  }

  static from(nets: Iterable<IpNet>): IpSet {
    const v4: number[] = [];
    const v6: [bigint, bigint][] = [];
    for (const net of nets) {
      if (net.family === 4) v4.push(net.start, net.end);
      else v6.push([net.start, net.end]);
    }
    // Sort v4 ranges by start through one native numeric sort of start<<32|end keys.
    const count = v4.length / 2;
    const keys = new BigUint64Array(count);
    for (let i = 0; i < count; i++)
      keys[i] = (BigInt(v4[2 * i] as number) << 32n) | BigInt(v4[2 * i + 1] as number);
    keys.sort();
    const starts = new Uint32Array(count);
    const ends = new Uint32Array(count);
    let m = 0;
    for (let i = 0; i < count; i++) {
      const k = keys[i] as bigint;
      const s = Number(k >> 32n);
      const e = Number(k & 0xffffffffn);
      if (m > 0 && s <= (ends[m - 1] as number) + 1) {
        if (e > (ends[m - 1] as number)) ends[m - 1] = e;
      } else {
        starts[m] = s;
        ends[m] = e;
        m++;
      }
    }
    v6.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const s6: bigint[] = [];
    const e6: bigint[] = [];
    for (const [s, e] of v6) {
      const last = e6.length - 1;
      if (last >= 0 && s <= (e6[last] as bigint) + 1n) {
        if (e > (e6[last] as bigint)) e6[last] = e;
      } else {
        s6.push(s);
        e6.push(e);
      }
    }
    return new IpSet(starts.slice(0, m), ends.slice(0, m), s6, e6);
  }

  /** Merged ranges held (a measure of memory: 8 bytes each for IPv4). */
  get ranges(): number {
    return this.v4Start.length + this.v6Start.length;
  }

  has(ip: string): boolean {
    const addr = parseIp(ip);
    return addr ? this.contains(addr) : false;
  }

  contains(addr: IpAddr): boolean {
    if (addr.family === 4) {
      const starts = this.v4Start;
      let lo = 0;
      let hi = starts.length - 1;
      // Find the last range starting at or before the address.
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if ((starts[mid] as number) <= addr.n) lo = mid + 1;
        else hi = mid - 1;
      }
      return hi >= 0 && (this.v4End[hi] as number) >= addr.n;
    }
    const starts = this.v6Start;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as bigint) <= addr.n) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && (this.v6End[hi] as bigint) >= addr.n;
  }
}
