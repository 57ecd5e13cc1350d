import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { SEVERITIES, type Severity } from "../ingest/event.js";
import { parseDuration } from "./duration.js";
import { isEventField } from "./event-fields.js";
import { compileFilter, FilterError } from "./filter.js";
import type { Filter, Scenario } from "./types.js";

/**
 * Reads a scenario in the seed's YAML format (name, description, enabled, detection{source, filter,
 * threshold, window, group_by}, action{type, duration, validate_threat}) plus our extensions
 * (severity, labels, detection.distinct, action.ban_internal, the filter operators). Every problem
 * is reported with its line and field — `scenarios/ssh.yaml:7: detection.threshold: must be a whole number ≥ 1` — and an
 * unknown field is an error, so a typo never silently widens or disables a scenario.
 */
export interface ScenarioIssue {
  /** Dotted path, e.g. "detection.threshold" ("" for the document). */
  field: string;
  message: string;
  /** 1-based line in the YAML text (1 when unknown). */
  line: number;
}

export class ScenarioYamlError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(issues.map((i) => `${file}:${i.line}: ${i.field ? `${i.field}: ` : ""}${i.message}`).join("\n"));
    this.name = "ScenarioYamlError";
  }
}

export const SCENARIO_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TOP_KEYS = ["name", "description", "enabled", "severity", "labels", "detection", "action"];
const DETECTION_KEYS = ["source", "type", "filter", "threshold", "window", "leak", "group_by", "distinct"];
const MODES = ["window", "trigger", "leaky"] as const;
const ACTION_KEYS = ["type", "duration", "validate_threat", "ban_internal"];

export interface ParseScenarioOptions {
  /** Shown in error messages, e.g. "scenarios/ssh-bruteforce.yaml" (default "scenario.yaml"). */
  file?: string;
  /** Scenario.origin: "builtin:<file>", "dir:<file>" or "api" (default "api"). */
  origin?: string;
}

