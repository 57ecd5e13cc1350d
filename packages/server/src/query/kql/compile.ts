import type { QueryParams } from "../../storage/event-store.js";
import { chTime } from "../event-filter.js";
import { hasHourKey } from "../time-range.js";
import type { Assignment, Expr, OperatorAst, SortKey } from "./ast.js";
import { type CompileContext, type Env, Params, type Typed } from "./context.js";
import { didYouMean, KqlError, nearest, type Position } from "./errors.js";
import { compileExpr, type Mode } from "./expressions.js";
import { ARG_EXTREMES, folded } from "./functions.js";
import { parseKql } from "./parser.js";
import { type KqlType, TABLE_NAMES, TABLES, type TableDef } from "./schema.js";

export const DEFAULT_RESULT_LIMIT = 500;
export const MAX_RESULT_LIMIT = 10_000;

/** Bounds every compiled query carries in its SETTINGS; never taken from the query text. */
export interface ExecutionLimits {
  /** Seconds (ClickHouse `max_execution_time`). */
  maxExecutionSeconds: number;
  /** Bytes (ClickHouse `max_memory_usage`). */
  maxMemoryBytes: number;
}

export const DEFAULT_LIMITS: ExecutionLimits = { maxExecutionSeconds: 10, maxMemoryBytes: 1 << 30 };

export interface CompileOptions {
  /** Time range over the source table: `from` inclusive, `to` exclusive, epoch ms. */
  from: number;
  to: number;
  /** The clock ago() and now() read. */
  now: number;
  /** The caller's sites (undefined: every site). Added by the compiler, whatever the query says. */
  sites?: readonly string[];
  /** Rows returned at most; the query asks for one more to tell whether it was truncated. */
  limit: number;
  limits?: ExecutionLimits;
}

export interface CompiledKql {
  sql: string;
  params: QueryParams;
  columns: Array<{ name: string; type: KqlType }>;
  table: string;
}

/** One output column of a SELECT: its name in KQL, its type, its SQL over the FROM, its SQL alias. */
interface Col {
  name: string;
  type: KqlType;
  sql: string;
  id: string;
}

interface Order {
  sql: string;
  dir: "asc" | "desc";
  nulls: "first" | "last" | null;
}

/**
 * One SELECT of the compiled query. Operators merge into the current SELECT while that keeps Kusto's
 * meaning (a where after an extend, a take after a sort) and wrap it as a subquery otherwise (a where
 * after a take or a summarize).
 */
interface Select {
  from: { table: string } | { select: Select };
  cols: Col[];
  /** Extra outputs an outer SELECT sorts by (a sort key that is not a column). */
  hidden: Array<{ sql: string; id: string }>;
  where: string[];
  /** null: rows; an array: aggregated (empty: one row over everything). */
  groupBy: string[] | null;
  orderBy: Order[];
  limit: number | null;
}

/** Parse and compile: KQL text → one parameterised ClickHouse SELECT. Throws KqlError. */
export function compileKql(text: string, options: CompileOptions): CompiledKql {
  const ast = parseKql(text, TABLE_NAMES);
  // Own keys only: a table named `__proto__` or `constructor` is unknown, not Object's.
  const table = Object.hasOwn(TABLES, ast.table.text) ? TABLES[ast.table.text] : undefined;
  if (!table) {
    const suggestions = nearest(ast.table.text, TABLE_NAMES);
    throw new KqlError(
      `Unknown table '${ast.table.text}'.${didYouMean(suggestions)} Tables: ${TABLE_NAMES.join(", ")}.`,
      ast.table.pos,
      "a table name",
      suggestions,
    );
  }
  return new Compiler(options).compile(table, ast.operators);
}

class Compiler {
  private readonly ctx: CompileContext;
  private ids = 0;

  constructor(private readonly options: CompileOptions) {
    this.ctx = { params: new Params(), now: options.now };
  }

  private id(): string {
    return `c${this.ids++}`;
  }

