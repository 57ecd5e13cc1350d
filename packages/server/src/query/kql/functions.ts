import { parseIpMatch } from "../ip-match.js";
import type { Expr } from "./ast.js";
import type { CompileContext, Typed } from "./context.js";
import { KqlError, type Position } from "./errors.js";
import type { KqlType } from "./schema.js";

/** What a function's compiler gets: its call, its arguments compiled on demand, the context. */
export interface Call {
  name: string;
  args: Expr[];
  pos: Position;
  /** Compile argument i (row expressions; aggregations are refused inside an aggregation's arguments). */
  arg(i: number): Typed;
  ctx: CompileContext;
}

interface FunctionDef {
  min: number;
  max: number;
  usage: string;
  compile(call: Call): Typed;
}

/** A literal after folding a leading minus: `-1h` is the timespan -3600000 ms. */
export function folded(e: Expr): Expr {
  if (e.kind !== "unary") return e;
  const inner = folded(e.operand);
  if (inner.kind === "long" || inner.kind === "real") return { ...inner, value: -inner.value, pos: e.pos };
  if (inner.kind === "timespan") return { ...inner, ms: -inner.ms, pos: e.pos };
  return e;
}

function literal<K extends "string" | "timespan" | "long" | "real">(
  call: Call,
  i: number,
  kinds: readonly K[],
  what: string,
): Extract<Expr, { kind: K }> {
  const e = folded(call.args[i] as Expr);
  if (!(kinds as readonly string[]).includes(e.kind)) {
    throw new KqlError(`${call.name}() takes ${what} as argument ${i + 1}.`, e.pos, what);
  }
  return e as Extract<Expr, { kind: K }>;
}

function expectType(call: Call, i: number, allowed: readonly KqlType[]): Typed {
  const t = call.arg(i);
  if (!allowed.includes(t.type)) {
    const at = (call.args[i] as Expr).pos;
    throw new KqlError(
      `${call.name}() expects ${allowed.join(" or ")} as argument ${i + 1}, not ${t.type}.`,
      at,
      `a ${allowed.join(" or ")} value`,
    );
  }
  return t;
}

const numeric: readonly KqlType[] = ["long", "real"];

/**
 * The address itself when it is IPv4 text, else 0.0.0.0: isIPAddressInRange throws on anything that
 * is not an address, and ClickHouse does not always short-circuit the family test before it (seen
 * with an OR of ranges), so the value it gets is always an address; the family test still decides.
 */
const v4 = (sql: string) => `if(isIPv4String(${sql}), ${sql}, '0.0.0.0')`;

/** Private IPv4 ranges (RFC 1918), as Kusto's ipv4_is_private. Constants of ours, not query text. */
const PRIVATE_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Kusto format_datetime elements → ClickHouse formatDateTime ones. Single letters (no padding) are refused. */
const DATE_FORMAT: Array<[string, string]> = [
  ["yyyy", "%Y"],
  ["yy", "%y"],
  ["MM", "%m"],
  ["dd", "%d"],
  ["HH", "%H"],
  ["hh", "%I"],
  ["mm", "%i"],
  ["ss", "%S"],
  ["tt", "%p"],
];

function translateFormat(format: string, pos: Position): string {
  let out = "";
  let i = 0;
  while (i < format.length) {
    const element = DATE_FORMAT.find(([k]) => format.startsWith(k, i));
    if (element) {
      out += element[1];
      i += element[0].length;
      continue;
    }
    const c = format[i] as string;
    if (/[A-Za-z]/.test(c)) {
      throw new KqlError(
        `format_datetime(): '${c}' is not a supported format element (supported: ${DATE_FORMAT.map(([k]) => k).join(", ")}).`,
        pos,
        'a format such as "yyyy-MM-dd HH:mm:ss"',
      );
    }
    out += c === "%" ? "%%" : c;
    i++;
  }
  return out;
}