export function parseScenarioYaml(text: string, opts: ParseScenarioOptions = {}): Scenario {
  const file = opts.file ?? "scenario.yaml";
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const issues: ScenarioIssue[] = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);

  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      issues.push({ field: "", message: e.message.split("\n")[0] ?? "", line: lineAt(e.pos[0]) });
    throw new ScenarioYamlError(file, issues);
  }

  /** The line of the node at `path`, or of its deepest existing ancestor; `atKey` points at the key. */
  function lineOf(path: readonly (string | number)[], atKey = false): number {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        const keyLine = lineAt((pair.key as Node).range?.[0]);
        node = pair.value;
        line =
          atKey && seg === path[path.length - 1]
            ? keyLine
            : lineAt((node as Node | null)?.range?.[0] ?? (pair.key as Node).range?.[0]);
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (!node) return line;
        line = lineAt((node as Node).range?.[0]);
      } else {
        return line;
      }
    }
    return line;
  }

  const issue = (path: readonly (string | number)[], message: string, atKey = false) =>
    issues.push({ field: path.join("."), message, line: lineOf(path, atKey) });

  const root: unknown = doc.toJS();
  if (!isObject(root)) {
    issue([], "a scenario must be a YAML mapping (name, detection, action…)");
    throw new ScenarioYamlError(file, issues);
  }
  unknownKeys(root, TOP_KEYS, [], issue);

  const name = root.name;
  if (typeof name !== "string" || !SCENARIO_NAME.test(name)) {
    issue(["name"], "required: lower-case letters, digits, '-' or '_' (at most 64)");
  }
  const description = optional(root, "description", "", (v) => typeof v === "string", "must be text", issue);
  const enabled = optional(
    root,
    "enabled",
    true,
    (v) => typeof v === "boolean",
    "must be true or false",
    issue,
  );
  const severity = optional<Severity>(
    root,
    "severity",
    "medium",
    (v) => (SEVERITIES as readonly unknown[]).includes(v),
    `must be one of ${SEVERITIES.join(", ")}`,
    issue,
  );
  const labels = optional<string[]>(
    root,
    "labels",
    [],
    (v) => Array.isArray(v) && v.every((l) => typeof l === "string" && l.trim() !== ""),
    "must be a list of labels (e.g. [T1110, brute-force])",
    issue,
  );

  const det = section(root, "detection", DETECTION_KEYS, issue);
  const act = section(root, "action", ACTION_KEYS, issue);

  let filter: Filter = {};
  let threshold = 1;
  let windowMs = 60_000;
  let groupBy = "src_ip";
  let distinct: string | undefined;
  let mode: (typeof MODES)[number] = "window";
  let leakMs: number | undefined;
  if (det) {
    mode = optional<(typeof MODES)[number]>(
      det,
      "type",
      "window",
      (v) => (MODES as readonly unknown[]).includes(v),
      `must be one of ${MODES.join(", ")}`,
      issue,
      ["detection"],
    );
    optional(det, "source", "events", (v) => v === "events", "only 'events' is supported", issue, [
      "detection",
    ]);
    if (det.filter === undefined || det.filter === null) {
      issue(["detection", "filter"], "required: which events count (e.g. log_type: WAF)");
    } else {
      try {
        compileFilter(det.filter, []);
        filter = det.filter as Filter;
      } catch (err) {
        if (!(err instanceof FilterError)) throw err;
        const path = ["detection", "filter", ...err.path];
        const unknownName =
          err.detail.startsWith("unknown field") || err.detail.startsWith("unknown operator");
        issue(path, err.detail, unknownName);
      }
    }
    if (mode === "trigger") {
      // One matching event acts; `threshold`, when given, must say so.
      if (det.threshold !== undefined && det.threshold !== 1)
        issue(["detection", "threshold"], "a trigger acts on one event: omit threshold or write 1");
    } else if (typeof det.threshold !== "number" || !Number.isInteger(det.threshold) || det.threshold < 1) {
      issue(["detection", "threshold"], "must be a whole number ≥ 1");
    } else threshold = det.threshold;
    if (mode === "leaky") {
      const l = typeof det.leak === "string" ? parseDuration(det.leak) : null;
      if (l === null || l <= 0)
        issue(
          ["detection", "leak"],
          "a leaky bucket needs leak: one event leaks out every this long (e.g. 10s)",
        );
      else leakMs = l;
    } else if (det.leak !== undefined) {
      issue(["detection", "leak"], "only a leaky bucket (type: leaky) has a leak rate", true);
    }
    // A trigger's window is how long it stays quiet after acting; a leaky bucket's is how long a full
    // bucket takes to drain (when its key is forgotten). Both may be left out.
    const w =
      typeof det.window === "string"
        ? parseDuration(det.window)
        : det.window === undefined && mode === "trigger"
          ? 60_000
          : det.window === undefined && mode === "leaky"
            ? (leakMs ?? 60_000) * threshold
            : null;
    if (w === null) issue(["detection", "window"], "must be a duration such as 30s, 5m, 1h");
    else windowMs = w;
    groupBy = optional(
      det,
      "group_by",
      "src_ip",
      (v) => typeof v === "string" && isEventField(v),
      "must be an event field (e.g. src_ip)",
      issue,
      ["detection"],
    );
    if (det.distinct !== undefined) {
      if (typeof det.distinct !== "string" || !isEventField(det.distinct)) {
        issue(["detection", "distinct"], "must be an event field (e.g. dst_port)");
      } else if (mode === "leaky") {
        issue(["detection", "distinct"], "a leaky bucket counts events, not distinct values", true);
      } else distinct = det.distinct;
    }
  }

  let actionType: "ban" | "alert" = "alert";
  let durationMs: number | undefined;
  let validate = false;
  let banInternal = false;
  if (act) {
    if (act.type !== "ban" && act.type !== "alert") issue(["action", "type"], "must be ban or alert");
    else actionType = act.type;
    if (act.duration !== undefined) {
      const d = typeof act.duration === "string" ? parseDuration(act.duration) : null;
      if (d === null)
        issue(["action", "duration"], "must be a duration such as 4h or 7d (omit it to use the ban tiers)");
      else durationMs = d;
    }
    validate = optional(
      act,
      "validate_threat",
      false,
      (v) => typeof v === "boolean",
      "must be true or false",
      issue,
      ["action"],
    );
    banInternal = optional(
      act,
      "ban_internal",
      false,
      (v) => typeof v === "boolean",
      "must be true or false",
      issue,
      ["action"],
    );
  }

  if (issues.length > 0) throw new ScenarioYamlError(file, issues);
  return {
    name: name as string,
    description,
    enabled,
    severity,
    labels,
    detection: {
      source: "events",
      filter,
      threshold,
      windowMs,
      group_by: groupBy,
      ...(distinct !== undefined ? { distinct } : {}),
      ...(mode !== "window" ? { mode } : {}),
      ...(leakMs !== undefined ? { leakMs } : {}),
    },
    action: {
      type: actionType,
      ...(durationMs !== undefined ? { durationMs } : {}),
      validate_threat: validate,
      ...(banInternal ? { ban_internal: true } : {}),
    },
    origin: opts.origin ?? "api",
  };
}

type Issue = (path: readonly (string | number)[], message: string, atKey?: boolean) => void;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string[], issue: Issue) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) issue([...path, k], `unknown field (allowed: ${allowed.join(", ")})`, true);
  }
}

function section(root: Record<string, unknown>, key: string, allowed: readonly string[], issue: Issue) {
  const v = root[key];
  if (!isObject(v)) {
    issue([key], v === undefined ? "required" : "must be a mapping");
    return null;
  }
  unknownKeys(v, allowed, [key], issue);
  return v;
}

function optional<T>(
  obj: Record<string, unknown>,
  key: string,
  fallback: T,
  ok: (v: unknown) => boolean,
  message: string,
  issue: Issue,
  path: string[] = [],
): T {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (!ok(v)) {
    issue([...path, key], message);
    return fallback;
  }
  return v as T;
}