  compile(table: TableDef, operators: OperatorAst[]): CompiledKql {
    const params = this.ctx.params;
    // The caller's scope and time range: on the source table, ANDed with whatever the query adds.
    const where = [
      `timestamp >= ${params.fixed("k_from", "DateTime64(3, 'UTC')", chTime(this.options.from))}`,
      `timestamp < ${params.fixed("k_to", "DateTime64(3, 'UTC')", chTime(this.options.to))}`,
    ];
    if (table.table === "events" && hasHourKey(this.options.from) && hasHourKey(this.options.to)) {
      // The sorting key starts with the hour (see compileEventFilter): lets the range prune granules.
      where.push(
        "toStartOfHour(timestamp) BETWEEN toStartOfHour({k_from:DateTime64(3, 'UTC')}) AND toStartOfHour({k_to:DateTime64(3, 'UTC')})",
      );
    }
    if (this.options.sites !== undefined) {
      where.push(`site IN ${params.fixed("k_sites", "Array(String)", [...this.options.sites])}`);
    }
    let cur: Select = {
      from: { table: table.table },
      cols: table.columns.map((c) => ({ name: c.name, type: c.type, sql: c.sql, id: this.id() })),
      hidden: [],
      where,
      groupBy: null,
      orderBy: [],
      limit: null,
    };
    for (const op of operators) cur = this.operator(cur, op);
    const cap = this.options.limit + 1;
    cur.limit = Math.min(cur.limit ?? cap, cap);
    const limits = this.options.limits ?? DEFAULT_LIMITS;
    const settings = [
      "readonly = 1",
      `max_execution_time = ${Math.max(1, Math.floor(limits.maxExecutionSeconds))}`,
      `max_memory_usage = ${Math.max(1, Math.floor(limits.maxMemoryBytes))}`,
    ];
    return {
      sql: `${this.render(cur)} SETTINGS ${settings.join(", ")}`,
      params: params.values,
      columns: cur.cols.map((c) => ({ name: c.name, type: c.type })),
      table: table.name,
    };
  }

  private render(s: Select): string {
    const outputs = [
      ...s.cols.map((c) => `${c.sql} AS ${c.id}`),
      ...s.hidden.map((h) => `${h.sql} AS ${h.id}`),
    ];
    let sql = `SELECT ${outputs.join(", ")} FROM ${"table" in s.from ? s.from.table : `(${this.render(s.from.select)})`}`;
    if (s.where.length > 0) sql += ` WHERE ${s.where.map((w) => `(${w})`).join(" AND ")}`;
    if (s.groupBy !== null && s.groupBy.length > 0) sql += ` GROUP BY ${s.groupBy.join(", ")}`;
    if (s.orderBy.length > 0) {
      const keys = s.orderBy.map(
        (o) => `${o.sql} ${o.dir.toUpperCase()}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ""}`,
      );
      sql += ` ORDER BY ${keys.join(", ")}`;
    }
    if (s.limit !== null) sql += ` LIMIT ${this.ctx.params.add("UInt64", s.limit)}`;
    return sql;
  }

  /** A SELECT reading `inner`'s outputs; with `keepOrder`, sorted as `inner` was. */
  private wrap(inner: Select, keepOrder: boolean): Select {
    const outer: Select = {
      from: { select: inner },
      cols: inner.cols.map((c) => ({ name: c.name, type: c.type, sql: c.id, id: this.id() })),
      hidden: [],
      where: [],
      groupBy: null,
      orderBy: [],
      limit: null,
    };
    if (keepOrder) {
      outer.orderBy = inner.orderBy.map((o) => {
        let id = inner.cols.find((c) => c.sql === o.sql)?.id;
        if (id === undefined) {
          id = this.id();
          inner.hidden.push({ sql: o.sql, id });
        }
        return { ...o, sql: id };
      });
    }
    return outer;
  }

  /** Where a per-row operator (where, extend, project…) goes: the same SELECT, unless it is aggregated or limited. */
  private rows(s: Select): Select {
    return s.groupBy === null && s.limit === null ? s : this.wrap(s, true);
  }

  /** Where an aggregating operator (summarize, distinct, count) goes. */
  private aggregation(s: Select): Select {
    return s.groupBy === null && s.limit === null ? s : this.wrap(s, false);
  }

  private env(s: Select): Map<string, { sql: string; type: KqlType }> {
    return new Map(s.cols.map((c) => [c.name, { sql: c.sql, type: c.type }]));
  }

  private expr(e: Expr, env: Env, mode: Mode = "row"): Typed {
    return compileExpr(e, env, this.ctx, mode);
  }

