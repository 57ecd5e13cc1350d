/**
 * What makes an event count against its source in "Top attackers": it was stopped (drop, reject,
 * quarantine) or it is a detection (IPS, ATP, anti-virus, WAF, or high/critical severity). Allowed
 * everyday traffic — an internal host's many connections — is not an attack and must not outrank one.
 * A fixed SQL text (no user input) and the same rule in TypeScript for tests and the docs.
 */
export const HOSTILE_ACTIONS = ["drop", "reject", "quarantine"] as const;
export const DETECTION_LOG_TYPES = ["IPS", "ATP", "Anti-Virus", "WAF"] as const;
export const DETECTION_SEVERITIES = ["critical", "high"] as const;

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");

export const HOSTILE_SQL = `(action IN (${list(HOSTILE_ACTIONS)}) OR log_type IN (${list(DETECTION_LOG_TYPES)}) OR severity IN (${list(DETECTION_SEVERITIES)}))`;

export function isHostile(e: { action: string; log_type: string; severity: string }): boolean {
  return (
    (HOSTILE_ACTIONS as readonly string[]).includes(e.action) ||
    (DETECTION_LOG_TYPES as readonly string[]).includes(e.log_type) ||
    (DETECTION_SEVERITIES as readonly string[]).includes(e.severity)
  );
}
