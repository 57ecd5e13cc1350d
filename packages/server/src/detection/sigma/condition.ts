/**
 * Sigma's `condition`: identifiers, and / or / not, parentheses, `1 of x*`, `all of x*`, `1 of them`,
 * `all of them`. Aggregations (`| count() by …`) and `near` are refused: an imported rule judges one
 * event at a time (write a window scenario for counts).
 */
import type { Expr, SigmaIssue } from "./expr.js";
import { and, or } from "./expr.js";

export class ConditionError extends Error {
  constructor(
    readonly construct: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN = /\s*(\(|\)|[A-Za-z0-9_*.-]+)/y;

function tokenise(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m)
      throw new ConditionError(`'${text.slice(pos).trim().slice(0, 20)}'`, "not understood in a condition");
    out.push(m[1] as string);
    pos = TOKEN.lastIndex;
  }
  return out;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

/** Parses `condition` over the named searches (already compiled). */
export function parseCondition(text: string, searches: ReadonlyMap<string, Expr>): Expr {
  const bar = text.indexOf("|");
  if (bar >= 0)
    throw new ConditionError(
      `aggregation '${text.slice(bar).trim()}'`,
      "Vigil imports rules that judge one event at a time; write a window scenario (threshold, window, group_by) for counts",
    );
  const tokens = tokenise(text.slice(0, bar >= 0 ? bar : undefined));
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const KEYWORDS = new Set(["and", "or", "not", "of", "(", ")"]);

  function expr(): Expr {
    const items = [andExpr()];
    while (peek() === "or") {
      i++;
      items.push(andExpr());
    }
    return or(items);
  }
  function andExpr(): Expr {
    const items = [notExpr()];
    while (peek() === "and") {
      i++;
      items.push(notExpr());
    }
    return and(items);
  }
  function notExpr(): Expr {
    if (peek() === "not") {
      i++;
      return { op: "not", item: notExpr() };
    }
    return primary();
  }
  function primary(): Expr {
    const t = tokens[i];
    if (t === undefined)
      throw new ConditionError("end of condition", "the condition stops where a search was expected");
    if (t === "(") {
      i++;
      const e = expr();
      if (tokens[i] !== ")") throw new ConditionError("'('", "has no closing ')'");
      i++;
      return e;
    }
    const lower = t.toLowerCase();
    if (lower === "near") throw new ConditionError("'near'", "temporal correlation is not supported");
    if ((lower === "1" || lower === "all" || lower === "any") && tokens[i + 1]?.toLowerCase() === "of") {
      const target = tokens[i + 2];
      if (target === undefined || KEYWORDS.has(target.toLowerCase()))
        throw new ConditionError(`'${t} of'`, "names no searches");
      i += 3;
      const names =
        target.toLowerCase() === "them"
          ? [...searches.keys()].filter((n) => !n.startsWith("_"))
          : [...searches.keys()].filter((n) => glob(target).test(n));
      if (names.length === 0)
        throw new ConditionError(`'${t} of ${target}'`, "matches no search in detection");
      const items = names.map((n) => searches.get(n) as Expr);
      return lower === "all" ? and(items) : or(items);
    }
    if (/^\d+$/.test(t) && tokens[i + 1]?.toLowerCase() === "of")
      throw new ConditionError(`'${t} of'`, "only '1 of' and 'all of' are supported");
    if (KEYWORDS.has(lower)) throw new ConditionError(`'${t}'`, "a search name was expected here");
    const e = searches.get(t);
    if (!e) throw new ConditionError(`search '${t}'`, "is not defined in detection");
    i++;
    return e;
  }

  const e = expr();
  if (i < tokens.length) {
    throw new ConditionError(`'${tokens.slice(i).join(" ")}'`, "left over after the condition");
  }
  return e;
}

export type { SigmaIssue };
