/**
 * One Sigma `field|modifier…: value(s)` entry → an Expr over Vigil filter fields. Sigma matches text
 * case-insensitively with `*` / `?` wildcards (escaped with `\`); Vigil's `contains` and `regex` ignore
 * case too, so plain values become `contains` lists or anchored regexes, and only `cased` equality
 * becomes an exact `eq` / `in`. Anything Vigil cannot honour faithfully is refused, never approximated.
 */
import type { Expr, SigmaIssue } from "./expr.js";
import { and, leaf, or } from "./expr.js";
import type { FieldTarget, LogSourceMapping, UrlPart } from "./field-map.js";

const NUMBER_FIELDS = new Set(["http_status", "src_port", "dst_port"]);
const IP_FIELDS = new Set(["src_ip", "dst_ip"]);
const SUPPORTED = [
  "contains",
  "startswith",
  "endswith",
  "all",
  "re",
  "i",
  "cidr",
  "base64",
  "base64offset",
  "cased",
  "exists",
  "gt",
  "gte",
  "lt",
  "lte",
];

export interface ValueContext {
  mapping: LogSourceMapping;
  /** Where the entry sits, e.g. "detection.selection". */
  place: string;
  issues: SigmaIssue[];
  warnings: string[];
}

type Scalar = string | number | boolean | null;