  private operator(cur: Select, op: OperatorAst): Select {
    switch (op.kind) {
      case "where": {
        const s = this.rows(cur);
        const p = this.expr(op.predicate, this.env(s));
        if (p.type !== "bool") {
          throw new KqlError(
            `where needs a condition; this is a ${p.type}.`,
            op.predicate.pos,
            "a condition",
          );
        }
        s.where.push(p.sql);
        return s;
      }
      case "extend": {
        const s = this.rows(cur);
        const env = this.env(s);
        const auto = autoNamer(s.cols.map((c) => c.name));
        const cols = [...s.cols];
        for (const item of op.items) {
          const v = this.expr(item.expr, env);
          const name = item.name?.text ?? (item.expr.kind === "column" ? item.expr.name : auto());
          const col: Col = { name, type: v.type, sql: v.sql, id: this.id() };
          const at = cols.findIndex((c) => c.name === name);
          if (at >= 0) cols[at] = col;
          else cols.push(col);
          // Later items of the same extend may use earlier ones.
          env.set(name, { sql: v.sql, type: v.type });
        }
        s.cols = cols;
        return s;
      }
      case "project": {
        const s = this.rows(cur);
        s.cols = this.named(op.items, this.env(s), "row", "project");
        return s;
      }
      case "project-away": {
        const s = this.rows(cur);
        const drop = new Set<string>();
        for (const n of op.names) {
          this.known(s, n.text, n.pos);
          drop.add(n.text);
        }
        const cols = s.cols.filter((c) => !drop.has(c.name));
        if (cols.length === 0) throw new KqlError("project-away would leave no columns.", op.pos);
        s.cols = cols;
        return s;
      }
      case "project-rename": {
        const s = this.rows(cur);
        const cols = [...s.cols];
        for (const { name, from } of op.items) {
          this.known({ ...s, cols }, from.text, from.pos);
          if (name.text !== from.text && cols.some((c) => c.name === name.text)) {
            throw new KqlError(`A column named '${name.text}' already exists.`, name.pos);
          }
          const at = cols.findIndex((c) => c.name === from.text);
          cols[at] = { ...(cols[at] as Col), name: name.text };
        }
        s.cols = cols;
        return s;
      }
      case "summarize":
        return this.summarize(cur, op);
      case "sort": {
        const s = cur.limit === null ? cur : this.wrap(cur, false);
        s.orderBy = op.keys.map((k) => this.sortKey(k, this.env(s)));
        return s;
      }
      case "top": {
        const s = cur.limit === null ? cur : this.wrap(cur, false);
        s.orderBy = [this.sortKey(op.key, this.env(s))];
        s.limit = this.count(op.count, "top");
        return s;
      }
      case "take": {
        const n = this.count(op.count, "take");
        cur.limit = Math.min(cur.limit ?? n, n);
        return cur;
      }
      case "distinct": {
        const s = this.aggregation(cur);
        const cols =
          op.items === "*"
            ? s.cols.map((c) => ({ ...c, id: this.id() }))
            : this.named(op.items, this.env(s), "row", "distinct");
        s.cols = cols;
        s.groupBy = cols.map((c) => c.sql);
        s.orderBy = [];
        return s;
      }
      case "count": {
        const s = this.aggregation(cur);
        s.cols = [{ name: "Count", type: "long", sql: "count()", id: this.id() }];
        s.groupBy = [];
        s.orderBy = [];
        return s;
      }
    }
  }

  private summarize(cur: Select, op: Extract<OperatorAst, { kind: "summarize" }>): Select {
    if (op.aggregates.length === 0 && op.by.length === 0) {
      throw new KqlError(
        "summarize needs an aggregation or a by list.",
        op.pos,
        "an aggregation such as count()",
      );
    }
    const s = this.aggregation(cur);
    const env = this.env(s);
    const by = this.named(op.by, env, "row", "summarize by");
    const taken = new Set(by.map((c) => c.name));
    const auto = autoNamer([...taken]);
    const aggregates: Col[] = [];
    const add = (name: string, v: Typed, pos: Position, explicit: boolean) => {
      let n = name;
      if (taken.has(n)) {
        if (explicit) throw new KqlError(`The column name '${n}' is used twice.`, pos);
        let k = 1;
        while (taken.has(`${name}${k}`)) k++;
        n = `${name}${k}`;
      }
      taken.add(n);
      aggregates.push({ name: n, type: v.type, sql: v.sql, id: this.id() });
    };
    for (const item of op.aggregates) {
      const e = item.expr;
      if (e.kind === "call" && Object.hasOwn(ARG_EXTREMES, e.name)) {
        if (item.name)
          throw new KqlError(`${e.name}() gives several columns; it cannot be named.`, item.name.pos);
        for (const [name, v] of this.argExtreme(e, env, new Set(by.map((c) => c.name))))
          add(name, v, e.pos, false);
        continue;
      }
      const v = this.expr(e, env, "aggregate");
      if (!v.aggregate) {
        throw new KqlError(
          "A summarize item must aggregate, e.g. count() or dcount(src_ip).",
          e.pos,
          "an aggregation",
        );
      }
      add(item.name?.text ?? v.hint ?? auto(), v, item.name?.pos ?? e.pos, item.name !== null);
    }
    s.cols = [...by, ...aggregates];
    s.groupBy = by.map((c) => c.sql);
    s.orderBy = [];
    return s;
  }