function ipv4Range(call: Call): string {
  const text = literal(call, 1, ["string"], "an IPv4 address or CIDR string").value;
  const match = parseIpMatch(text.trim());
  if (match?.family !== 4) {
    throw new KqlError(
      `ipv4_is_in_range(): ${JSON.stringify(text.slice(0, 60))} is not an IPv4 address or CIDR.`,
      (call.args[1] as Expr).pos,
      'an IPv4 CIDR such as "10.0.0.0/8"',
    );
  }
  return match.kind === "cidr" ? match.cidr : `${match.forms[0]}/32`;
}

/** Epoch-aligned bins, as Kusto's bin(): a datetime floors to a multiple of the span since 1970. */
function bin(call: Call): Typed {
  const value = call.arg(0);
  const hint = value.hint;
  if (value.type === "datetime" || value.type === "timespan") {
    const span = literal(call, 1, ["timespan"], "a timespan literal such as 1h");
    if (span.ms <= 0) throw new KqlError("bin(): the span must be positive.", span.pos);
    const p = call.ctx.params.add("Int64", span.ms);
    if (value.type === "timespan")
      return { sql: `(intDiv(${value.sql}, ${p}) * ${p})`, type: "timespan", ...(hint ? { hint } : {}) };
    return {
      sql: `fromUnixTimestamp64Milli(toInt64(floor(toUnixTimestamp64Milli(${value.sql}) / ${p}) * ${p}), 'UTC')`,
      type: "datetime",
      ...(hint ? { hint } : {}),
    };
  }
  if (value.type === "long" || value.type === "real") {
    const span = literal(call, 1, ["long", "real"], "a positive number");
    if (!(span.value > 0)) throw new KqlError("bin(): the span must be positive.", span.pos);
    const real = value.type === "real" || span.kind === "real";
    const p = call.ctx.params.add(real ? "Float64" : "Int64", span.value);
    const sql = real ? `(floor(${value.sql} / ${p}) * ${p})` : `(toInt64(floor(${value.sql} / ${p})) * ${p})`;
    return { sql, type: real ? "real" : "long", ...(hint ? { hint } : {}) };
  }
  throw new KqlError(`bin() rounds numbers, datetimes and timespans, not ${value.type}.`, call.pos);
}

