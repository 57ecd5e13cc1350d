import type { IssueSeverity, PostureIssue } from "./issues.js";

/**
 * The overall score (docs/VIGIMAIL.md §Score): 100 minus a penalty per issue — critical 25, high 15,
 * medium 5, low 2, info 0 — floored at 0. Status: good ≥ 80, warning ≥ 50, critical below.
 * Weights follow mailvalidator's CRITICAL/HIGH/MEDIUM penalty model (research notes §2.3), with high
 * raised so that one unprotected setting (+all, p=none) alone leaves "good".
 */
export const PENALTY: Record<IssueSeverity, number> = { critical: 25, high: 15, medium: 5, low: 2, info: 0 };

export type PostureStatus = "good" | "warning" | "critical";

export function postureScore(issues: readonly PostureIssue[]): { score: number; status: PostureStatus } {
  const penalty = issues.reduce((sum, i) => sum + PENALTY[i.severity], 0);
  const score = Math.max(0, 100 - penalty);
  return { score, status: score >= 80 ? "good" : score >= 50 ? "warning" : "critical" };
}
