/**
 * Sigma rule (YAML) → Vigil scenario (YAML). The scenario is a trigger (one matching event acts),
 * grouped by source IP, that alerts unless the caller asks for bans (an imported rule's bans should be
 * the user's explicit choice, whatever its level says). Every construct Vigil cannot run faithfully is
 * refused with its place and line; nothing is silently dropped or widened.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  stringify,
} from "yaml";
import { SEVERITIES, type Severity } from "../../ingest/event.js";
import { parseScenarioYaml, SCENARIO_NAME, ScenarioYamlError } from "../scenario-yaml.js";
import { ConditionError, parseCondition } from "./condition.js";
import { type Expr, or, type SigmaIssue, toFilter } from "./expr.js";
import { type LogSourceMapping, mappingFor, SUPPORTED_LOGSOURCES } from "./field-map.js";
import { compileEntry, sigmaPattern, type ValueContext } from "./values.js";

export class SigmaImportError extends Error {
  constructor(readonly issues: SigmaIssue[]) {
    super(
      `Cannot import this Sigma rule: ${issues.map((i) => `line ${i.line ?? 1}: ${i.place ? `${i.place}: ` : ""}${i.construct}: ${i.message}`).join("; ")}`,
    );
    this.name = "SigmaImportError";
  }
}

export interface SigmaConvertOptions {
  action?: "alert" | "ban";
  /** Scenario name; default `sigma-<title as a slug>`. */
  name?: string;
}

export interface SigmaConversion {
  name: string;
  /** The scenario, in the YAML the scenario API takes. */
  yaml: string;
  warnings: string[];
}

const LEVELS: Record<string, Severity> = {
  informational: "info",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
};

/** SigmaHQ's rules are under the Detection Rule License 1.1, which asks that attribution is kept. */
const DRL = "Detection Rule License (DRL) 1.1, https://github.com/SigmaHQ/Detection-Rule-License";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `attack.t1190` → T1190, `attack.t1059.001` → T1059.001, `cve.2021-44228` → CVE-2021-44228, else the tag. */
export function labelFromTag(tag: string): string {
  const t = tag.trim();
  const technique = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
  if (technique) return (technique[1] as string).toUpperCase();
  const cve = /^cve\.(\d{4}-\d+)$/i.exec(t);
  if (cve) return `CVE-${cve[1]}`;
  return t.replace(/^attack\./i, "");
}

export function slug(title: string): string {
  const s = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `sigma-${s}`.slice(0, 64).replace(/-+$/, "");
}

export function convertSigma(text: string, opts: SigmaConvertOptions = {}): SigmaConversion {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const issues: SigmaIssue[] = [];
  const warnings: string[] = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const fail = (): never => {
    throw new SigmaImportError(issues);
  };

  if (!Array.isArray(docs) || docs.length !== 1) {
    issues.push({
      place: "",
      construct: "rule collection",
      message: "import one rule (one YAML document) at a time",
      line: 1,
    });
    fail();
  }
  // parseAllDocuments answers an empty stream for blank input; the length check above ruled that out.
  const doc = (docs as Document.Parsed[])[0] as Document.Parsed;
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      issues.push({
        place: "",
        construct: "YAML",
        message: e.message.split("\n")[0] ?? "",
        line: lineAt(e.pos[0]),
      });
    fail();
  }
  /** The line of `place`'s key ("detection.selection.cs-uri|contains"), or of its nearest ancestor. */
  const lineOf = (place: string): number => {
    let node: unknown = doc.contents;
    let line = 1;
    for (const seg of place === "" ? [] : place.split(".")) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        line = lineAt((pair.key as Node).range?.[0]);
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(seg)) {
        node = node.items[Number(seg)];
        if (!node) break;
        line = lineAt((node as Node).range?.[0]);
      } else break;
    }
    return line;
  };
  const refuse = (place: string, construct: string, message: string) =>
    issues.push({ place, construct, message, line: lineOf(place) });

  const rule: unknown = doc.toJS();
  if (!isRecord(rule)) {
    refuse("", "document", "a Sigma rule is a YAML mapping (title, logsource, detection…)");
    fail();
  }
  const r = rule as Record<string, unknown>;
  const title = typeof r.title === "string" && r.title.trim() !== "" ? r.title.trim() : null;
  if (!title) refuse("title", "title", "required");
  if (r.action !== undefined)
    refuse("action", "action (rule collection)", "import one complete rule at a time");
  if (r.correlation !== undefined)
    refuse("correlation", "correlation rule", "Vigil imports single-event rules");

  let mapping: LogSourceMapping | null = null;
  if (!isRecord(r.logsource))
    refuse("logsource", "logsource", "required: a mapping (category, product, service)");
  else {
    mapping = mappingFor(r.logsource);
    if (!mapping) {
      const ls = Object.entries(r.logsource)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(", ");
      refuse("logsource", `logsource '${ls}'`, `Vigil imports ${SUPPORTED_LOGSOURCES}`);
    }
  }

  const det = r.detection;
  let expr: Expr | null = null;
  if (!isRecord(det)) refuse("detection", "detection", "required: searches and a condition");
  else if (mapping) {
    if (det.timeframe !== undefined)
      warnings.push("detection.timeframe is ignored: without an aggregation every matching event acts");
    const searches = new Map<string, Expr>();
    let searchesOk = true;
    for (const [name, body] of Object.entries(det)) {
      if (name === "condition" || name === "timeframe") continue;
      const ctx: ValueContext = { mapping, place: `detection.${name}`, issues: [], warnings };
      const e = compileSearch(body, ctx);
      for (const i of ctx.issues) issues.push({ ...i, line: lineOf(i.place) });
      if (e) searches.set(name, e);
      else searchesOk = false;
    }
    const cond = det.condition;
    const conds = typeof cond === "string" ? [cond] : Array.isArray(cond) ? cond : null;
    if (!conds || conds.length === 0 || conds.some((c) => typeof c !== "string"))
      refuse("detection.condition", "condition", "required: e.g. 'selection and not filter'");
    else if (searchesOk) {
      try {
        expr = or(conds.map((c) => parseCondition(c as string, searches)));
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        refuse("detection.condition", `condition ${err.construct}`, err.message);
      }
    }
  }
  if (issues.length > 0 || !expr || !mapping || !title) return fail();
  const source: LogSourceMapping = mapping;
  const detection: Expr = expr;

  const t = title as string;
  const name = opts.name ?? slug(t);
  if (!SCENARIO_NAME.test(name)) {
    refuse(
      "title",
      "scenario name",
      `'${name}' is not a valid scenario name (lower-case letters, digits, - and _)`,
    );
    fail();
  }
  const level = typeof r.level === "string" ? LEVELS[r.level.toLowerCase()] : undefined;
  if (r.level !== undefined && !level)
    warnings.push(`level '${String(r.level)}' is not a Sigma level: severity medium`);
  const severity: Severity = level && (SEVERITIES as readonly string[]).includes(level) ? level : "medium";
  const tags = Array.isArray(r.tags)
    ? r.tags.filter((x): x is string => typeof x === "string" && x.trim() !== "")
    : [];
  const labels = [...new Set(["sigma", ...tags.map(labelFromTag)])];
  if (r.status === "deprecated" || r.status === "unsupported")
    warnings.push(`the rule's status is '${r.status}': SigmaHQ no longer maintains it`);

  const scenario = {
    name,
    description: description(r, t),
    enabled: true,
    severity,
    labels,
    detection: {
      source: "events",
      type: "trigger",
      filter: toFilter(source.base, detection),
      window: "1m",
      group_by: "src_ip",
    },
    action: { type: opts.action ?? "alert", validate_threat: false },
  };
  const yaml = `# Imported from a Sigma rule (${source.kind} log source).\n${stringify(scenario, { lineWidth: 0 })}`;
  try {
    parseScenarioYaml(yaml);
  } catch (err) {
    if (!(err instanceof ScenarioYamlError)) throw err;
    // What the filter compiler refuses (a regex that could backtrack without bound, a bad CIDR…).
    for (const i of err.issues) refuse("detection", `scenario ${i.field || "document"}`, i.message);
    fail();
  }
  return { name, yaml, warnings };
}

