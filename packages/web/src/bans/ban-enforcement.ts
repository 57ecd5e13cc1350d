/** Pure helpers for "where is this ban enforced" and the manual-ban confirmation. */
import { ApiError } from "../api/problem.js";
import type { BanEnforcement, BanRisk, EnforcementSummary, IpSyncState } from "../api/response-types.js";

/**
 * The reasons a 409 from POST /api/v1/bans asks to confirm (private, log source, whitelisted…), or
 * null when the error is not such a question (a hard whitelist entry is a refusal, not a question).
 */
export function confirmationNeeded(error: unknown): BanRisk[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as { confirm_required?: unknown; risks?: unknown } | null;
  if (body?.confirm_required !== true) return null;
  const risks = Array.isArray(body.risks) ? (body.risks as BanRisk[]) : [];
  return risks.length > 0 ? risks : [{ kind: "private", detail: error.detail }];
}

/** The banner's sentence when bans are enforced nowhere, or null when something enforces them. */
export function enforcedNowhereText(s: EnforcementSummary | undefined): string | null {
  if (!s || s.enforced) return null;
  const bouncers =
    s.bouncers === 0
      ? "no bouncer is registered"
      : `no bouncer has pulled in the last 15 minutes (${s.bouncers} registered)`;
  return `No enforcement target is enabled and ${bouncers}: bans are recorded but enforced nowhere, so banned IPs can keep attacking.`;
}

export const SYNC_COLOR: Record<IpSyncState, string> = {
  synced: "teal",
  pending: "yellow",
  failing: "red",
  disabled: "gray",
};

/** One line per enforcement point for one IP, in the order the drawer shows them. */
export interface EnforcementLine {
  key: string;
  name: string;
  kind: string;
  state: IpSyncState;
  note: string;
}

export function enforcementLines(e: BanEnforcement): EnforcementLine[] {
  const targets = e.targets.map((t) => ({
    key: `t:${t.id}`,
    name: t.name,
    kind: t.type === "sophos_xgs" ? "Sophos XGS" : "webhook",
    state: t.state,
    note: t.state === "failing" && t.last_error ? t.last_error : "",
  }));
  const bouncers = e.bouncers.map((b) => ({
    key: `b:${b.id}`,
    name: b.name,
    kind: "bouncer",
    state: (b.pulled_since_change ? "synced" : "pending") as IpSyncState,
    note:
      b.last_pull === null ? "never pulled" : b.pulled_since_change ? "" : "not pulled since the ban changed",
  }));
  return [...targets, ...bouncers];
}
