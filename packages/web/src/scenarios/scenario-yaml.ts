/** Pure helpers over scenario YAML text and validation problems. */
import { ApiError } from "../api/problem.js";
import type { ValidationError } from "../api/response-types.js";

/**
 * Sets the top-level `enabled:` of a scenario's YAML (adds it after `name:` when missing), keeping
 * every other line — comments included — as the author wrote it.
 */
export function setEnabledInYaml(yaml: string, enabled: boolean): string {
  const line = /^enabled:[^\n]*$/m;
  if (line.test(yaml)) return yaml.replace(line, `enabled: ${enabled}`);
  const name = /^name:[^\n]*$/m;
  if (name.test(yaml)) return yaml.replace(name, (m) => `${m}\nenabled: ${enabled}`);
  return `enabled: ${enabled}\n${yaml}`;
}

/** The validator's `errors` from a 400 problem, or one error carrying the message when there is no list. */
export function validationErrors(error: unknown): ValidationError[] {
  if (error instanceof ApiError && typeof error.body === "object" && error.body !== null) {
    const list = (error.body as { errors?: unknown }).errors;
    if (Array.isArray(list)) {
      return list.flatMap((e): ValidationError[] => {
        if (typeof e !== "object" || e === null) return [];
        const r = e as Record<string, unknown>;
        return [
          {
            field: typeof r.field === "string" ? r.field : "",
            message: typeof r.message === "string" ? r.message : String(r.message ?? ""),
            line: typeof r.line === "number" ? r.line : null,
          },
        ];
      });
    }
  }
  const message = error instanceof Error ? error.message : "Validation failed";
  return [{ field: "", message, line: null }];
}

/** A starting point for a new scenario, in the seed's format. */
export const NEW_SCENARIO_YAML = `name: my-scenario
description: What this catches
enabled: true
severity: high
labels: [T1110]
detection:
  source: events
  filter:
    log_type: SSH
    action: reject
  threshold: 5
  window: 5m
  group_by: src_ip
action:
  type: ban
  validate_threat: false
`;
