/**
 * A hand-written key=value scanner for Sophos Firewall (SFOS) syslog lines. One pass over the
 * string, char codes only, no regular expression per key: the ingest path needs well over
 * 150,000 lines/s on one core.
 *
 * What real Sophos lines throw at it, and what it does:
 * - `key="quoted value with spaces"`, `key='single quoted'`, `key=""` and `key=` (empty);
 * - `=` inside quotes (`cookie="a=b;c=d"`) and inside unquoted values (`querystring=?a=b`);
 * - `\"` and `\\` inside quotes (other backslashes stay literal, so Windows paths survive);
 * - unquoted values holding spaces (`branch_name=Gaurav Patel`, `ether_type=Unknown (0x0000)`):
 *   an unquoted value runs until whitespace followed by the next `key=`;
 * - a quoted value glued to the next key (`hb_health="No Heartbeat"message=""`);
 * - words before the first key (a syslog header the listener left in): skipped;
 * - a truncated line (unterminated quote): the rest of the line becomes the value and `error` says so.
 *
 * Speed: the scan allocates no string. It records where each key and value sit in the line and
 * indexes keys in a small open-addressing hash table (FNV-1a computed while the key is scanned);
 * a value is sliced only when the parser asks for it. A firewall line has ~50 fields and the parser
 * reads ~30 of them, so this saves most of the per-field allocations and all the Map upkeep.
 */

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const SQUOTE = 39;
const EQUALS = 61;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}

/** Characters Sophos uses in field names: letters, digits, `_`, `-`, `.` (a table: this is the hot loop). */
const KEY_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letterOrDigit = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  KEY_CHARS[c] = letterOrDigit || c === 95 || c === 45 || c === 46 ? 1 : 0;
}

function isKeyChar(c: number): boolean {
  return c < 128 && KEY_CHARS[c] === 1;
}

/** Removes the two escapes Sophos can emit inside quotes: `\"` (or `\'`) and `\\`. */
function unescapeQuoted(raw: string, quote: number): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    const next = raw.charCodeAt(i + 1);
    if (next === quote || next === BACKSLASH) {
      out += raw.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + raw.slice(from);
}

/** Index just past the `key=` that starts at `at`, or -1 when no `key=` starts there. */
function keyEndAt(line: string, at: number): number {
  let k = at;
  const n = line.length;
  while (k < n && isKeyChar(line.charCodeAt(k))) k++;
  return k > at && k < n && line.charCodeAt(k) === EQUALS ? k : -1;
}

/** Most SFOS lines have 20-70 fields; beyond this the rest of the line is ignored and `error` says so. */
const MAX_FIELDS = 256;
const TABLE_SIZE = 512; // power of two, at least twice MAX_FIELDS: probes stay short
const SLOT_MASK = TABLE_SIZE - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a of a key the parser asks for. Memoised: the parser asks for the same few dozen literal keys
 * on every line, and V8 caches the hash of a literal string, so the Map lookup is cheaper than the loop.
 */
const keyHashes = new Map<string, number>();

function hashKey(key: string): number {
  const known = keyHashes.get(key);
  if (known !== undefined) return known;
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  h >>>= 0;
  if (keyHashes.size < 4096) keyHashes.set(key, h);
  return h;
}

/**
 * The fields of one line. Keys are as written; when a key repeats, the last value wins.
 * A KeyValues is reusable: `reset(line)` clears it for the next line, so a parser can keep one and
 * scan millions of lines without allocating its buffers again (typed arrays live off the JS heap and
 * are slow to allocate per line).
 */
export class KeyValues {
  /** Why the line could not be read fully; "" when it could. */
  error = "";
  size = 0;
  line = "";
  // Per field i: [5i] key start, [5i+1] key end, [5i+2] value start, [5i+3] value end,
  // [5i+4] quote char when the value holds escapes (else 0).
  private readonly spans = new Int32Array(MAX_FIELDS * 5);
  /** Hash slot → field index + 1 (0 = empty). */
  private readonly slots = new Int16Array(TABLE_SIZE);
  /** Slots used by the current line, so `reset` clears only those. */
  private readonly used = new Int16Array(MAX_FIELDS);

  /** Forget the previous line. */
  reset(line: string): void {
    for (let f = 0; f < this.size; f++) this.slots[this.used[f] ?? 0] = 0;
    this.size = 0;
    this.error = "";
    this.line = line;
  }

  /** The value of `key`, or undefined when the line does not have it. */
  get(key: string): string | undefined {
    const field = this.find(key, hashKey(key));
    if (field < 0) return undefined;
    const at = field * 5;
    const raw = this.line.slice(this.spans[at + 2], this.spans[at + 3]);
    const quote = this.spans[at + 4] ?? 0;
    return quote === 0 ? raw : unescapeQuoted(raw, quote);
  }

  has(key: string): boolean {
    return this.find(key, hashKey(key)) >= 0;
  }

