import type { Expr } from "./ast.js";
import type { CompileContext, Env, Typed } from "./context.js";
import { didYouMean, KqlError, nearest, type Position } from "./errors.js";
import {
  AGGREGATE_FUNCTIONS,
  ARG_EXTREMES,
  type Call,
  checkArity,
  FUNCTION_NAMES,
  folded,
  SCALAR_FUNCTIONS,
} from "./functions.js";
import { parseDateTime } from "./lexer.js";
import type { KqlType } from "./schema.js";

/**
 * `row`: a per-row expression (where, extend, project, by); `aggregate`: a summarize item, where
 * aggregations are allowed and bare columns are not.
 */
export type Mode = "row" | "aggregate";

const NUMERIC = new Set<KqlType>(["long", "real"]);
const isNumeric = (t: KqlType) => NUMERIC.has(t);

/** Compiles an expression to SQL over the columns in `env`, checking names and types. */
export function compileExpr(e: Expr, env: Env, ctx: CompileContext, mode: Mode): Typed {
  switch (e.kind) {
    case "string":
      return { sql: ctx.params.add("String", e.value), type: "string" };
    case "long":
      return { sql: ctx.params.add("Int64", e.value), type: "long" };
    case "real":
      return { sql: ctx.params.add("Float64", e.value), type: "real" };
    case "bool":
      return { sql: ctx.params.add("Bool", e.value), type: "bool" };
    case "timespan":
      return { sql: ctx.params.add("Int64", e.ms), type: "timespan" };
    case "datetime":
      return { sql: ctx.params.datetime(e.ms), type: "datetime" };
    case "star":
      throw new KqlError("* is only valid as an argument of arg_max / arg_min.", e.pos, "an expression");
    case "column":
      return column(e.name, e.pos, env, mode);
    case "unary": {
      const f = folded(e);
      if (f !== e) return compileExpr(f, env, ctx, mode);
      const v = compileExpr(e.operand, env, ctx, mode);
      if (!isNumeric(v.type) && v.type !== "timespan") {
        throw new KqlError(`A minus sign needs a number or a timespan, not ${v.type}.`, e.pos);
      }
      return { ...v, sql: `(-${v.sql})`, hint: undefined };
    }
    case "call":
      return call(e, env, ctx, mode);
    case "binary":
      return binary(e, env, ctx, mode);
    case "in":
      return inList(e, env, ctx, mode);
    case "between": {
      const left = compileExpr(e.left, env, ctx, mode);
      const low = operand(e.low, left, env, ctx, mode);
      const high = operand(e.high, left, env, ctx, mode);
      for (const [side, ast] of [
        [low, e.low],
        [high, e.high],
      ] as const) {
        if (!orderable(left.type, side.type) || left.type === "string" || left.type === "bool") {
          throw new KqlError(
            `between compares numbers, datetimes or timespans; here ${left.type} and ${side.type}.`,
            ast.pos,
          );
        }
      }
      const sql = `(${left.sql} BETWEEN ${low.sql} AND ${high.sql})`;
      return { sql: e.negated ? `(NOT ${sql})` : sql, type: "bool" };
    }
  }
}

function column(name: string, pos: Position, env: Env, mode: Mode): Typed {
  const c = env.get(name);
  if (!c) {
    const suggestions = nearest(name, [...env.keys()]);
    throw new KqlError(
      `Unknown column '${name}'.${didYouMean(suggestions)}`,
      pos,
      "a column name",
      suggestions,
    );
  }
  if (mode === "aggregate") {
    throw new KqlError(
      `'${name}' is not aggregated: put it in the by list, or inside an aggregation such as make_set(${name}).`,
      pos,
      "an aggregation such as count()",
    );
  }
  return { sql: c.sql, type: c.type, hint: name };
}

