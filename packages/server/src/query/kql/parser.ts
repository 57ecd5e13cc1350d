import type { Assignment, Expr, Name, OperatorAst, QueryAst, SortKey } from "./ast.js";
import { didYouMean, KqlError, nearest } from "./errors.js";
import { tokenize } from "./lexer.js";
import { describe, type Token } from "./tokens.js";

/** The tabular operators of the subset, as written (`filter` = `where`, `order` = `sort`, `limit` = `take`). */
export const OPERATOR_NAMES = [
  "where",
  "filter",
  "project",
  "project-away",
  "project-rename",
  "extend",
  "summarize",
  "sort",
  "order",
  "top",
  "take",
  "limit",
  "distinct",
  "count",
] as const;

/** Kusto operators outside the subset: refused by name, never approximated. */
const UNSUPPORTED = new Set([
  "join",
  "union",
  "lookup",
  "parse",
  "parse-where",
  "mv-expand",
  "mv-apply",
  "make-series",
  "evaluate",
  "render",
  "as",
  "search",
  "invoke",
  "facet",
  "find",
  "getschema",
  "externaldata",
  "top-nested",
  "top-hitters",
  "project-keep",
  "project-reorder",
  "serialize",
  "sample",
  "sample-distinct",
  "range",
  "print",
  "datatable",
  "scan",
  "fork",
  "partition",
]);

const COMPARISON = new Set(["==", "!=", "<", "<=", ">", ">=", "=~", "!~"]);
const STRING_OPERATORS = new Set([
  "has",
  "has_cs",
  "contains",
  "contains_cs",
  "startswith",
  "startswith_cs",
  "endswith",
  "endswith_cs",
]);
/** Deep enough for any real query; stops `((((…` from exhausting the stack. */
const MAX_DEPTH = 64;
const MAX_OPERATORS = 100;

