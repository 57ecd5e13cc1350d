import ipaddr from "ipaddr.js";
import safeRegex from "safe-regex2";
import type { Event } from "../ingest/event.js";
import { EVENT_FIELD_KINDS, type EventField, type FieldKind, isEventField } from "./event-fields.js";

/**
 * Compiles the filter language (documented in types.ts) into a predicate over an Event. Everything that
 * can be decided once is decided here — regexes compiled, CIDRs parsed, values coerced to the field's
 * kind — so the predicate does only comparisons. Independent of scenarios: alert rules reuse it.
 *
 * Rules worth knowing:
 * - equals / `in` are exact (case-sensitive); `contains` and `regex` ignore case; `contains` takes a
 *   list too (any of them).
 * - a number given for a text field compares as its decimal text (YAML reads `rule_id: 949110` as a number).
 * - list fields (`modsec_rule_ids`, `modsec_messages`) match when any element matches.
 * - an array of plain values is shorthand for `in`.
 * - besides the Event's fields, `referer` and `metadata.<key>` (the sender's own key/values, such as a
 *   forwarded header) can be matched as text; absent = "".
 * - a regex is refused when it could backtrack catastrophically (nested quantifiers, back-references:
 *   safe-regex2's star-height check plus our own), and it only ever sees the first REGEX_INPUT_LIMIT
 *   characters of a value, so one hostile 1 MB line costs what an ordinary one does.
 */
export type EventPredicate = (event: Event) => boolean;
export type FilterPath = readonly (string | number)[];

export class FilterError extends Error {
  constructor(
    /** Where in the filter, e.g. ["user_agent", "regex"]. */
    readonly path: FilterPath,
    message: string,
  ) {
    super(path.length > 0 ? `${path.join(".")}: ${message}` : message);
    this.name = "FilterError";
    this.detail = message;
  }
  readonly detail: string;
}

const OPERATORS = new Set(["eq", "in", "not", "contains", "regex", "cidr", "gt", "gte", "lt", "lte"]);
const COMBINATORS = new Set(["any", "all"]);
/** Regexes see at most this much of a value (URLs, user agents and messages are far shorter). */
export const REGEX_INPUT_LIMIT = 4096;
const METADATA = "metadata.";

/** A filter-only field: `referer` or `metadata.<key>`, read from Event.metadata as text. */
function isVirtualField(key: string): boolean {
  return key === "referer" || (key.startsWith(METADATA) && key.length > METADATA.length);
}

type Getter = (e: Event) => unknown;

function getterFor(field: string): Getter {
  if (isVirtualField(field)) {
    const k = field === "referer" ? "referer" : field.slice(METADATA.length);
    return (e) => e.metadata?.[k] ?? "";
  }
  const f = field as keyof Event;
  return (e) => e[f];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Compile a filter; throws FilterError naming the offending path. An empty filter matches everything. */
export function compileFilter(filter: unknown, path: FilterPath = []): EventPredicate {
  if (!isRecord(filter)) throw new FilterError(path, "a filter must be a mapping of field: condition");
  const parts: EventPredicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    const here = [...path, key];
    if (COMBINATORS.has(key)) {
      if (!Array.isArray(value) || value.length === 0) {
        throw new FilterError(here, `'${key}' takes a non-empty list of filters`);
      }
      const subs = value.map((f, i) => compileFilter(f, [...here, i]));
      parts.push(key === "any" ? (e) => subs.some((p) => p(e)) : (e) => subs.every((p) => p(e)));
      continue;
    }
    if (!isEventField(key) && !isVirtualField(key)) throw new FilterError(here, `unknown field '${key}'`);
    parts.push(compileField(key as EventField, value, here));
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0] as EventPredicate;
  return (e) => {
    for (const p of parts) if (!p(e)) return false;
    return true;
  };
}

/** Throws nothing: the first problem as {path, message}, or null when the filter is valid. */
export function checkFilter(filter: unknown): { path: FilterPath; message: string } | null {
  try {
    compileFilter(filter);
    return null;
  } catch (err) {
    if (err instanceof FilterError) return { path: err.path, message: err.detail };
    throw err;
  }
}