function call(e: Extract<Expr, { kind: "call" }>, env: Env, ctx: CompileContext, mode: Mode): Typed {
  // Own keys only: `toString(x)` or `__proto__()` must be unknown functions, not Object's members.
  const aggregate = Object.hasOwn(AGGREGATE_FUNCTIONS, e.name) ? AGGREGATE_FUNCTIONS[e.name] : undefined;
  const scalar = Object.hasOwn(SCALAR_FUNCTIONS, e.name) ? SCALAR_FUNCTIONS[e.name] : undefined;
  if (Object.hasOwn(ARG_EXTREMES, e.name)) {
    throw new KqlError(`${e.name}() is a summarize item of its own: summarize ${e.name}(...) by ...`, e.pos);
  }
  if (aggregate) {
    if (mode !== "aggregate") {
      throw new KqlError(`${e.name}() is an aggregation: use it in summarize.`, e.pos, "a scalar expression");
    }
    checkArity(aggregate, e.name, e.args, e.pos);
    // Arguments of an aggregation are per-row expressions; no aggregation inside another.
    return aggregate.compile(callOf(e, env, ctx, "row"));
  }
  if (scalar) {
    checkArity(scalar, e.name, e.args, e.pos);
    const c = callOf(e, env, ctx, mode);
    const result = scalar.compile(c);
    // A function of an aggregation (`round(avg(x))`) is an aggregation too.
    return c.aggregated() ? { ...result, aggregate: true } : result;
  }
  const suggestions = nearest(e.name, FUNCTION_NAMES);
  throw new KqlError(
    `Unknown function '${e.name}'.${didYouMean(suggestions)}`,
    e.pos,
    "a supported function",
    suggestions,
  );
}

function callOf(
  e: Extract<Expr, { kind: "call" }>,
  env: Env,
  ctx: CompileContext,
  mode: Mode,
): Call & { aggregated(): boolean } {
  let aggregated = false;
  return {
    aggregated: () => aggregated,
    name: e.name,
    args: e.args,
    pos: e.pos,
    ctx,
    arg: (i) => {
      const t = compileExpr(e.args[i] as Expr, env, ctx, mode);
      aggregated ||= t.aggregate === true;
      return t;
    },
  };
}

/**
 * Compiles the other side of a comparison with `left`: a string literal against a datetime reads as
 * a date (`timestamp > "2024-05-01"`), else the operand compiles as it is.
 */
function operand(e: Expr, left: Typed, env: Env, ctx: CompileContext, mode: Mode): Typed {
  if (left.type === "datetime" && e.kind === "string") {
    const ms = parseDateTime(e.value);
    if (ms === null) {
      throw new KqlError(
        `${JSON.stringify(e.value.slice(0, 60))} is not a date and time (yyyy-MM-dd [HH:mm[:ss]]).`,
        e.pos,
        "a datetime",
      );
    }
    return { sql: ctx.params.datetime(ms), type: "datetime" };
  }
  return compileExpr(e, env, ctx, mode);
}

function comparable(a: KqlType, b: KqlType): boolean {
  return a !== "dynamic" && b !== "dynamic" && (a === b || (isNumeric(a) && isNumeric(b)));
}

function orderable(a: KqlType, b: KqlType): boolean {
  return comparable(a, b) && a !== "bool";
}

