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
 */

export interface KeyValues {
  /** Keys as written; when a key repeats, the last value wins. */
  fields: Map<string, string>;
  /** Why the line could not be read fully; "" when it could. */
  error: string;
}

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

/** Characters Sophos uses in field names: letters, digits, `_`, `-`, `.`. */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46
  );
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

export function readKeyValues(line: string, start = 0): KeyValues {
  const fields = new Map<string, string>();
  let error = "";
  const n = line.length;
  let i = start;

  while (i < n) {
    const c = line.charCodeAt(i);
    if (!isKeyChar(c)) {
      i++; // whitespace, or junk before the first key (`<30>`, `Nov 16 00:28:48`...)
      continue;
    }
    const keyStart = i;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    if (i >= n || line.charCodeAt(i) !== EQUALS) continue; // a word without `=`: not a key
    const key = line.slice(keyStart, i);
    i++; // past `=`

    if (i >= n) {
      fields.set(key, "");
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
      let value = line.slice(valueStart, i);
      if (escaped) value = unescapeQuoted(value, first);
      fields.set(key, value);
      if (i >= n) {
        error = `unterminated quote in the value of ${key}: the line looks truncated`;
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
    fields.set(key, line.slice(valueStart, valueEnd));
  }

  return { fields, error };
}