function compileField(field: EventField, cond: unknown, path: FilterPath): EventPredicate {
  const kind: FieldKind = isEventField(field) ? EVENT_FIELD_KINDS[field] : "text";
  if (isScalar(cond)) return equals(field, kind, [cond], path);
  if (Array.isArray(cond)) return equals(field, kind, scalars(cond, path), path);
  if (!isRecord(cond))
    throw new FilterError(path, "expected a value, a list of values or an {operator: value}");
  const tests: EventPredicate[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    const here = [...path, op];
    if (!OPERATORS.has(op)) {
      throw new FilterError(here, `unknown operator '${op}' (use ${[...OPERATORS].join(", ")})`);
    }
    tests.push(operator(field, kind, op, arg, here));
  }
  if (tests.length === 0) throw new FilterError(path, "an empty condition matches nothing useful");
  return tests.length === 1
    ? (tests[0] as EventPredicate)
    : (e) => {
        for (const t of tests) if (!t(e)) return false;
        return true;
      };
}

function operator(
  field: EventField,
  kind: FieldKind,
  op: string,
  arg: unknown,
  path: FilterPath,
): EventPredicate {
  switch (op) {
    case "eq":
      if (!isScalar(arg)) throw new FilterError(path, "'eq' takes one value");
      return equals(field, kind, [arg], path);
    case "in":
      if (!Array.isArray(arg) || arg.length === 0) throw new FilterError(path, "'in' takes a non-empty list");
      return equals(field, kind, scalars(arg, path), path);
    case "not": {
      const inner = compileField(field, arg, path);
      return (e) => !inner(e);
    }
    case "contains": {
      if (Array.isArray(arg)) {
        // Any of a list (exploit paths, scanner names): one alternation of escaped literals, run once
        // per value, rather than one lower-casing pass per needle.
        if (arg.length === 0)
          throw new FilterError(path, "'contains' takes text or a non-empty list of texts");
        const needles = arg.map((n, i) => {
          if ((typeof n !== "string" && typeof n !== "number") || String(n) === "")
            throw new FilterError([...path, i], "expected non-empty text");
          return String(n).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        });
        const re = new RegExp(needles.join("|"), "i");
        return textTest(field, kind, path, (s) =>
          re.test(s.length > REGEX_INPUT_LIMIT ? s.slice(0, REGEX_INPUT_LIMIT) : s),
        );
      }
      if (typeof arg !== "string" && typeof arg !== "number")
        throw new FilterError(path, "'contains' takes text or a list of texts");
      const needle = String(arg).toLowerCase();
      return textTest(field, kind, path, (s) => s.toLowerCase().includes(needle));
    }
    case "regex": {
      if (typeof arg !== "string") throw new FilterError(path, "'regex' takes a regular expression as text");
      const re = compileRegex(arg, path);
      return textTest(field, kind, path, (s) =>
        re.test(s.length > REGEX_INPUT_LIMIT ? s.slice(0, REGEX_INPUT_LIMIT) : s),
      );
    }
    case "cidr":
      return cidrTest(field, kind, arg, path);
    default:
      return compare(field, kind, op, arg, path);
  }
}

function scalars(list: readonly unknown[], path: FilterPath): (string | number | boolean)[] {
  return list.map((v, i) => {
    if (!isScalar(v)) throw new FilterError([...path, i], "expected a plain value");
    return v;
  });
}

function equals(
  field: EventField,
  kind: FieldKind,
  values: readonly (string | number | boolean)[],
  path: FilterPath,
): EventPredicate {
  if (kind === "number") {
    const nums = values.map((v) => {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
      if (!Number.isFinite(n))
        throw new FilterError(path, `'${field}' holds numbers; ${JSON.stringify(v)} is not one`);
      return n;
    });
    const get = getterFor(field);
    if (nums.length === 1) {
      const n = nums[0];
      return (e) => get(e) === n;
    }
    const set = new Set(nums);
    return (e) => set.has(get(e) as number);
  }
  const texts = values.map((v) => {
    if (typeof v === "boolean") throw new FilterError(path, `'${field}' holds text; write "${v}" in quotes`);
    return String(v);
  });
  const get = getterFor(field);
  if (kind === "list") {
    const set = new Set(texts);
    return (e) => (get(e) as string[]).some((s) => set.has(s));
  }
  if (texts.length === 1) {
    const t = texts[0];
    return (e) => get(e) === t;
  }
  const set = new Set(texts);
  return (e) => set.has(get(e) as string);
}