const SQL_COMPARISON: Record<string, string> = {
  "==": "=",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/** Kusto terms are runs of letters and digits; `has` matches a whole term. */
const TERM = /^[0-9A-Za-z]+$/;

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

function stringOp(
  op: string,
  hay: string,
  needle: string,
  needleText: string | null,
  ctx: CompileContext,
): string {
  switch (op) {
    case "contains":
      return `(positionCaseInsensitiveUTF8(${hay}, ${needle}) > 0)`;
    case "contains_cs":
      return `(position(${hay}, ${needle}) > 0)`;
    case "startswith":
      return `startsWith(lowerUTF8(${hay}), lowerUTF8(${needle}))`;
    case "startswith_cs":
      return `startsWith(${hay}, ${needle})`;
    case "endswith":
      return `endsWith(lowerUTF8(${hay}), lowerUTF8(${needle}))`;
    case "endswith_cs":
      return `endsWith(${hay}, ${needle})`;
    default: {
      // has / has_cs: a whole term. A plain term can use ClickHouse's token search; anything with
      // separators becomes a bounded regular expression (built here, bound as a parameter).
      const text = needleText ?? "";
      if (op === "has" && TERM.test(text)) return `hasTokenCaseInsensitive(${hay}, ${needle})`;
      if (op === "has_cs" && TERM.test(text)) return `hasToken(${hay}, ${needle})`;
      const re = `${op === "has" ? "(?i)" : ""}(?:^|[^0-9A-Za-z])${escapeRegex(text)}(?:$|[^0-9A-Za-z])`;
      return `match(${hay}, ${ctx.params.add("String", re)})`;
    }
  }
}

function binary(e: Extract<Expr, { kind: "binary" }>, env: Env, ctx: CompileContext, mode: Mode): Typed {
  const op = e.op;
  if (op === "and" || op === "or") {
    const l = compileExpr(e.left, env, ctx, mode);
    const r = compileExpr(e.right, env, ctx, mode);
    for (const [side, ast] of [
      [l, e.left],
      [r, e.right],
    ] as const) {
      if (side.type !== "bool") {
        throw new KqlError(`'${op}' joins conditions; this is a ${side.type}.`, ast.pos, "a condition");
      }
    }
    return {
      sql: `(${l.sql} ${op.toUpperCase()} ${r.sql})`,
      type: "bool",
      aggregate: l.aggregate || r.aggregate,
    };
  }
  const left = compileExpr(e.left, env, ctx, mode);
  const right = operand(e.right, left, env, ctx, mode);
  const agg = left.aggregate || right.aggregate;
  const mismatch = (what: string): never => {
    throw new KqlError(`'${op}' ${what}; here ${left.type} and ${right.type}.`, e.pos);
  };

  if (op in SQL_COMPARISON) {
    const ordering = op !== "==" && op !== "!=";
    if (ordering ? !orderable(left.type, right.type) : !comparable(left.type, right.type)) {
      mismatch(
        ordering
          ? "compares two numbers, datetimes, timespans or strings"
          : "compares two values of one type",
      );
    }
    return { sql: `(${left.sql} ${SQL_COMPARISON[op]} ${right.sql})`, type: "bool", aggregate: agg };
  }
  if (op === "=~" || op === "!~") {
    if (left.type !== "string" || right.type !== "string") mismatch("compares two strings");
    const sql = `(lowerUTF8(${left.sql}) = lowerUTF8(${right.sql}))`;
    return { sql: op === "=~" ? sql : `(NOT ${sql})`, type: "bool", aggregate: agg };
  }
  if (op === "matches regex") {
    if (left.type !== "string" || right.type !== "string")
      mismatch("matches a string against a regex string");
    if (e.right.kind !== "string") {
      throw new KqlError(
        "matches regex needs a string literal on its right.",
        e.right.pos,
        "a string literal",
      );
    }
    return { sql: `match(${left.sql}, ${right.sql})`, type: "bool", aggregate: agg };
  }
  const negated = op.startsWith("!");
  const base = negated ? op.slice(1) : op;
  if (/^(has|contains|startswith|endswith)(_cs)?$/.test(base)) {
    if (right.type !== "string") mismatch("looks for a string");
    const literalNeedle = e.right.kind === "string" ? e.right.value : null;
    if (base.startsWith("has") && literalNeedle === null) {
      throw new KqlError(`${base} needs a string literal on its right.`, e.right.pos, "a string literal");
    }
    let sql: string;
    if (left.type === "string") sql = stringOp(base, left.sql, right.sql, literalNeedle, ctx);
    else if (left.type === "dynamic" && (base.startsWith("has") || base.startsWith("contains"))) {
      // An array (modsec_rule_ids, tags, make_set): true when one of its values matches.
      sql = `arrayExists(x -> ${stringOp(base, "x", right.sql, literalNeedle, ctx)}, ${left.sql})`;
    } else return mismatch("looks inside a string");
    return { sql: negated ? `(NOT ${sql})` : sql, type: "bool", aggregate: agg };
  }
  return arithmetic(op, left, right, e.pos);
}

function arithmetic(op: string, l: Typed, r: Typed, pos: Position): Typed {
  const agg = l.aggregate || r.aggregate;
  if (isNumeric(l.type) && isNumeric(r.type)) {
    const real = l.type === "real" || r.type === "real";
    const fn: Record<string, string> = real
      ? { "+": "plus", "-": "minus", "*": "multiply", "/": "divide", "%": "modulo" }
      : { "+": "plus", "-": "minus", "*": "multiply", "/": "intDiv", "%": "modulo" };
    return { sql: `${fn[op]}(${l.sql}, ${r.sql})`, type: real ? "real" : "long", aggregate: agg };
  }
  if (l.type === "datetime" && r.type === "timespan" && (op === "+" || op === "-")) {
    const fn = op === "+" ? "addMilliseconds" : "subtractMilliseconds";
    return { sql: `${fn}(${l.sql}, ${r.sql})`, type: "datetime", aggregate: agg };
  }
  if (l.type === "timespan" && r.type === "datetime" && op === "+") {
    return { sql: `addMilliseconds(${r.sql}, ${l.sql})`, type: "datetime", aggregate: agg };
  }
  if (l.type === "datetime" && r.type === "datetime" && op === "-") {
    return {
      sql: `(toUnixTimestamp64Milli(${l.sql}) - toUnixTimestamp64Milli(${r.sql}))`,
      type: "timespan",
      aggregate: agg,
    };
  }
  if (l.type === "timespan" && r.type === "timespan" && (op === "+" || op === "-")) {
    return { sql: `(${l.sql} ${op} ${r.sql})`, type: "timespan", aggregate: agg };
  }
  throw new KqlError(`'${op}' cannot combine ${l.type} and ${r.type}.`, pos);
}

function inList(e: Extract<Expr, { kind: "in" }>, env: Env, ctx: CompileContext, mode: Mode): Typed {
  const left = compileExpr(e.left, env, ctx, mode);
  const caseless = e.op.endsWith("~");
  if (caseless && left.type !== "string") {
    throw new KqlError(`${e.op} compares strings; this is a ${left.type}.`, e.left.pos);
  }
  if (left.type === "dynamic") throw new KqlError(`${e.op} compares scalar values.`, e.left.pos);
  const items = e.list.map(folded);
  const literalType =
    left.type === "string" && items.every((i) => i.kind === "string")
      ? "Array(String)"
      : isNumeric(left.type) && items.every((i) => i.kind === "long")
        ? "Array(Int64)"
        : isNumeric(left.type) && items.every((i) => i.kind === "long" || i.kind === "real")
          ? "Array(Float64)"
          : null;
  let sql: string;
  if (literalType !== null) {
    // One array parameter: the IN set is built once and can use the column's index.
    const values = items.map((i) => {
      const v = (i as { value: string | number }).value;
      return caseless && typeof v === "string" ? v.toLowerCase() : v;
    });
    const p = ctx.params.add(literalType, values);
    sql = `(${caseless ? `lowerUTF8(${left.sql})` : left.sql} IN ${p})`;
  } else {
    const parts = items.map((item) => {
      const v = operand(item, left, env, ctx, mode);
      if (!comparable(left.type, v.type) || (caseless && v.type !== "string")) {
        throw new KqlError(`${e.op} compares a ${left.type} with a ${v.type}.`, item.pos);
      }
      return caseless ? `(lowerUTF8(${left.sql}) = lowerUTF8(${v.sql}))` : `(${left.sql} = ${v.sql})`;
    });
    sql = `(${parts.join(" OR ")})`;
  }
  return { sql: e.op.startsWith("!") ? `(NOT ${sql})` : sql, type: "bool", aggregate: left.aggregate };
}
