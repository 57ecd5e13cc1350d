/**
 * The alert-rule editor's state and its two translations: from a stored rule, and to the API body.
 * The filter is edited as JSON text; only its syntax is checked here — what it means (field names,
 * operators) is the server's to judge, and its 400 names the offending field. Pure.
 */
import { ApiError } from "../../api/problem.js";
import type { Severity } from "../../api/types.js";
import type { AlertRule, AlertRuleInput } from "../alert-types.js";

export interface RuleForm {
  name: string;
  description: string;
  enabled: boolean;
  severity: Severity;
  sites: string[];
  channels: string[];
  filterText: string;
  threshold: number;
  window: string;
  group_by: string;
  /** "" = count events, not distinct values. */
  distinct: string;
  cooldown: string;
  escalate: boolean;
  escalationAfter: string;
  escalationChannels: string[];
  escalationUsers: string[];
}

export const NEW_RULE_FORM: RuleForm = {
  name: "",
  description: "",
  enabled: true,
  severity: "high",
  sites: [],
  channels: [],
  filterText: JSON.stringify({ log_type: "Firewall", action: "drop" }, null, 2),
  threshold: 20,
  window: "1m",
  group_by: "src_ip",
  distinct: "",
  cooldown: "15m",
  escalate: false,
  escalationAfter: "30m",
  escalationChannels: [],
  escalationUsers: [],
};

export function ruleToForm(rule: AlertRule): RuleForm {
  return {
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    severity: rule.severity,
    sites: [...rule.sites],
    channels: [...rule.channels],
    filterText: JSON.stringify(rule.detection.filter, null, 2),
    threshold: rule.detection.threshold,
    window: rule.detection.window,
    group_by: rule.detection.group_by,
    distinct: rule.detection.distinct ?? "",
    cooldown: rule.cooldown,
    escalate: rule.escalation !== null,
    escalationAfter: rule.escalation?.after ?? NEW_RULE_FORM.escalationAfter,
    escalationChannels: [...(rule.escalation?.channels ?? [])],
    escalationUsers: [...(rule.escalation?.users ?? [])],
  };
}

export type FormResult =
  | { ok: true; rule: AlertRuleInput }
  | { ok: false; field: keyof RuleForm; message: string };

/** The API body for the form, or the first thing to fix before sending it. */
export function formToInput(form: RuleForm): FormResult {
  let filter: unknown;
  try {
    filter = JSON.parse(form.filterText);
  } catch (error) {
    const why = error instanceof Error ? error.message : "not JSON";
    return { ok: false, field: "filterText", message: `The filter is not valid JSON: ${why}` };
  }
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    return {
      ok: false,
      field: "filterText",
      message: 'The filter must be a JSON object, e.g. {"log_type": "IPS"}',
    };
  }
  const rule: AlertRuleInput = {
    name: form.name.trim(),
    description: form.description.trim(),
    enabled: form.enabled,
    sites: form.sites,
    severity: form.severity,
    channels: form.channels,
    detection: {
      filter: filter as AlertRuleInput["detection"]["filter"],
      threshold: form.threshold,
      window: form.window.trim(),
      group_by: form.group_by.trim() || "src_ip",
      ...(form.distinct.trim() ? { distinct: form.distinct.trim() } : {}),
    },
    cooldown: form.cooldown.trim(),
    escalation: form.escalate
      ? { after: form.escalationAfter.trim(), channels: form.escalationChannels, users: form.escalationUsers }
      : null,
  };
  return { ok: true, rule };
}

const TOP_FIELDS = ["name", "severity", "sites", "channels", "cooldown", "description"] as const;
const PATH =
  /(?:^|[\s:/])((?:detection|escalation)[/.]\w+|name|severity|sites|channels|cooldown|description)\b/;

function isTopField(value: string): value is (typeof TOP_FIELDS)[number] {
  return (TOP_FIELDS as readonly string[]).includes(value);
}

/**
 * The fields a 400 from the server names (`body/detection/window`, `detection.filter.x`), as form keys,
 * each with the server's words so the message sits under the field it is about.
 */
export function problemFields(error: unknown): Map<keyof RuleForm, string> {
  const out = new Map<keyof RuleForm, string>();
  if (!(error instanceof ApiError) || error.status !== 400) return out;
  const problems: { field: string; message: string }[] = [];
  const body = error.body as { errors?: { field?: unknown; message?: unknown }[] } | null;
  for (const e of body?.errors ?? [])
    if (typeof e.field === "string")
      problems.push({
        field: e.field,
        message: `${e.field} ${typeof e.message === "string" ? e.message : ""}`.trim(),
      });
  if (problems.length === 0) problems.push({ field: error.detail, message: error.detail });
  const add = (key: keyof RuleForm, message: string) => {
    if (!out.has(key)) out.set(key, message);
  };
  for (const { field: raw, message } of problems) {
    // Field paths as the validator writes them: `body/detection/window`, `detection.filter.x`, `channels[1]`.
    const match = PATH.exec(raw);
    if (!match) continue;
    const [first = "", second = ""] = (match[1] ?? "").split(/[/.]/);
    if (first === "detection") {
      if (second === "filter") add("filterText", message);
      else if (
        second === "threshold" ||
        second === "window" ||
        second === "group_by" ||
        second === "distinct"
      )
        add(second, message);
    } else if (first === "escalation") {
      add(
        second === "channels"
          ? "escalationChannels"
          : second === "users"
            ? "escalationUsers"
            : "escalationAfter",
        message,
      );
    } else if (isTopField(first)) {
      add(first, message);
    }
  }
  return out;
}