function textTest(
  field: EventField,
  kind: FieldKind,
  path: FilterPath,
  test: (s: string) => boolean,
): EventPredicate {
  if (kind === "number")
    throw new FilterError(path, `'${field}' holds numbers: use eq, in, gt, gte, lt or lte`);
  const get = getterFor(field);
  if (kind === "list") return (e) => (get(e) as string[]).some(test);
  return (e) => test(get(e) as string);
}

function compare(
  field: EventField,
  kind: FieldKind,
  op: string,
  arg: unknown,
  path: FilterPath,
): EventPredicate {
  if (kind !== "number") throw new FilterError(path, `'${op}' compares numbers; '${field}' holds text`);
  if (typeof arg !== "number" || !Number.isFinite(arg)) throw new FilterError(path, `'${op}' takes a number`);
  const get = getterFor(field);
  switch (op) {
    case "gt":
      return (e) => (get(e) as number) > arg;
    case "gte":
      return (e) => (get(e) as number) >= arg;
    case "lt":
      return (e) => (get(e) as number) < arg;
    default:
      return (e) => (get(e) as number) <= arg;
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function cidrTest(field: EventField, kind: FieldKind, arg: unknown, path: FilterPath): EventPredicate {
  if (kind !== "text") throw new FilterError(path, `'cidr' applies to an IP field; '${field}' is not text`);
  const list = typeof arg === "string" ? [arg] : Array.isArray(arg) && arg.length > 0 ? arg : null;
  if (!list) throw new FilterError(path, "'cidr' takes a range (10.0.0.0/8) or a list of ranges");
  const ranges: Range[] = list.map((r, i) => {
    const here = typeof arg === "string" ? path : [...path, i];
    if (typeof r !== "string") throw new FilterError(here, "expected a CIDR range as text");
    return parseRange(r, here);
  });
  const get = getterFor(field);
  return (e) => {
    const text = get(e) as string;
    if (text === "" || !ipaddr.isValid(text)) return false;
    const addr = ipaddr.process(text);
    const k = addr.kind();
    for (const [net, bits] of ranges) if (net.kind() === k && addr.match(net, bits)) return true;
    return false;
  };
}

/**
 * Compiles a case-insensitive regex, refusing the shapes that backtrack catastrophically: a quantifier
 * inside a quantified group (`(a+)+`, `(.*a){20}`: safe-regex2's star height > 1) and back-references
 * (which no automaton can run in linear time). What passes still only sees a bounded input.
 */
export function compileRegex(pattern: string, path: FilterPath = []): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, "i");
  } catch (err) {
    throw new FilterError(path, `bad regular expression: ${(err as Error).message}`);
  }
  if (/\\[1-9]|\\k</.test(pattern)) {
    throw new FilterError(
      path,
      `regular expression '${pattern}' uses a back-reference (not allowed: it can backtrack without bound)`,
    );
  }
  if (!safeRegex(re, { limit: 10_000 })) {
    throw new FilterError(
      path,
      `regular expression '${pattern}' nests quantifiers (e.g. (a+)+) and could backtrack catastrophically; rewrite it without a repeated group that itself repeats`,
    );
  }
  return re;
}

/** A CIDR, or a bare IP as a /32 (/128). IPv4-mapped IPv6 ranges are read as IPv4. */
export function parseRange(text: string, path: FilterPath = []): Range {
  const t = text.trim();
  try {
    if (t.includes("/")) {
      const [net, bits] = ipaddr.parseCIDR(t);
      if (net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        return [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      return [net, bits];
    }
    const addr = ipaddr.process(t);
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    throw new FilterError(path, `'${text}' is not an IP address or CIDR range`);
  }
}
