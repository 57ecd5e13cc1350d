import { MAX_TIME_MS, MIN_TIME_MS } from "../time-range.js";
import { KqlError, type Position } from "./errors.js";
import type { Token } from "./tokens.js";

/** Longest query text accepted: a workbench query, not a data dump. */
export const MAX_QUERY_CHARS = 20_000;

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
};

/** Word operators that take a `!` in front (`!in`, `!has`...). */
const NEGATABLE = new Set([
  "in",
  "in~",
  "between",
  "has",
  "has_cs",
  "contains",
  "contains_cs",
  "startswith",
  "startswith_cs",
  "endswith",
  "endswith_cs",
]);

/** Operator names written with a hyphen; read as one word. Unsupported ones still lex, so the error names them. */
const HYPHENATED = new Set([
  "project-away",
  "project-rename",
  "project-keep",
  "project-reorder",
  "mv-expand",
  "mv-apply",
  "make-series",
  "top-nested",
  "top-hitters",
]);

// Longest first, so `==` is not read as `=` `=`.
const SYMBOLS = [
  "==",
  "!=",
  "<=",
  ">=",
  "=~",
  "!~",
  "..",
  "|",
  "(",
  ")",
  ",",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  ".",
  "[",
  "]",
  ";",
  "{",
  "}",
  ":",
];

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 date or date-time, UTC unless a zone is given; null if it is not one or is out of range. */
export function parseDateTime(text: string): number | null {
  const t = text.trim();
  const m = ISO.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone = "Z"] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone.toUpperCase()}`);
  if (!Number.isFinite(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) return null;
  // Date.parse rolls 2024-02-31 over to March; a date that does not exist is refused instead.
  if (zone.toUpperCase() === "Z" && new Date(ms).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`)
    return null;
  return ms;
}

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";