  /** `arg_max(timestamp, *)` / `arg_max(timestamp, src_ip, url)`: the extreme and the row's other values at it. */
  private argExtreme(
    e: Extract<Expr, { kind: "call" }>,
    env: Env,
    byNames: Set<string>,
  ): Array<[string, Typed]> {
    const fn = ARG_EXTREMES[e.name as keyof typeof ARG_EXTREMES];
    if (e.args.length < 2) {
      throw new KqlError(
        `${e.name}() takes the expression to maximise and the columns to return: ${e.name}(timestamp, *).`,
        e.pos,
      );
    }
    const [target, ...rest] = e.args as [Expr, ...Expr[]];
    const t = this.expr(target, env);
    if (t.type === "dynamic" || t.type === "bool")
      throw new KqlError(`${e.name}() needs an orderable expression.`, target.pos);
    const out: Array<[string, Typed]> = [];
    const targetName = t.hint ?? (e.name === "arg_max" ? "max_" : "min_");
    out.push([
      targetName,
      { sql: `${fn === "argMax" ? "max" : "min"}(${t.sql})`, type: t.type, aggregate: true },
    ]);
    const returned: Array<[string, Typed]> = [];
    for (const r of rest) {
      if (r.kind === "star") {
        for (const [name, c] of env) {
          if (!byNames.has(name) && name !== targetName) returned.push([name, { sql: c.sql, type: c.type }]);
        }
        continue;
      }
      const v = this.expr(r, env);
      returned.push([v.hint ?? `${targetName}_value`, v]);
    }
    for (const [name, v] of returned) {
      out.push([name, { sql: `${fn}(${v.sql}, ${t.sql})`, type: v.type, aggregate: true }]);
    }
    return out;
  }

  /** project / distinct / by items: explicit or default names, no name twice. */
  private named(items: Assignment[], env: Env, mode: Mode, what: string): Col[] {
    const auto = autoNamer([...env.keys()]);
    const cols: Col[] = [];
    for (const item of items) {
      const v = this.expr(item.expr, env, mode);
      const name = item.name?.text ?? v.hint ?? auto();
      if (cols.some((c) => c.name === name)) {
        throw new KqlError(
          `${what}: the column name '${name}' is used twice.`,
          item.name?.pos ?? item.expr.pos,
        );
      }
      cols.push({ name, type: v.type, sql: v.sql, id: this.id() });
    }
    return cols;
  }

  private known(s: Select, name: string, pos: Position): void {
    if (s.cols.some((c) => c.name === name)) return;
    const suggestions = nearest(
      name,
      s.cols.map((c) => c.name),
    );
    throw new KqlError(
      `Unknown column '${name}'.${didYouMean(suggestions)}`,
      pos,
      "a column name",
      suggestions,
    );
  }

  private sortKey(k: SortKey, env: Env): Order {
    const v = this.expr(k.expr, env);
    if (v.type === "dynamic") throw new KqlError("Cannot sort by a dynamic (array) value.", k.expr.pos);
    return { sql: v.sql, dir: k.dir, nulls: k.nulls };
  }

  private count(e: Expr, what: string): number {
    const n = folded(e);
    if (n.kind !== "long" || n.value < 0) {
      throw new KqlError(`${what} takes a whole number of rows, e.g. ${what} 10.`, e.pos, "a whole number");
    }
    return n.value;
  }
}

/** Kusto's names for unnamed expressions: Column1, Column2… skipping names in use. */
function autoNamer(taken: readonly string[]): () => string {
  const used = new Set(taken);
  let n = 0;
  return () => {
    let name: string;
    do name = `Column${++n}`;
    while (used.has(name));
    used.add(name);
    return name;
  };
}
