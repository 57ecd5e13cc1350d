/**
 * One ModSecurity rule hit → one `modsec_logs` row (ModSecDraft). ModSecurity writes a hit either as
 * bracketed fields (`… [id "942100"] [msg "…"] [severity "CRITICAL"] [tag "attack-sqli"] …`, error
 * log and v2 audit log) or as a v3 JSON message (`{"message":…,"details":{"ruleId":…}}`); both are
 * read into the same `RuleHit`, then into a row.
 */
import type { ModSecDraft, Severity } from "../event.js";
import { severityFromWord, toInt } from "./common.js";

export interface RuleHit {
  /** Text before the first bracket: "Access denied with code 403 (phase 2). Operator GE matched…". */
  action: string;
  fields: Record<string, string>;
  tags: string[];
}

const FIELD_RE = /\[(\w+) (?:"((?:[^"\\]|\\.)*)"|([^\]"]*))\]/g;

/** Reads `text [name "value"] [name value] …`; repeated `tag` fields are collected in order. */
export function readBrackets(text: string): RuleHit {
  const fields: Record<string, string> = {};
  const tags: string[] = [];
  let first = -1;
  for (const m of text.matchAll(FIELD_RE)) {
    if (first < 0) first = m.index;
    const name = m[1] ?? "";
    const value = (m[2] ?? m[3] ?? "").replace(/\\(["\\])/g, "$1");
    if (name === "tag") tags.push(value);
    else if (!(name in fields)) fields[name] = value;
  }
  return { action: (first < 0 ? text : text.slice(0, first)).trim(), fields, tags };
}

/** Blocking / anomaly-evaluation rules: 949110 inbound, 959100 outbound, 980130/980170 correlation. */
export const EVALUATION_RULES = new Set(["949110", "959100", "980130", "980140", "980170"]);
const BLOCKING_RULES = new Set(["949110", "959100"]);

const SEVERITY_NAMES = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];

/** v3 logs severity as a number ("2"), v2 as a word ("CRITICAL"): store the word. */
export function severityName(value: string | undefined): string {
  if (!value) return "";
  if (/^\d$/.test(value)) return SEVERITY_NAMES[Number(value)] ?? "";
  return value.toUpperCase();
}

/** Rule severity word → event severity; ERROR/WARNING-style words through the common scale. */
export function ruleSeverity(name: string): Severity | null {
  return name ? severityFromWord(name) : null;
}

// CRS tags name the attack class; the rule file is the fallback (REQUEST-942-APPLICATION-ATTACK-SQLI).
const TAG_ATTACK: Record<string, string> = {
  "attack-sqli": "sql",
  "attack-xss": "xss",
  "attack-lfi": "lfi",
  "attack-rfi": "rfi",
  "attack-rce": "rce",
  "attack-protocol": "protocol",
  "attack-injection-php": "php",
  "attack-injection-java": "java",
  "attack-injection-generic": "injection",
  "attack-fixation": "session-fixation",
  "attack-disclosure": "disclosure",
  "attack-reputation-scanner": "scanner",
  "attack-reputation-ip": "reputation",
  "attack-multipart-header": "protocol",
  "attack-deserialization": "deserialization",
  "attack-ssrf": "ssrf",
  "attack-nodejs": "nodejs",
  "attack-generic": "generic",
};
const FILE_ATTACK: [RegExp, string][] = [
  [/-SQLI\b/i, "sql"],
  [/-XSS\b/i, "xss"],
  [/-LFI\b/i, "lfi"],
  [/-RFI\b/i, "rfi"],
  [/-RCE\b/i, "rce"],
  [/-PHP\b/i, "php"],
  [/-JAVA\b/i, "java"],
  [/-NODEJS\b/i, "nodejs"],
  [/-SESSION-FIXATION\b/i, "session-fixation"],
  [/-SCANNER-DETECTION\b/i, "scanner"],
  [/-PROTOCOL-(?:ENFORCEMENT|ATTACK)\b/i, "protocol"],
  [/-DATA-LEAKAGES/i, "disclosure"],
  [/-GENERIC\b/i, "generic"],
];

export function attackType(tags: readonly string[], file: string): string {
  for (const tag of tags) {
    const t = TAG_ATTACK[tag.toLowerCase()];
    if (t) return t;
  }
  for (const tag of tags) {
    if (tag.toLowerCase().startsWith("attack-")) return tag.slice(7).toLowerCase();
  }
  for (const [re, type] of FILE_ATTACK) if (re.test(file)) return type;
  return "";
}

/**
 * Scores CRS writes in its evaluation messages: `(Total Score: 15)`, `(Total Inbound Score: 5 - …)`,
 * `Inbound Scores: blocking=5` (CRS 4). Other rules do not print their own score; CRS adds 5/4/3/2
 * per CRITICAL/ERROR/WARNING/NOTICE hit, so that is what each row records.
 */
function scores(ruleId: string, msg: string, severity: string): { anomaly: number; total: number } {
  const total =
    /Total (?:Inbound |Outbound )?Score: (\d+)/.exec(msg)?.[1] ??
    /Inbound Scores: blocking=(\d+)/.exec(msg)?.[1];
  if (total !== undefined) return { anomaly: toInt(total), total: toInt(total) };
  if (EVALUATION_RULES.has(ruleId)) return { anomaly: 0, total: 0 };
  const perHit: Record<string, number> = { CRITICAL: 5, ERROR: 4, WARNING: 3, NOTICE: 2 };
  return { anomaly: perHit[severity] ?? 0, total: 0 };
}

export interface RowContext {
  timestamp: number;
  unique_id: string;
  src_ip: string;
  src_port: number;
  hostname: string;
  uri: string;
  raw_log: string;
}

/** A rule hit → a modsec_logs row; the request context fills what the hit does not carry. */
export function hitToRow(hit: RuleHit, ctx: RowContext): ModSecDraft {
  const f = hit.fields;
  const ruleId = f.id ?? "";
  const severity = severityName(f.severity);
  const msg = f.msg ?? "";
  const score = scores(ruleId, msg, severity);
  const paranoia = hit.tags.map((t) => /^paranoia-level\/(\d)$/.exec(t)?.[1]).find((v) => v !== undefined);
  return {
    timestamp: ctx.timestamp,
    unique_id: f.unique_id ?? ctx.unique_id,
    src_ip: ctx.src_ip,
    src_port: ctx.src_port,
    hostname: f.hostname ?? ctx.hostname,
    uri: f.uri ?? ctx.uri,
    rule_id: ruleId,
    rule_file: f.file ?? "",
    rule_msg: msg,
    rule_severity: severity,
    rule_data: f.data ?? "",
    crs_version: f.ver ?? "",
    paranoia_level: paranoia ? Number(paranoia) : 0,
    attack_type: attackType(hit.tags, f.file ?? ""),
    anomaly_score: score.anomaly,
    total_score: score.total,
    is_blocking: BLOCKING_RULES.has(ruleId) || /^Access denied/i.test(hit.action),
    tags: hit.tags,
    raw_log: ctx.raw_log,
  };
}

/** A ModSecurity v3 JSON audit message → the same RuleHit the bracket form gives. */
export function v3MessageToHit(message: unknown): RuleHit | null {
  if (typeof message === "string") return readBrackets(message);
  if (!message || typeof message !== "object") return null;
  const m = message as Record<string, unknown>;
  const d = (m.details && typeof m.details === "object" ? m.details : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  const fields: Record<string, string> = {
    id: str(d.ruleId),
    file: str(d.file),
    line: str(d.lineNumber),
    msg: str(m.message),
    data: str(d.data),
    severity: str(d.severity),
    ver: str(d.ver),
  };
  const tags = Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === "string") : [];
  return { action: str(d.match), fields, tags };
}
