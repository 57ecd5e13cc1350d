import type { Position } from "./errors.js";

/** The parser's output: a table and a pipeline of operators. Names are not resolved yet. */
export interface QueryAst {
  table: Name;
  operators: OperatorAst[];
}

export interface Name {
  text: string;
  pos: Position;
}

export type Expr =
  | { kind: "string"; value: string; pos: Position }
  | { kind: "long"; value: number; pos: Position }
  | { kind: "real"; value: number; pos: Position }
  | { kind: "bool"; value: boolean; pos: Position }
  | { kind: "timespan"; ms: number; pos: Position }
  | { kind: "datetime"; ms: number; pos: Position }
  | { kind: "column"; name: string; pos: Position }
  /** `*` as an argument (`arg_max(timestamp, *)`). */
  | { kind: "star"; pos: Position }
  | { kind: "call"; name: string; args: Expr[]; pos: Position }
  | { kind: "unary"; op: "-"; operand: Expr; pos: Position }
  /** Comparison, string, logical and arithmetic operators, by their KQL spelling (`==`, `has`, `!contains`, `and`, `+`). */
  | { kind: "binary"; op: string; left: Expr; right: Expr; pos: Position }
  | { kind: "in"; op: "in" | "!in" | "in~" | "!in~"; left: Expr; list: Expr[]; pos: Position }
  | { kind: "between"; negated: boolean; left: Expr; low: Expr; high: Expr; pos: Position };

/** `name = expr` or a bare `expr` (named by default rules). */
export interface Assignment {
  name: Name | null;
  expr: Expr;
}

export interface SortKey {
  expr: Expr;
  dir: "asc" | "desc";
  nulls: "first" | "last" | null;
}

export type OperatorAst =
  | { kind: "where"; predicate: Expr; pos: Position }
  | { kind: "project"; items: Assignment[]; pos: Position }
  | { kind: "project-away"; names: Name[]; pos: Position }
  | { kind: "project-rename"; items: Array<{ name: Name; from: Name }>; pos: Position }
  | { kind: "extend"; items: Assignment[]; pos: Position }
  | { kind: "summarize"; aggregates: Assignment[]; by: Assignment[]; pos: Position }
  | { kind: "sort"; keys: SortKey[]; pos: Position }
  | { kind: "top"; count: Expr; key: SortKey; pos: Position }
  | { kind: "take"; count: Expr; pos: Position }
  | { kind: "distinct"; items: Assignment[] | "*"; pos: Position }
  | { kind: "count"; pos: Position };