/** Splits KQL text into tokens. Throws a KqlError at the first character it cannot read. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_CHARS) {
    throw new KqlError(`The query is longer than ${MAX_QUERY_CHARS} characters.`, {
      line: 1,
      column: 1,
      offset: 0,
    });
  }
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number): Position => ({ line, column: offset - lineStart + 1, offset });

  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const start = i;
    const pos = at(start);

    if ((c === "@" || c === "h" || c === "H") && (text[i + 1] === '"' || text[i + 1] === "'")) {
      // @"..." verbatim (no escapes, "" is a quote); h"..." is Kusto's hidden string, a plain string here.
      const verbatim = c === "@";
      const { value, end } = verbatim ? readVerbatim(text, i + 1, pos) : readString(text, i + 1, pos, at);
      tokens.push({ kind: "string", text: text.slice(start, end), value, pos });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, i, pos, at);
      tokens.push({ kind: "string", text: text.slice(start, end), value, pos });
      i = end;
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(text[i + 1] ?? ""))) {
      i = readNumber(text, i, pos, tokens);
      continue;
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text[i] as string)) i++;
      let word = text.slice(start, i);
      // project-away, mv-expand...: one word when the hyphenated form is a known operator name.
      if (text[i] === "-" && isIdentStart(text[i + 1] ?? "")) {
        let j = i + 1;
        while (j < text.length && isIdentPart(text[j] as string)) j++;
        const joined = text.slice(start, j);
        if (HYPHENATED.has(joined)) {
          word = joined;
          i = j;
        }
      }
      if (word === "in" && text[i] === "~") {
        tokens.push({ kind: "op", text: "in~", pos });
        i++;
        continue;
      }
      if (word === "datetime" && /^\s*\(/.test(text.slice(i, i + 40))) {
        i = readDatetime(text, i, pos, tokens);
        continue;
      }
      tokens.push({ kind: "ident", text: word, pos });
      continue;
    }
    if (c === "!" && isIdentStart(text[i + 1] ?? "")) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j] as string)) j++;
      let word = text.slice(i + 1, j);
      if (word === "in" && text[j] === "~") {
        word = "in~";
        j++;
      }
      if (!NEGATABLE.has(word)) {
        throw new KqlError(
          `Unknown operator '!${word}'. Negated operators are !in, !in~, !between, !has, !contains, !startswith, !endswith.`,
          pos,
          "an operator",
        );
      }
      tokens.push({ kind: "op", text: `!${word}`, pos });
      i = j;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: "op", text: symbol, pos });
      i += symbol.length;
      continue;
    }
    throw new KqlError(`Unexpected character ${JSON.stringify(c)}.`, pos);
  }
  tokens.push({ kind: "eof", text: "", pos: at(i) });
  return tokens;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function readString(
  text: string,
  quoteAt: number,
  pos: Position,
  at: (offset: number) => Position,
): { value: string; end: number } {
  const quote = text[quoteAt];
  let value = "";
  let i = quoteAt + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\n") break;
    if (c === "\\") {
      const e = text[i + 1] ?? "";
      if (Object.hasOwn(ESCAPES, e)) {
        value += ESCAPES[e];
        i += 2;
        continue;
      }
      if (e === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      throw new KqlError(
        `Unknown escape '\\${e}' in a string. Escapes are \\" \\' \\\\ \\n \\t \\r \\0 \\uXXXX.`,
        at(i),
        "an escape sequence",
      );
    }
    value += c;
    i++;
  }
  throw new KqlError("This string is not closed.", pos, `a closing ${quote}`);
}

function readVerbatim(text: string, quoteAt: number, pos: Position): { value: string; end: number } {
  const quote = text[quoteAt];
  let value = "";
  let i = quoteAt + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (c === "\n") break;
    value += c;
    i++;
  }
  throw new KqlError("This string is not closed.", pos, `a closing ${quote}`);
}

function readNumber(text: string, start: number, pos: Position, tokens: Token[]): number {
  let i = start;
  while (isDigit(text[i] ?? "")) i++;
  let real = false;
  // `1..5` is a range, not the number 1.
  if (text[i] === "." && text[i + 1] !== ".") {
    real = true;
    i++;
    while (isDigit(text[i] ?? "")) i++;
  }
  if ((text[i] === "e" || text[i] === "E") && /^[eE][+-]?\d/.test(text.slice(i, i + 3))) {
    real = true;
    i += text[i + 1] === "+" || text[i + 1] === "-" ? 2 : 1;
    while (isDigit(text[i] ?? "")) i++;
  }
  const numberText = text.slice(start, i);
  const value = Number(numberText);
  if (isIdentStart(text[i] ?? "")) {
    let j = i;
    while (isIdentPart(text[j] ?? "")) j++;
    const unit = text.slice(i, j);
    const factor = Object.hasOwn(UNIT_MS, unit) ? UNIT_MS[unit] : undefined;
    if (factor === undefined) {
      throw new KqlError(
        `'${numberText}${unit}' is not a number or a timespan (units: d, h, m, s, ms).`,
        pos,
        "a number or a timespan such as 1h",
      );
    }
    const ms = Math.round(value * factor);
    if (!Number.isSafeInteger(ms)) throw new KqlError("This timespan is too large.", pos);
    tokens.push({ kind: "timespan", text: text.slice(start, j), ms, pos });
    return j;
  }
  if (!Number.isFinite(value) || (!real && !Number.isSafeInteger(value))) {
    throw new KqlError(`The number ${numberText} is too large.`, pos);
  }
  tokens.push({ kind: "number", text: numberText, value, real, pos });
  return i;
}

/** `datetime(2024-05-01)`, `datetime(2024-05-01 10:30:00)`, `datetime("2024-05-01T10:30Z")`. */
function readDatetime(text: string, afterWord: number, pos: Position, tokens: Token[]): number {
  const open = text.indexOf("(", afterWord);
  const close = text.indexOf(")", open);
  const newline = text.indexOf("\n", open);
  if (close === -1 || (newline !== -1 && newline < close)) {
    throw new KqlError("datetime( is not closed.", pos, "datetime(yyyy-MM-dd [HH:mm[:ss]])");
  }
  const inner = text
    .slice(open + 1, close)
    .trim()
    .replace(/^(["'])(.*)\1$/, "$2");
  const ms = parseDateTime(inner);
  if (ms === null) {
    throw new KqlError(
      `datetime(${inner.slice(0, 40)}) is not a date and time between 1900 and 2299.`,
      pos,
      "datetime(yyyy-MM-dd [HH:mm[:ss]])",
    );
  }
  tokens.push({ kind: "datetime", text: text.slice(pos.offset, close + 1), ms, pos });
  return close + 1;
}
