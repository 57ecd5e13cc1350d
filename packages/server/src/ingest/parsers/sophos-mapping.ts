/**
 * Sophos vocabulary → Vigil's normalised vocabulary (log_type, action, severity, MITRE technique).
 * Pure lookups, kept apart from the field extraction so each table can be read and tested alone.
 */

import type { EventAction, Severity } from "../event.js";

const LOG_TYPES: Readonly<Record<string, string>> = {
  idp: "IPS",
  ips: "IPS",
  atp: "ATP",
  "advanced threat protection": "ATP",
  "anti-virus": "Anti-Virus",
  antivirus: "Anti-Virus",
  "anti virus": "Anti-Virus",
  malware: "Anti-Virus",
  firewall: "Firewall",
  waf: "WAF",
  "web application firewall": "WAF",
  vpn: "VPN",
  "ssl vpn": "VPN",
  ipsec: "VPN",
};

/**
 * `log_type="Event"` components that are VPN activity. Vigil files them under the VPN log type
 * (the seed's six types include VPN, and Sophos has no VPN log type of its own); `category` keeps
 * the component, so nothing is lost.
 */
const VPN_COMPONENTS = new Set([
  "IPSec",
  "SSL VPN",
  "VPN Authentication",
  "SSL VPN Authentication",
  "SSL VPN Clientless",
  "Remote Access VPN",
  "WireGuard",
  "L2TP",
  "PPTP",
]);

/**
 * Vigil log type: one of WAF, IPS, ATP, Anti-Virus, Firewall, VPN where the Sophos type means one of
 * those; other types (Event, Content Filtering, Anti-Spam, Sandbox, System Health, Wireless
 * Protection...) are kept as Sophos names them.
 */
export function normaliseLogType(logType: string, component: string): string {
  const mapped = LOG_TYPES[logType.toLowerCase()];
  if (mapped) return mapped;
  if (logType === "Event" && VPN_COMPONENTS.has(component)) return "VPN";
  return logType;
}

const ACTIONS: Readonly<Record<string, EventAction>> = {
  allow: "allow",
  allowed: "allow",
  "allow session": "allow",
  accept: "allow",
  accepted: "allow",
  clean: "allow",
  pass: "allow",
  permit: "allow",
  permitted: "allow",
  "prefix subject": "allow", // Anti-Spam: delivered with a tagged subject
  deny: "drop",
  denied: "drop",
  "deny session": "drop",
  drop: "drop",
  dropped: "drop",
  block: "drop",
  blocked: "drop",
  reject: "reject",
  rejected: "reject",
  tmpreject: "reject",
  quarantine: "quarantine",
  quarantined: "quarantine",
};

/** A Sophos action word (status, log_subtype, action, spamaction) → Vigil action, or "" if none. */
export function actionFromWord(word: string): EventAction {
  return word === "" ? "" : (ACTIONS[word.toLowerCase()] ?? "");
}

/**
 * Sophos priority/severity (by name or by its 0-7 number) → Vigil severity.
 * Emergency/Alert/Critical → critical, Error → high, Warning → medium, Notice → low, Information/Debug → info.
 */
export function severityFromPriority(priority: string): Severity | "" {
  switch (priority.trim().toLowerCase()) {
    case "emergency":
    case "emerg":
    case "alert":
    case "critical":
    case "crit":
    case "0":
    case "1":
    case "2":
      return "critical";
    case "error":
    case "err":
    case "3":
      return "high";
    case "warning":
    case "warn":
    case "4":
      return "medium";
    case "notice":
    case "5":
      return "low";
    case "information":
    case "informational":
    case "info":
    case "debug":
    case "6":
    case "7":
      return "info";
    default:
      return "";
  }
}

/** Syslog PRI severity (0-7) → Vigil severity: the fallback when the line names no priority. */
export function severityFromSyslog(level: number | null | undefined): Severity | "" {
  if (level === null || level === undefined) return "";
  return severityFromPriority(String(level));
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** The more severe of two severities. */
export function atLeast(severity: Severity, floor: Severity): Severity {
  return RANK[severity] >= RANK[floor] ? severity : floor;
}

/** Snort-style `rule_priority` of an IPS signature (1 = most dangerous) → severity floor. */
export function severityFromRulePriority(rulePriority: string): Severity | "" {
  switch (rulePriority.trim()) {
    case "1":
      return "high";
    case "2":
      return "medium";
    case "3":
      return "low";
    case "4":
      return "info";
    default:
      return "";
  }
}

/**
 * MITRE ATT&CK technique where the event says it plainly; "" otherwise (we do not guess).
 * - IPS web-application signatures and WAF blocks: T1190 Exploit Public-Facing Application.
 * - ATP command-and-control callbacks: T1071 Application Layer Protocol.
 * - Firewall "DoS Attack" drops: T1498 Network Denial of Service.
 */
export function mitreTechnique(
  logType: string,
  component: string,
  ruleName: string,
  classification: string,
  action: EventAction,
): string {
  switch (logType) {
    case "IPS":
      if (
        ruleName.startsWith("SERVER-WEBAPP") ||
        ruleName.startsWith("SERVER-APACHE") ||
        ruleName.startsWith("SERVER-IIS") ||
        ruleName.startsWith("SQL ") ||
        classification === "Web Application Attack" ||
        classification.toLowerCase() === "server-webapp"
      ) {
        return "T1190";
      }
      return "";
    case "WAF":
      return action === "drop" ? "T1190" : "";
    case "ATP":
      return "T1071";
    case "Firewall":
      return component === "DoS Attack" ? "T1498" : "";
    default:
      return "";
  }
}
