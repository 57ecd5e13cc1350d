/**
 * Query parameters as @clickhouse/client sends them (`param_<name>` in the URL, in ClickHouse's
 * "escaped" text form) turned back into the JS values chDB's binder expects, so chDB re-encodes them
 * to exactly the text a ClickHouse server would have received.
 */

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+)\}/g;

/** `{name:Type}` placeholders of a statement: name → type. */
export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of sql.matchAll(PLACEHOLDER)) types.set(m[1] ?? "", (m[2] ?? "").trim());
  return types;
}

const ESCAPES: Record<string, string> = {
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  "0": "\0",
  a: "\x07",
  v: "\v",
};

/** Undoes ClickHouse's escaping (`\t`, `\n`, `\'`, `\\`...): an unknown escape yields the character itself. */
export function unescapeText(s: string): string {
  return s.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c);
}

type Literal = string | number | boolean | null | Literal[];

/** Parses an array literal such as `['a\'b',1,NULL,[2]]` into JS values. */
function parseLiteral(text: string): Literal {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i] ?? "")) i++;
  };
  const value = (): Literal => {
    skip();
    const c = text[i];
    if (c === "[" || c === "(") {
      const close = c === "[" ? "]" : ")";
      i++;
      const items: Literal[] = [];
      skip();
      if (text[i] === close) {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return items;
        }
        throw new Error(`bad literal near ${i}: ${text}`);
      }
    }
    if (c === "'") {
      let j = i + 1;
      let raw = "";
      while (j < text.length && text[j] !== "'") {
        if (text[j] === "\\") {
          raw += text.slice(j, j + 2);
          j += 2;
        } else raw += text[j++];
      }
      i = j + 1;
      return unescapeText(raw);
    }
    const m = /^[^,\])\s]+/.exec(text.slice(i));
    const tok = m?.[0] ?? "";
    i += tok.length;
    if (/^null$/i.test(tok)) return null;
    if (/^true$/i.test(tok)) return true;
    if (/^false$/i.test(tok)) return false;
    const n = Number(tok);
    if (tok === "" || Number.isNaN(n)) throw new Error(`bad literal token ${tok} in ${text}`);
    return n;
  };
  return value();
}

/** One `param_` value, given the placeholder's declared type. */
export function parseParamValue(raw: string, type: string): unknown {
  if (raw === "\\N") return null;
  if (/^(Nullable\()?Array\(/.test(type)) return parseLiteral(raw);
  return unescapeText(raw);
}