/** Regex source for a Sigma value: `*` → `.*`, `?` → `.`, `\*` `\?` `\\` literal, the rest escaped. */
export function sigmaPattern(value: string): { source: string; wild: boolean } {
  let out = "";
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const next = value[i + 1];
    if (c === "\\" && (next === "*" || next === "?" || next === "\\")) {
      out += `\\${next}`;
      i++;
    } else if (c === "*") {
      out += ".*";
      wild = true;
    } else if (c === "?") {
      out += ".";
      wild = true;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return { source: out, wild };
}

/** The literal text of a wildcard-free Sigma value (its `\` escapes undone). */
function literal(value: string): string {
  return value.replace(/\\([*?\\])/g, "$1");
}

/** Sigma's base64offset: the three encodings of `value` at each offset, trimmed to the stable part. */
export function base64Offsets(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  return [0, 1, 2].map((i) => {
    const b64 = Buffer.concat([Buffer.alloc(i, " "), bytes]).toString("base64");
    const start = [0, 2, 3][i] as number;
    const cut = [0, 3, 2][(bytes.length + i) % 3] as number;
    return b64.slice(start, cut === 0 ? undefined : b64.length - cut);
  });
}

/** Anchors for a part of the request target: text before and after the matched value. */
function anchors(part: UrlPart | undefined, mode: "equals" | "startswith" | "endswith"): [string, string] {
  const start = part === "extension" ? "^[^?]*\\." : "^";
  const end = part === "path" || part === "extension" ? "(?:\\?|$)" : "$";
  if (mode === "equals") return [start, end];
  if (mode === "startswith") return [start, ""];
  return [part === "path" || part === "extension" ? "^[^?]*" : "", end];
}

export function compileEntry(key: string, raw: unknown, ctx: ValueContext): Expr | null {
  const place = `${ctx.place}.${key}`;
  const issue = (construct: string, message: string) => {
    ctx.issues.push({ place, construct, message });
    return null;
  };
  const [name = "", ...mods] = key.split("|");
  if (name === "")
    return issue(`modifier '${mods.join("|")}' without a field`, "name the field it applies to");
  const target: FieldTarget | undefined = Object.hasOwn(ctx.mapping.fields, name)
    ? ctx.mapping.fields[name]
    : undefined;
  if (!target)
    return issue(
      `field '${name}'`,
      `Vigil's ${ctx.mapping.kind} events have no such field (mapped: ${Object.keys(ctx.mapping.fields).join(", ")})`,
    );
  const unknown = mods.filter((m) => !SUPPORTED.includes(m));
  if (unknown.length > 0)
    return issue(
      unknown.map((m) => `modifier '${m}'`).join(", "),
      `not supported by Vigil's filter (supported: contains, startswith, endswith, all, re, cidr, base64, base64offset, cased, exists, gt, gte, lt, lte)`,
    );
  const has = (m: string) => mods.includes(m);
  const values: Scalar[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) return issue(`empty value list for '${name}'`, "give at least one value");
  for (const v of values) {
    if (v !== null && typeof v === "object")
      return issue(`nested value under '${name}'`, "values must be text, numbers or null");
  }
  const field = target.field;
  const isNumber = NUMBER_FIELDS.has(field);
  const join = (items: Expr[]) => (has("all") ? and(items) : or(items));

  if (has("exists")) {
    if (mods.length !== 1 || values.length !== 1 || typeof values[0] !== "boolean")
      return issue("modifier 'exists'", "takes true or false and no other modifier");
    const present = isNumber ? { not: { eq: 0 } } : { not: { eq: "" } };
    return leaf(field, values[0] ? present : present.not);
  }

  const cmp = mods.find((m) => ["gt", "gte", "lt", "lte"].includes(m));
  if (cmp) {
    if (!isNumber) return issue(`modifier '${cmp}'`, `'${name}' (${field}) holds text, not numbers`);
    if (mods.length !== 1) return issue(`modifier '${cmp}'`, "cannot be combined with other modifiers");
    const nums = values.map(Number);
    if (nums.some((n) => !Number.isFinite(n))) return issue(`modifier '${cmp}'`, "takes numbers");
    return join(nums.map((n) => leaf(field, { [cmp]: n })));
  }

  if (has("cidr")) {
    if (!IP_FIELDS.has(field)) return issue("modifier 'cidr'", `'${name}' (${field}) is not an IP address`);
    if (mods.some((m) => m !== "cidr"))
      return issue("modifier 'cidr'", "cannot be combined with other modifiers");
    if (values.some((v) => typeof v !== "string")) return issue("modifier 'cidr'", "takes ranges as text");
    return leaf(field, { cidr: values.length === 1 ? values[0] : values });
  }

  if (has("re")) {
    if (mods.some((m) => !["re", "i"].includes(m)))
      return issue(
        `modifier 're' with ${mods.filter((m) => m !== "re" && m !== "i").join(", ")}`,
        "Vigil supports 're' alone or 're|i' (its regexes ignore case, and have no multiline or dot-all flag)",
      );
    if (isNumber) return issue("modifier 're'", `'${name}' (${field}) holds numbers`);
    if (values.some((v) => typeof v !== "string"))
      return issue("modifier 're'", "takes regular expressions as text");
    if (!has("i"))
      ctx.warnings.push(`${place}: Vigil's regular expressions ignore case; Sigma's 're' is case-sensitive`);
    if (target.part && target.part !== "whole")
      ctx.warnings.push(
        `${place}: the regular expression is run on the whole request target (path and query)`,
      );
    return join(values.map((v) => leaf(field, { regex: v as string })));
  }
  if (has("i")) return issue("modifier 'i'", "only applies to 're'");

  // Text matching: equals (no modifier), contains, startswith, endswith.
  const modes = mods.filter((m) => ["contains", "startswith", "endswith"].includes(m));
  if (modes.length > 1)
    return issue(`modifiers '${modes.join("|")}'`, "use one of contains, startswith, endswith");
  const mode = (modes[0] ?? "equals") as "equals" | "contains" | "startswith" | "endswith";
  let texts: (string | null)[] = values.map((v) => (v === null ? null : String(v)));
  if (has("base64") || has("base64offset")) {
    if (has("base64") && has("base64offset"))
      return issue("modifiers 'base64|base64offset'", "use one of them");
    if (has("base64offset") && mode !== "contains")
      return issue("modifier 'base64offset'", "must be followed by 'contains' (base64offset|contains)");
    if (texts.some((t) => t === null)) return issue("modifier 'base64'", "cannot encode null");
    texts = texts.flatMap((t) =>
      has("base64offset") ? base64Offsets(t as string) : [Buffer.from(t as string).toString("base64")],
    );
  }
  const nulls = texts.some((t) => t === null);
  const strings = texts.filter((t): t is string => t !== null);
  const parts: Expr[] = [];
  if (nulls) {
    if (mode !== "equals") return issue(`null with '${mode}'`, "null only means an empty field");
    parts.push(leaf(field, isNumber ? 0 : ""));
  }
  if (strings.length === 0) return join(parts);

  if (isNumber) {
    if (mode !== "equals") return issue(`modifier '${mode}'`, `'${name}' (${field}) holds numbers`);
    const nums = strings.map((s) => (s.trim() === "" ? Number.NaN : Number(s)));
    if (nums.some((n) => !Number.isInteger(n)))
      return issue(
        `value for '${name}'`,
        `'${field}' holds whole numbers (wildcards are not supported there)`,
      );
    if (has("all") && nums.length > 1) return issue("modifier 'all'", "a number field holds one value");
    parts.push(leaf(field, nums.length === 1 ? nums[0] : { in: nums }));
    return or(parts);
  }

  if (target.values) {
    if (mode !== "equals")
      return issue(`modifier '${mode}' on '${name}'`, "this field only takes exact values");
    const mapped: string[] = [];
    for (const s of strings) {
      const v = target.values[s.toLowerCase()];
      if (v === undefined)
        return issue(`value '${s}' for '${name}'`, `Vigil knows ${Object.keys(target.values).join(", ")}`);
      if (!mapped.includes(v)) mapped.push(v);
    }
    if (has("all") && mapped.length > 1) return issue("modifier 'all'", "a field holds one value");
    parts.push(leaf(field, mapped.length === 1 ? mapped[0] : { in: mapped }));
    return or(parts);
  }

  if (strings.includes("") && mode !== "equals")
    return issue(`empty value with '${mode}'`, "it would match every event");
  const patterns = strings.map(sigmaPattern);
  const wild = patterns.some((p) => p.wild);
  if (target.part === "extension" && mode !== "equals")
    return issue(`modifier '${mode}' on '${name}'`, "an extension is matched whole");

  if (has("cased")) {
    if (mode !== "equals" || wild)
      return issue(
        "modifier 'cased'",
        "Vigil's contains and regexes ignore case: 'cased' only works for exact values",
      );
    if (target.part && target.part !== "whole")
      return issue(
        "modifier 'cased'",
        `'${name}' is part of the request target: exact case needs the whole of it`,
      );
    const lits = strings.map(literal);
    parts.push(
      join(
        has("all")
          ? lits.map((l) => leaf(field, l))
          : [leaf(field, lits.length === 1 ? lits[0] : { in: lits })],
      ),
    );
    return or(parts);
  }

  if (mode === "contains" && !wild) {
    const lits = strings.map(literal);
    parts.push(
      has("all") ? and(lits.map((l) => leaf(field, { contains: l }))) : leaf(field, { contains: lits }),
    );
    return or(parts);
  }

  // Anchored (or wildcard) matches: one case-insensitive regex, or one per value with `all`.
  const [start, end] = mode === "contains" ? ["", ""] : anchors(target.part, mode);
  const regex = (sources: string[]) =>
    `${start}${sources.length === 1 && start === "" && end === "" ? sources[0] : `(?:${sources.join("|")})`}${end}`;
  const sources = patterns.map((p) => p.source);
  if (has("all")) parts.push(and(sources.map((s) => leaf(field, { regex: regex([s]) }))));
  else parts.push(leaf(field, { regex: regex(sources) }));
  return or(parts);
}
