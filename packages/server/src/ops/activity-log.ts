import type { Alert } from "../alerts/types.js";
import { formatDuration } from "../detection/duration.js";
import type { Detection } from "../detection/types.js";
import type { BanChange } from "../response/ban-service.js";

/**
 * One log line per thing an operator wants to see scroll by: a detection, a ban, an unban, a ban held
 * for approval, an alert raised. The message carries the key facts so a terminal line reads on its
 * own; the fields carry the same facts for JSON log pipelines. Pure, so the wording is tested here
 * and the composition root only decides where each line goes.
 */
export interface ActivityLine {
  fields: Record<string, unknown>;
  msg: string;
}

export interface ActivityLog {
  info(obj: object, msg: string): void;
}

const place = (site: string, country?: string) =>
  [site && `site ${site}`, country && country !== "-" ? country : ""].filter(Boolean).join(", ");

export function detectionLine(d: Detection): ActivityLine {
  return {
    fields: {
      scenario: d.scenario,
      action: d.action,
      severity: d.severity,
      [d.group_by || "value"]: d.value,
      count: d.count,
      site: d.site,
    },
    msg: `detection ${d.scenario}: ${d.value} (${d.count} ≥ ${d.threshold} in ${formatDuration(d.windowMs)}) → ${d.action}${d.site ? `, site ${d.site}` : ""}`,
  };
}

/** Null for changes that only restate another line (a ban row following its pending approval). */
export function banLine(change: BanChange): ActivityLine | null {
  switch (change.type) {
    case "new_ban": {
      const b = change.data;
      // The ban's length as decided (4h, 1d…), whole seconds: the row's times differ by a few ms.
      const ms = b.expires_at ? Date.parse(b.expires_at) - Date.parse(b.last_ban) : null;
      const left = ms === null ? null : formatDuration(Math.max(0, Math.round(ms / 1000) * 1000));
      // A ban waiting for approval is written as a row too; the ban_pending line already says it.
      if (b.status === "pending_approval") return null;
      const where = place(b.site, b.country);
      return {
        fields: {
          ip: b.ip,
          tier: b.current_tier,
          expires_at: b.expires_at,
          rule: b.trigger_rule,
          site: b.site,
        },
        msg: `ban ${b.ip} ${left ? `for ${left}` : "permanently"} (tier ${b.current_tier}, ${b.source === "manual" ? `by ${b.created_by}` : b.trigger_rule || b.source}${where ? `, ${where}` : ""}): ${b.reason}`,
      };
    }
    case "ban_removed": {
      const b = change.data;
      return {
        fields: { ip: b.ip, status: b.status, site: b.site },
        msg: `unban ${b.ip}: ${b.reason}`,
      };
    }
    case "ban_pending": {
      const p = change.data;
      const fields = { ip: p.ip, pending_id: p.id, status: p.status, rule: p.trigger_rule };
      if (p.status === "pending")
        return {
          fields,
          msg: `ban ${p.ip} held for approval (${p.pending_type.replace("_", " ")}, ${p.trigger_rule}): ${p.reason}`,
        };
      return {
        fields,
        msg: `pending ban of ${p.ip} ${p.status}${p.reviewed_by ? ` by ${p.reviewed_by}` : ""}`,
      };
    }
    case "ban_updated":
      return null;
  }
}

export function alertLine(alert: Alert): ActivityLine {
  return {
    fields: {
      alert_id: alert.id,
      severity: alert.severity,
      rule: alert.rule_name,
      site: alert.site,
      ...(alert.group_value ? { [alert.group_by || "value"]: alert.group_value } : {}),
    },
    msg: `alert raised (${alert.severity}): ${alert.title}${alert.site ? ` [site ${alert.site}]` : ""}`,
  };
}

export function logLine(log: ActivityLog, line: ActivityLine | null): void {
  if (line) log.info(line.fields, line.msg);
}
