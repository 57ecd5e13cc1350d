import { ipv6Top64 } from "./ip-key.js";

/**
 * Autonomous-system ranges in compact sorted typed arrays, searched by bisection. IPv4 keys are one
 * 32-bit word; IPv6 keys are the top 64 bits as (hi, lo) words. Adjacent ranges of the same AS are
 * merged while loading, and organisation names are stored once each in a string table.
 */
export class AsnRanges {
  private startHi: Uint32Array;
  private startLo: Uint32Array;
  private endHi: Uint32Array;
  private endLo: Uint32Array;
  private asnOf: Uint32Array;
  private orgOf: Uint32Array;
  private n = 0;
  private sorted = true;

  constructor(
    capacity: number,
    readonly wide: boolean,
    private readonly orgs: OrgTable,
  ) {
    const cap = Math.max(capacity, 16);
    // v4 keys have no high word: share one zero-length array instead of paying for two empty columns.
    this.startHi = wide ? new Uint32Array(cap) : new Uint32Array(0);
    this.endHi = wide ? new Uint32Array(cap) : new Uint32Array(0);
    this.startLo = new Uint32Array(cap);
    this.endLo = new Uint32Array(cap);
    this.asnOf = new Uint32Array(cap);
    this.orgOf = new Uint32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Bytes held by the typed arrays (the org strings are counted by the OrgTable). */
  get byteSize(): number {
    return (
      this.startHi.byteLength +
      this.startLo.byteLength +
      this.endHi.byteLength +
      this.endLo.byteLength +
      this.asnOf.byteLength +
      this.orgOf.byteLength
    );
  }

  add(sHi: number, sLo: number, eHi: number, eLo: number, asn: number, org: number): void {
    const last = this.n - 1;
    if (last >= 0) {
      const lHi = this.wide ? (this.endHi[last] ?? 0) : 0;
      const lLo = this.endLo[last] ?? 0;
      if (this.asnOf[last] === asn && this.orgOf[last] === org && isNext(lHi, lLo, sHi, sLo)) {
        if (this.wide) this.endHi[last] = eHi;
        this.endLo[last] = eLo;
        return;
      }
      const pHi = this.wide ? (this.startHi[last] ?? 0) : 0;
      if (compare(sHi, sLo, pHi, this.startLo[last] ?? 0) < 0) this.sorted = false;
    }
    if (this.n === this.startLo.length) this.grow();
    if (this.wide) {
      this.startHi[this.n] = sHi;
      this.endHi[this.n] = eHi;
    }
    this.startLo[this.n] = sLo;
    this.endLo[this.n] = eLo;
    this.asnOf[this.n] = asn;
    this.orgOf[this.n] = org;
    this.n++;
  }

  /** Trim the arrays to their used length and sort them if the source was not in order. */
  finish(): void {
    if (!this.sorted) this.sortByStart();
    const n = this.n;
    if (this.wide) {
      this.startHi = this.startHi.slice(0, n);
      this.endHi = this.endHi.slice(0, n);
    }
    this.startLo = this.startLo.slice(0, n);
    this.endLo = this.endLo.slice(0, n);
    this.asnOf = this.asnOf.slice(0, n);
    this.orgOf = this.orgOf.slice(0, n);
  }

  /** The AS and organisation holding the key, or null when no range covers it. */
  find(hi: number, lo: number): { asn: number; org: string } | null {
    let a = 0;
    let b = this.n - 1;
    let hit = -1;
    // Last range whose start <= key.
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const c = compare(this.wide ? (this.startHi[mid] ?? 0) : 0, this.startLo[mid] ?? 0, hi, lo);
      if (c <= 0) {
        hit = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    if (hit < 0) return null;
    if (compare(this.wide ? (this.endHi[hit] ?? 0) : 0, this.endLo[hit] ?? 0, hi, lo) < 0) return null;
    return { asn: this.asnOf[hit] ?? 0, org: this.orgs.get(this.orgOf[hit] ?? 0) };
  }

  private grow(): void {
    const cap = this.startLo.length * 2;
    const resize = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    if (this.wide) {
      this.startHi = resize(this.startHi);
      this.endHi = resize(this.endHi);
    }
    this.startLo = resize(this.startLo);
    this.endLo = resize(this.endLo);
    this.asnOf = resize(this.asnOf);
    this.orgOf = resize(this.orgOf);
  }

  private sortByStart(): void {
    const idx = Array.from({ length: this.n }, (_, i) => i);
    const sHi = this.startHi;
    const sLo = this.startLo;
    idx.sort((x, y) =>
      compare(this.wide ? (sHi[x] ?? 0) : 0, sLo[x] ?? 0, this.wide ? (sHi[y] ?? 0) : 0, sLo[y] ?? 0),
    );
    const permute = (a: Uint32Array) => Uint32Array.from(idx, (i) => a[i] ?? 0);
    if (this.wide) {
      this.startHi = permute(this.startHi);
      this.endHi = permute(this.endHi);
    }
    this.startLo = permute(this.startLo);
    this.endLo = permute(this.endLo);
    this.asnOf = permute(this.asnOf);
    this.orgOf = permute(this.orgOf);
    this.sorted = true;
  }
}

/** Organisation names, each stored once; ranges refer to them by index. */
export class OrgTable {
  private readonly names: string[] = [""];
  private index: Map<string, number> | null = new Map<string, number>([["", 0]]);
  private chars = 0;

  intern(name: string): number {
    if (!this.index) throw new Error("OrgTable is sealed");
    const known = this.index.get(name);
    if (known !== undefined) return known;
    const id = this.names.length;
    // `name` is a slice of the whole CSV text, and V8 keeps the parent string alive for a slice:
    // copying it lets the 20 MB file text be collected once loading ends.
    const own = Buffer.from(name, "utf8").toString("utf8");
    this.names.push(own);
    this.index.set(own, id);
    this.chars += name.length;
    return id;
  }

  /** Drop the name → id map once loading is over: lookups only go from id to name. */
  seal(): void {
    this.index = null;
  }

  get(id: number): string {
    return this.names[id] ?? "";
  }

  get size(): number {
    return this.names.length;
  }

  /** Rough bytes: one-byte strings plus per-entry overhead of the array and the intern map. */
  get approxBytes(): number {
    return this.chars + this.names.length * (this.index ? 48 : 16);
  }
}

function compare(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  if (aLo !== bLo) return aLo < bLo ? -1 : 1;
  return 0;
}

/** True when (sHi, sLo) is the key right after (eHi, eLo): the two ranges touch. */
function isNext(eHi: number, eLo: number, sHi: number, sLo: number): boolean {
  if (eLo === 0xffffffff) return sLo === 0 && sHi === eHi + 1;
  return sHi === eHi && sLo === eLo + 1;
}

/**
 * Load CSV rows `start,end,asn,org` into `table`, starting at character `from`, for at most `maxRows`
 * rows. Returns where to resume (text.length when done) so the caller can yield to the event loop
 * between slices. `numeric`: v4 starts/ends as integers (`asn-ipv4-num.csv`); otherwise IPv6 text.
 */
export function loadAsnCsvSlice(
  text: string,
  from: number,
  maxRows: number,
  table: AsnRanges,
  orgs: OrgTable,
  numeric: boolean,
): number {
  const key = new Uint32Array(2);
  const endKey = new Uint32Array(2);
  let pos = from;
  for (let rows = 0; rows < maxRows && pos < text.length; rows++) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = text.length;
    const line = text.charCodeAt(eol - 1) === 13 ? text.slice(pos, eol - 1) : text.slice(pos, eol);
    pos = eol + 1;
    const c1 = line.indexOf(",");
    const c2 = line.indexOf(",", c1 + 1);
    const c3 = line.indexOf(",", c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) continue;
    const asn = Number(line.slice(c2 + 1, c3));
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) continue;
    const org = orgs.intern(unquote(line.slice(c3 + 1)));
    if (numeric) {
      const s = Number(line.slice(0, c1));
      const e = Number(line.slice(c1 + 1, c2));
      if (!(s >= 0 && e >= s && e <= 0xffffffff)) continue;
      table.add(0, s, 0, e, asn, org);
    } else {
      if (!ipv6Top64(line.slice(0, c1), key) || !ipv6Top64(line.slice(c1 + 1, c2), endKey)) continue;
      table.add(key[0] ?? 0, key[1] ?? 0, endKey[0] ?? 0, endKey[1] ?? 0, asn, org);
    }
  }
  return Math.min(pos, text.length);
}

function unquote(field: string): string {
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) {
    return field.slice(1, -1).replaceAll('""', '"');
  }
  return field;
}

/** Newline count: the row capacity to allocate up front so the arrays rarely grow. */
export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n + 1;
}