  /** Every field, in order of first appearance (for tests and debugging; the parser uses `get`). */
  toMap(): Map<string, string> {
    const out = new Map<string, string>();
    for (let f = 0; f < this.size; f++) {
      const key = this.line.slice(this.spans[f * 5], this.spans[f * 5 + 1]);
      out.set(key, this.get(key) ?? "");
    }
    return out;
  }

  /** @internal Records a field found by the scanner. */
  add(
    keyStart: number,
    keyEnd: number,
    hash: number,
    valueStart: number,
    valueEnd: number,
    quote: number,
  ): void {
    const len = keyEnd - keyStart;
    let slot = hash & SLOT_MASK;
    for (;;) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) break;
      const at = (entry - 1) * 5;
      const otherStart = this.spans[at] ?? 0;
      if ((this.spans[at + 1] ?? 0) - otherStart === len && this.sameRegion(otherStart, keyStart, len)) {
        this.setValue(at, valueStart, valueEnd, quote); // repeated key: last value wins
        return;
      }
      slot = (slot + 1) & SLOT_MASK;
    }
    if (this.size >= MAX_FIELDS) {
      this.error ||= `more than ${MAX_FIELDS} fields; the rest of the line was not indexed`;
      return;
    }
    const at = this.size * 5;
    this.spans[at] = keyStart;
    this.spans[at + 1] = keyEnd;
    this.setValue(at, valueStart, valueEnd, quote);
    this.used[this.size] = slot;
    this.size++;
    this.slots[slot] = this.size;
  }

  private setValue(at: number, valueStart: number, valueEnd: number, quote: number): void {
    this.spans[at + 2] = valueStart;
    this.spans[at + 3] = valueEnd;
    this.spans[at + 4] = quote;
  }

  private sameRegion(a: number, b: number, len: number): boolean {
    for (let k = 0; k < len; k++)
      if (this.line.charCodeAt(a + k) !== this.line.charCodeAt(b + k)) return false;
    return true;
  }

  private find(key: string, hash: number): number {
    let slot = hash & SLOT_MASK;
    for (;;) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) return -1;
      const at = (entry - 1) * 5;
      const start = this.spans[at] ?? 0;
      if ((this.spans[at + 1] ?? 0) - start === key.length && this.line.startsWith(key, start))
        return entry - 1;
      slot = (slot + 1) & SLOT_MASK;
    }
  }
}

/**
 * Scans `line` into `into` (reset first), or into a fresh KeyValues. Pass `into` on hot paths; the
 * result is then valid until the next line is read into the same object.
 */
export function readKeyValues(line: string, into: KeyValues = new KeyValues(), start = 0): KeyValues {
  const fields = into;
  fields.reset(line);
  const n = line.length;
  let i = start;

  while (i < n) {
    let c = line.charCodeAt(i);
    if (!isKeyChar(c)) {
      i++; // whitespace, or junk before the first key (`<30>`, `Nov 16 00:28:48`...)
      continue;
    }
    const keyStart = i;
    let hash = FNV_OFFSET;
    while (i < n) {
      c = line.charCodeAt(i);
      if (!isKeyChar(c)) break;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      i++;
    }
    if (i >= n || c !== EQUALS) continue; // a word without `=`: not a key
    const keyEnd = i;
    hash >>>= 0;
    i++; // past `=`

    if (i >= n) {
      fields.add(keyStart, keyEnd, hash, n, n, 0);
      break;
    }
    const first = line.charCodeAt(i);

    if (first === DQUOTE || first === SQUOTE) {
      i++;
      const valueStart = i;
      let escaped = false;
      while (i < n) {
        const v = line.charCodeAt(i);
        if (v === first) break;
        if (v === BACKSLASH && i + 1 < n) {
          const next = line.charCodeAt(i + 1);
          if (next === first || next === BACKSLASH) {
            escaped = true;
            i += 2;
            continue;
          }
        }
        i++;
      }
      const valueEnd = Math.min(i, n);
      fields.add(keyStart, keyEnd, hash, valueStart, valueEnd, escaped ? first : 0);
      if (i >= n) {
        const key = line.slice(keyStart, keyEnd);
        fields.error = `unterminated quote in the value of ${key}: the line looks truncated`;
        break;
      }
      i++; // past the closing quote
      continue;
    }

    // Unquoted: ends at whitespace followed by the next `key=`, or at the end of the line.
    const valueStart = i;
    let valueEnd = n;
    while (i < n) {
      if (!isSpace(line.charCodeAt(i))) {
        i++;
        continue;
      }
      const spaceAt = i;
      let j = i + 1;
      while (j < n && isSpace(line.charCodeAt(j))) j++;
      if (j >= n || keyEndAt(line, j) !== -1) {
        valueEnd = spaceAt;
        i = j;
        break;
      }
      i = j; // a word that is not `key=`: part of this value
    }
    fields.add(keyStart, keyEnd, hash, valueStart, valueEnd, 0);
  }

  return fields;
}