function compileSearch(body: unknown, ctx: ValueContext): Expr | null {
  if (isRecord(body)) {
    const items: Expr[] = [];
    let ok = true;
    for (const [key, value] of Object.entries(body)) {
      const e = compileEntry(key, value, ctx);
      if (e) items.push(e);
      else ok = false;
    }
    if (items.length === 0 && ok) {
      ctx.issues.push({ place: ctx.place, construct: "empty search", message: "matches every event" });
      return null;
    }
    return ok ? { op: "and", items } : null;
  }
  if (Array.isArray(body) && body.length > 0) {
    if (body.every(isRecord)) {
      const subs = body.map((b, i) => compileSearch(b, { ...ctx, place: `${ctx.place}.${i}` }));
      return subs.every((s) => s !== null) ? or(subs as Expr[]) : null;
    }
    if (body.every((k) => typeof k === "string" || typeof k === "number"))
      return keywords(body.map(String), ctx);
  }
  ctx.issues.push({
    place: ctx.place,
    construct: "search",
    message: "must be a mapping of field: value, a list of such mappings, or a list of keywords",
  });
  return null;
}

/** Keywords: any of them anywhere in the line (raw_log; sshd's message for linux auth). */
function keywords(words: string[], ctx: ValueContext): Expr | null {
  if (words.some((w) => w === "")) {
    ctx.issues.push({ place: ctx.place, construct: "empty keyword", message: "it would match every event" });
    return null;
  }
  const field = ctx.mapping.keywordField;
  const patterns = words.map(sigmaPattern);
  if (patterns.some((p) => p.wild))
    return { op: "leaf", field, cond: { regex: patterns.map((p) => p.source).join("|") } };
  return { op: "leaf", field, cond: { contains: words.map((w) => w.replace(/\\([*?\\])/g, "$1")) } };
}

function description(r: Record<string, unknown>, title: string): string {
  const text = (k: string) => (typeof r[k] === "string" ? (r[k] as string).trim() : "");
  const list = (k: string) =>
    Array.isArray(r[k]) ? (r[k] as unknown[]).filter((x) => typeof x === "string").join("; ") : text(k);
  const parts = [
    `Sigma rule "${title}"${text("id") ? ` (id ${text("id")})` : ""}${text("author") ? ` by ${text("author")}` : ""}.`,
  ];
  if (text("description")) parts.push(text("description"));
  if (list("references")) parts.push(`References: ${list("references")}.`);
  if (list("falsepositives")) parts.push(`False positives: ${list("falsepositives")}.`);
  parts.push(`Licence: ${text("license") || DRL} (attribution kept: the rule's title, id and author above).`);
  return parts.join(" ");
}
