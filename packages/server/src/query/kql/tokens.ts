import type { Position } from "./errors.js";

/**
 * The lexer's output. Keywords are not reserved: they come out as `ident` and the parser decides by
 * context (a column may be called `count`), as Kusto does.
 */
export type Token =
  | { kind: "ident"; text: string; pos: Position }
  /** A string literal, escapes resolved. */
  | { kind: "string"; text: string; value: string; pos: Position }
  /** `long` (a safe integer) or `real`. */
  | { kind: "number"; text: string; value: number; real: boolean; pos: Position }
  /** `1h`, `30m`, `100ms`...: milliseconds. */
  | { kind: "timespan"; text: string; ms: number; pos: Position }
  /** `datetime(2024-05-01 10:00)`: epoch milliseconds. */
  | { kind: "datetime"; text: string; ms: number; pos: Position }
  /** Punctuation and symbolic operators; also word operators negated with `!` (`!in`, `!has`) and `in~`. */
  | { kind: "op"; text: string; pos: Position }
  | { kind: "eof"; text: ""; pos: Position };

export type TokenKind = Token["kind"];

/** How a token reads in an error message. */
export function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the query";
    case "string":
      return "a string";
    case "number":
      return `the number ${token.text}`;
    case "timespan":
      return `the timespan ${token.text}`;
    case "datetime":
      return "a datetime";
    default:
      return `'${token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text}'`;
  }
}