/** Parses KQL text into a query AST. Throws a KqlError with the line and column of the first problem. */
export function parseKql(text: string, tableNames: readonly string[]): QueryAst {
  return new Parser(tokenize(text), tableNames).query();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly tableNames: readonly string[],
  ) {}

  private get tok(): Token {
    return this.tokens[this.i] as Token;
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.tok;
    if (t.kind !== "eof") this.i++;
    return t;
  }

  private isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === "op" && t.text === text;
  }

  private isWord(text: string, t: Token = this.tok): boolean {
    return t.kind === "ident" && t.text === text;
  }

  private fail(expected: string, t: Token = this.tok): never {
    throw new KqlError(`Expected ${expected} but found ${describe(t)}.`, t.pos, expected);
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`'${text}'`);
    return this.next();
  }

  private expectWord(text: string): Token {
    if (!this.isWord(text)) this.fail(`'${text}'`);
    return this.next();
  }

  private name(what = "a column name"): Name {
    const t = this.tok;
    if (t.kind !== "ident") this.fail(what);
    this.next();
    return { text: t.text, pos: t.pos };
  }

  query(): QueryAst {
    const first = this.tok;
    if (this.isWord("let")) {
      throw new KqlError("let statements are not supported: write the value in the query.", first.pos);
    }
    if (first.kind !== "ident") this.fail(`a table name (${this.tableNames.join(", ")})`);
    this.next();
    if (this.isOp("(")) {
      throw new KqlError(
        `Table functions such as ${first.text}() are not available: a query starts with a table (${this.tableNames.join(", ")}).`,
        first.pos,
        "a table name",
      );
    }
    if (this.isOp(".") || this.isOp(":")) {
      throw new KqlError(
        `Only the tables ${this.tableNames.join(", ")} can be queried (no database or cluster prefix).`,
        first.pos,
        "a table name",
      );
    }
    const table: Name = { text: first.text, pos: first.pos };
    const operators: OperatorAst[] = [];
    for (;;) {
      if (this.tok.kind === "eof") break;
      if (this.isOp(";")) {
        throw new KqlError("One query at a time: ';' is not supported.", this.tok.pos, "'|'");
      }
      if (!this.isOp("|")) this.fail("'|' or the end of the query");
      this.next();
      if (operators.length >= MAX_OPERATORS) {
        throw new KqlError(`A query has at most ${MAX_OPERATORS} operators.`, this.tok.pos);
      }
      operators.push(this.operator());
    }
    return { table, operators };
  }

  private operator(): OperatorAst {
    const t = this.tok;
    if (t.kind !== "ident") this.fail(`an operator (${OPERATOR_NAMES.join(", ")})`);
    const pos = t.pos;
    const word = t.text;
    if (UNSUPPORTED.has(word)) {
      throw new KqlError(
        `The ${word} operator is not supported. Supported: ${OPERATOR_NAMES.join(", ")}.`,
        pos,
        "an operator",
      );
    }
    this.next();
    switch (word) {
      case "where":
      case "filter":
        return { kind: "where", predicate: this.expr(), pos };
      case "project":
        return { kind: "project", items: this.assignments(), pos };
      case "extend":
        return { kind: "extend", items: this.assignments(), pos };
      case "project-away": {
        const names = [this.name()];
        while (this.isOp(",")) {
          this.next();
          names.push(this.name());
        }
        return { kind: "project-away", names, pos };
      }
      case "project-rename": {
        const items: Array<{ name: Name; from: Name }> = [];
        do {
          if (items.length > 0) this.next();
          const name = this.name("a new column name");
          this.expectOp("=");
          items.push({ name, from: this.name() });
        } while (this.isOp(","));
        return { kind: "project-rename", items, pos };
      }
      case "summarize": {
        const aggregates = this.isWord("by") ? [] : this.assignments();
        let by: Assignment[] = [];
        if (this.isWord("by")) {
          this.next();
          by = this.assignments();
        }
        return { kind: "summarize", aggregates, by, pos };
      }
      case "sort":
      case "order": {
        this.expectWord("by");
        const keys = [this.sortKey()];
        while (this.isOp(",")) {
          this.next();
          keys.push(this.sortKey());
        }
        return { kind: "sort", keys, pos };
      }
      case "top": {
        const count = this.expr();
        this.expectWord("by");
        return { kind: "top", count, key: this.sortKey(), pos };
      }
      case "take":
      case "limit":
        return { kind: "take", count: this.expr(), pos };
      case "distinct": {
        if (this.isOp("*")) {
          this.next();
          return { kind: "distinct", items: "*", pos };
        }
        return { kind: "distinct", items: this.assignments(), pos };
      }
      case "count":
        return { kind: "count", pos };
      default: {
        const suggestions = nearest(word, OPERATOR_NAMES);
        throw new KqlError(
          `Unknown operator '${word}'.${didYouMean(suggestions)} Supported: ${OPERATOR_NAMES.join(", ")}.`,
          pos,
          "an operator",
          suggestions,
        );
      }
    }
  }

  private assignments(): Assignment[] {
    const items = [this.assignment()];
    while (this.isOp(",")) {
      this.next();
      items.push(this.assignment());
    }
    return items;
  }

  private assignment(): Assignment {
    const t = this.tok;
    if (t.kind === "ident" && this.isOp("=", this.peek())) {
      this.next();
      this.next();
      return { name: { text: t.text, pos: t.pos }, expr: this.expr() };
    }
    return { name: null, expr: this.expr() };
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let dir: SortKey["dir"] = "desc";
    if (this.isWord("asc") || this.isWord("desc")) dir = this.next().text as SortKey["dir"];
    let nulls: SortKey["nulls"] = null;
    if (this.isWord("nulls")) {
      this.next();
      if (!this.isWord("first") && !this.isWord("last")) this.fail("'first' or 'last'");
      nulls = this.next().text as "first" | "last";
    }
    return { expr, dir, nulls };
  }

  expr(): Expr {
    if (++this.depth > MAX_DEPTH) {
      throw new KqlError(`The expression is nested more than ${MAX_DEPTH} levels deep.`, this.tok.pos);
    }
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord("or")) {
      const pos = this.next().pos;
      left = { kind: "binary", op: "or", left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isWord("and")) {
      const pos = this.next().pos;
      left = { kind: "binary", op: "and", left, right: this.comparison(), pos };
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.tok;
    const pos = t.pos;
    if (t.kind === "op" && COMPARISON.has(t.text)) {
      this.next();
      return { kind: "binary", op: t.text, left, right: this.additive(), pos };
    }
    const word = t.kind === "ident" || t.kind === "op" ? t.text : "";
    const plain = word.startsWith("!") ? word.slice(1) : word;
    if (STRING_OPERATORS.has(plain) && (t.kind === "op" || !word.startsWith("!"))) {
      this.next();
      return { kind: "binary", op: word, left, right: this.additive(), pos };
    }
    if (this.isWord("matches")) {
      this.next();
      this.expectWord("regex");
      return { kind: "binary", op: "matches regex", left, right: this.additive(), pos };
    }
    if (this.isWord("in") || this.isOp("in~") || this.isOp("!in") || this.isOp("!in~")) {
      this.next();
      this.expectOp("(");
      const list = [this.expr()];
      while (this.isOp(",")) {
        this.next();
        list.push(this.expr());
      }
      this.expectOp(")");
      return { kind: "in", op: word as "in" | "!in" | "in~" | "!in~", left, list, pos };
    }
    if (this.isWord("between") || this.isOp("!between")) {
      this.next();
      this.expectOp("(");
      const low = this.expr();
      this.expectOp("..");
      const high = this.expr();
      this.expectOp(")");
      return { kind: "between", negated: word === "!between", left, low, high, pos };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) {
      const t = this.next();
      left = { kind: "binary", op: t.text, left, right: this.multiplicative(), pos: t.pos };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const t = this.next();
      left = { kind: "binary", op: t.text, left, right: this.unary(), pos: t.pos };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp("-")) {
      const pos = this.next().pos;
      if (++this.depth > MAX_DEPTH) throw new KqlError("Too many signs in a row.", pos);
      try {
        return { kind: "unary", op: "-", operand: this.unary(), pos };
      } finally {
        this.depth--;
      }
    }
    if (this.isOp("+")) this.next();
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "string":
        this.next();
        return { kind: "string", value: t.value, pos: t.pos };
      case "number":
        this.next();
        return t.real
          ? { kind: "real", value: t.value, pos: t.pos }
          : { kind: "long", value: t.value, pos: t.pos };
      case "timespan":
        this.next();
        return { kind: "timespan", ms: t.ms, pos: t.pos };
      case "datetime":
        this.next();
        return { kind: "datetime", ms: t.ms, pos: t.pos };
      case "ident":
        return this.identifier(t);
      case "op":
        if (t.text === "(") {
          this.next();
          const inner = this.expr();
          this.expectOp(")");
          return inner;
        }
        return this.fail("an expression");
      default:
        return this.fail("an expression");
    }
  }

  private identifier(t: Token & { kind: "ident" }): Expr {
    this.next();
    if (t.text === "true" || t.text === "false")
      return { kind: "bool", value: t.text === "true", pos: t.pos };
    if (this.isOp("(")) {
      if (t.text === "dynamic") {
        throw new KqlError("dynamic() values are not supported; use a list with in (...).", t.pos);
      }
      this.next();
      const args: Expr[] = [];
      if (!this.isOp(")")) {
        do {
          if (args.length > 0) this.next();
          if (this.isOp("*")) args.push({ kind: "star", pos: this.next().pos });
          else args.push(this.expr());
        } while (this.isOp(","));
      }
      this.expectOp(")");
      return { kind: "call", name: t.text, args, pos: t.pos };
    }
    if (this.isOp(".") || this.isOp("[")) {
      throw new KqlError(
        `Member access (${t.text}${this.tok.text}…) is not supported.`,
        this.tok.pos,
        "an operator, ',' or '|'",
      );
    }
    return { kind: "column", name: t.text, pos: t.pos };
  }
}