export const SCALAR_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  not: {
    min: 1,
    max: 1,
    usage: "not(condition)",
    compile: (c) => ({ sql: `(NOT ${expectType(c, 0, ["bool"]).sql})`, type: "bool" }),
  },
  isempty: {
    min: 1,
    max: 1,
    usage: "isempty(value)",
    compile: (c) => {
      const v = c.arg(0);
      return {
        sql: v.type === "string" || v.type === "dynamic" ? `empty(${v.sql})` : `isNull(${v.sql})`,
        type: "bool",
      };
    },
  },
  isnotempty: {
    min: 1,
    max: 1,
    usage: "isnotempty(value)",
    compile: (c) => {
      const v = c.arg(0);
      return {
        sql: v.type === "string" || v.type === "dynamic" ? `notEmpty(${v.sql})` : `isNotNull(${v.sql})`,
        type: "bool",
      };
    },
  },
  ago: {
    min: 1,
    max: 1,
    usage: "ago(1h)",
    compile: (c) => {
      const span = literal(c, 0, ["timespan"], "a timespan literal such as 1h");
      return { sql: c.ctx.params.datetime(c.ctx.now - span.ms), type: "datetime" };
    },
  },
  now: {
    min: 0,
    max: 1,
    usage: "now() or now(-1h)",
    compile: (c) => {
      const offset = c.args.length === 0 ? 0 : literal(c, 0, ["timespan"], "a timespan literal").ms;
      return { sql: c.ctx.params.datetime(c.ctx.now + offset), type: "datetime" };
    },
  },
  bin: { min: 2, max: 2, usage: "bin(timestamp, 1h)", compile: bin },
  floor: { min: 2, max: 2, usage: "floor(timestamp, 1h)", compile: bin },
  tolower: {
    min: 1,
    max: 1,
    usage: "tolower(text)",
    compile: (c) => ({ sql: `lowerUTF8(${expectType(c, 0, ["string"]).sql})`, type: "string" }),
  },
  toupper: {
    min: 1,
    max: 1,
    usage: "toupper(text)",
    compile: (c) => ({ sql: `upperUTF8(${expectType(c, 0, ["string"]).sql})`, type: "string" }),
  },
  strlen: {
    min: 1,
    max: 1,
    usage: "strlen(text)",
    compile: (c) => ({ sql: `toInt64(lengthUTF8(${expectType(c, 0, ["string"]).sql}))`, type: "long" }),
  },
  tostring: {
    min: 1,
    max: 1,
    usage: "tostring(value)",
    compile: (c) => {
      const v = c.arg(0);
      return { sql: v.type === "string" ? v.sql : `toString(${v.sql})`, type: "string" };
    },
  },
  strcat: {
    min: 1,
    max: 64,
    usage: "strcat(a, b, ...)",
    compile: (c) => {
      const parts = c.args.map((_, i) => {
        const v = c.arg(i);
        return v.type === "string" ? v.sql : `toString(${v.sql})`;
      });
      return {
        sql: parts.length === 1 ? (parts[0] as string) : `concat(${parts.join(", ")})`,
        type: "string",
      };
    },
  },
  iff: {
    min: 3,
    max: 3,
    usage: "iff(condition, then, else)",
    compile: (c) => {
      const cond = expectType(c, 0, ["bool"]);
      const a = c.arg(1);
      const b = c.arg(2);
      const same = a.type === b.type || (numeric.includes(a.type) && numeric.includes(b.type));
      if (!same) {
        throw new KqlError(`iff(): both branches must have one type (${a.type}, ${b.type}).`, c.pos);
      }
      const type = a.type === b.type ? a.type : "real";
      return { sql: `if(${cond.sql}, ${a.sql}, ${b.sql})`, type };
    },
  },
  ipv4_is_in_range: {
    min: 2,
    max: 2,
    usage: 'ipv4_is_in_range(src_ip, "10.0.0.0/8")',
    compile: (c) => {
      const ip = expectType(c, 0, ["string"]);
      const range = c.ctx.params.add("String", ipv4Range(c));
      return {
        sql: `(isIPv4String(${ip.sql}) AND isIPAddressInRange(${v4(ip.sql)}, ${range}))`,
        type: "bool",
      };
    },
  },
  ipv4_is_private: {
    min: 1,
    max: 1,
    usage: "ipv4_is_private(src_ip)",
    compile: (c) => {
      const ip = expectType(c, 0, ["string"]);
      const ranges = PRIVATE_V4.map((r) => `isIPAddressInRange(${v4(ip.sql)}, '${r}')`).join(" OR ");
      return { sql: `(isIPv4String(${ip.sql}) AND (${ranges}))`, type: "bool" };
    },
  },
  format_datetime: {
    min: 2,
    max: 2,
    usage: 'format_datetime(timestamp, "yyyy-MM-dd HH:mm")',
    compile: (c) => {
      const dt = expectType(c, 0, ["datetime"]);
      const format = literal(c, 1, ["string"], "a format string literal");
      const p = c.ctx.params.add("String", translateFormat(format.value, format.pos));
      return { sql: `formatDateTime(${dt.sql}, ${p})`, type: "string" };
    },
  },
};

interface AggregateDef {
  min: number;
  max: number;
  usage: string;
  compile(call: Call): Typed;
}

/** A default name from the aggregated column: `dcount_src_ip`, or `dcount_` for an expression. */
const named = (prefix: string, v: Typed) => `${prefix}_${v.hint ?? ""}`;

