/**
 * The boolean tree a Sigma detection compiles to before it becomes a Vigil filter: leaves are one
 * filter field with one condition, inner nodes and/or/not. Vigil's filter has `any`/`all` but `not`
 * only on one field, so `toFilter` pushes every negation down to the leaves (De Morgan) first.
 */
import type { Filter } from "../types.js";

export type Expr =
  | { op: "and" | "or"; items: Expr[] }
  | { op: "not"; item: Expr }
  | { op: "leaf"; field: string; cond: unknown };

export interface SigmaIssue {
  /** Where in the Sigma rule, e.g. "detection.selection.cs-cookie|contains". */
  place: string;
  /** The construct Vigil cannot import, e.g. "modifier 'windash'", "field 'cs-cookie'". */
  construct: string;
  message: string;
  /** 1-based line in the rule's YAML (1 when unknown). */
  line?: number;
}

export const and = (items: Expr[]): Expr => (items.length === 1 ? (items[0] as Expr) : { op: "and", items });
export const or = (items: Expr[]): Expr => (items.length === 1 ? (items[0] as Expr) : { op: "or", items });
export const leaf = (field: string, cond: unknown): Expr => ({ op: "leaf", field, cond });

/** Negation normal form: `not` only directly above leaves, and/or flattened. */
function nnf(e: Expr, negate: boolean): Expr {
  switch (e.op) {
    case "leaf":
      return negate ? { op: "leaf", field: e.field, cond: { not: e.cond } } : e;
    case "not":
      return nnf(e.item, !negate);
    default: {
      const op = (e.op === "and") !== negate ? "and" : "or";
      const items: Expr[] = [];
      for (const i of e.items) {
        const n = nnf(i, negate);
        if (n.op === op) items.push(...n.items);
        else items.push(n);
      }
      return op === "and" ? and(items) : or(items);
    }
  }
}

/** One filter mapping; several conditions on distinct fields share it, the rest go into `all`. */
function mapping(e: Expr): Filter {
  if (e.op === "leaf") return { [e.field]: e.cond } as Filter;
  if (e.op === "or") return { any: e.items.map(mapping) } as Filter;
  if (e.op === "not") throw new Error("not in negation normal form");
  const out: Record<string, unknown> = {};
  const rest: Filter[] = [];
  for (const i of e.items) {
    const m = mapping(i);
    const keys = Object.keys(m);
    if (keys.every((k) => k !== "all" && !(k in out))) Object.assign(out, m);
    else rest.push(m);
  }
  if (rest.length > 0) out.all = rest;
  return out as Filter;
}

/** The Vigil filter for `base` (the log source) and `e` (the detection). */
export function toFilter(base: Readonly<Record<string, string>>, e: Expr): Filter {
  return mapping(and([...Object.entries(base).map(([k, v]) => leaf(k, v)), nnf(e, false)]));
}