export const AGGREGATE_FUNCTIONS: Readonly<Record<string, AggregateDef>> = {
  count: {
    min: 0,
    max: 0,
    usage: "count()",
    compile: () => ({ sql: "count()", type: "long", hint: "count_", aggregate: true }),
  },
  countif: {
    min: 1,
    max: 1,
    usage: "countif(condition)",
    compile: (c) => ({
      sql: `countIf(${expectType(c, 0, ["bool"]).sql})`,
      type: "long",
      hint: "countif_",
      aggregate: true,
    }),
  },
  dcount: {
    min: 1,
    max: 1,
    usage: "dcount(column)",
    compile: (c) => {
      const v = c.arg(0);
      if (v.type === "dynamic") throw new KqlError("dcount() counts scalar values.", c.pos);
      // uniq: exact up to tens of thousands of values, then an estimate, as Kusto's dcount.
      return { sql: `toInt64(uniq(${v.sql}))`, type: "long", hint: named("dcount", v), aggregate: true };
    },
  },
  sum: {
    min: 1,
    max: 1,
    usage: "sum(column)",
    compile: (c) => {
      const v = expectType(c, 0, ["long", "real", "timespan"]);
      return { sql: `sum(${v.sql})`, type: v.type, hint: named("sum", v), aggregate: true };
    },
  },
  avg: {
    min: 1,
    max: 1,
    usage: "avg(column)",
    compile: (c) => {
      const v = expectType(c, 0, ["long", "real"]);
      // OrNull: no rows give null (JSON null), not NaN.
      return { sql: `avgOrNull(${v.sql})`, type: "real", hint: named("avg", v), aggregate: true };
    },
  },
  min: {
    min: 1,
    max: 1,
    usage: "min(column)",
    compile: (c) => {
      const v = expectType(c, 0, ["long", "real", "datetime", "timespan", "string"]);
      return { sql: `minOrNull(${v.sql})`, type: v.type, hint: named("min", v), aggregate: true };
    },
  },
  max: {
    min: 1,
    max: 1,
    usage: "max(column)",
    compile: (c) => {
      const v = expectType(c, 0, ["long", "real", "datetime", "timespan", "string"]);
      return { sql: `maxOrNull(${v.sql})`, type: v.type, hint: named("max", v), aggregate: true };
    },
  },
  make_set: {
    min: 1,
    max: 2,
    usage: "make_set(column [, max_size])",
    compile: (c) => {
      const v = c.arg(0);
      if (v.type === "dynamic") throw new KqlError("make_set() collects scalar values.", c.pos);
      const size = c.args.length > 1 ? literal(c, 1, ["long"], "a whole number").value : 1_048_576;
      if (size < 1) throw new KqlError("make_set(): max_size must be at least 1.", c.pos);
      const p = c.ctx.params.add("UInt64", size);
      return {
        sql: `groupUniqArray(${p})(${v.sql})`,
        type: "dynamic",
        hint: named("set", v),
        aggregate: true,
      };
    },
  },
  percentile: {
    min: 2,
    max: 2,
    usage: "percentile(column, 95)",
    compile: (c) => {
      const v = expectType(c, 0, ["long", "real"]);
      const p = literal(c, 1, ["long", "real"], "a number from 0 to 100");
      if (!(p.value >= 0 && p.value <= 100))
        throw new KqlError("percentile(): the percentile is from 0 to 100.", p.pos);
      const level = c.ctx.params.add("Float64", p.value / 100);
      return {
        sql: `quantileOrNull(${level})(${v.sql})`,
        type: "real",
        hint: `percentile_${v.hint ?? ""}_${String(p.value).replace(".", "_")}`,
        aggregate: true,
      };
    },
  },
};

/** arg_max / arg_min: summarize items of their own (they give several columns). */
export const ARG_EXTREMES = { arg_max: "argMax", arg_min: "argMin" } as const;

export const FUNCTION_NAMES = [
  ...Object.keys(SCALAR_FUNCTIONS),
  ...Object.keys(AGGREGATE_FUNCTIONS),
  ...Object.keys(ARG_EXTREMES),
];

export function checkArity(
  def: { min: number; max: number; usage: string },
  name: string,
  args: Expr[],
  pos: Position,
) {
  if (args.length < def.min || args.length > def.max) {
    throw new KqlError(
      `${name}() takes ${def.min === def.max ? def.min : `${def.min} to ${def.max}`} argument(s): ${def.usage}.`,
      pos,
      def.usage,
    );
  }
  const star = args.find((a) => a.kind === "star");
  if (star) throw new KqlError(`${name}() does not take *.`, star.pos, "an expression");
}
