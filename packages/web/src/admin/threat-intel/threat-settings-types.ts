/**
 * GET /api/v1/threats/providers and PUT /api/v1/threats/providers/:name as Settings → Threat
 * intelligence reads them (server: intel/lookup/threat-routes.ts, threat-settings-routes.ts). A key
 * is never sent back: only whether one is set and where it comes from.
 */
import type { KeySource } from "../../../../server/src/intel/lookup/provider-settings.js";
import type { ProviderStatus } from "../../../../server/src/intel/lookup/threat-lookup.js";

export type { KeySource };
/** The server's own contract type, not a copy. */
export type ProviderSetting = ProviderStatus;

export interface ProviderChange {
  key?: string | null;
  daily_limit?: number | null | "default";
}

/** The same key as the Advanced Threat page's providers list, so a change here refreshes it there. */
export const PROVIDERS_KEY = ["threats", "providers"] as const;

/** Display names of the providers (the API names them by their config name). */
export const PROVIDER_LABELS: Record<string, string> = {
  ipsum: "IPsum",
  otx: "AlienVault OTX",
  threatfox: "abuse.ch ThreatFox",
  urlhaus: "abuse.ch URLhaus",
  internetdb: "Shodan InternetDB",
  abuseipdb: "AbuseIPDB",
  greynoise: "GreyNoise",
  crowdsec: "CrowdSec CTI",
  virustotal: "VirusTotal",
  criminalip: "Criminal IP",
  pulsedive: "Pulsedive",
};

export const providerLabel = (name: string): string => PROVIDER_LABELS[name] ?? name;

/** Share of today's limit spent, 0–100; null when there is no limit. */
export function quotaShare(p: Pick<ProviderSetting, "used_today" | "daily_limit">): number | null {
  if (p.daily_limit === null) return null;
  if (p.daily_limit === 0) return 100;
  return Math.min(100, Math.round((p.used_today / p.daily_limit) * 100));
}

/** Where the key comes from, as the table says it. */
export function keyText(p: Pick<ProviderSetting, "needs_key" | "key_source" | "list">): string {
  if (p.list) return "no key (public list)";
  if (p.key_source === "console") return "set in the console";
  if (p.key_source === "env") return "from the environment";
  return p.needs_key ? "none" : "none (optional)";
}

export type LimitMode = "default" | "none" | "custom";

/** How the form shows the limit in force. */
export function limitModeOf(p: Pick<ProviderSetting, "daily_limit" | "limit_source">): LimitMode {
  if (p.limit_source === "default") return "default";
  return p.daily_limit === null ? "none" : "custom";
}

export interface ProviderForm {
  /** Typed anew; never prefilled. "" leaves the key as it is. */
  key: string;
  removeKey: boolean;
  limitMode: LimitMode;
  limit: number | "";
}

/** The body of a save: only what changed (an empty object when nothing did). */
export function changeOf(
  p: Pick<ProviderSetting, "daily_limit" | "limit_source">,
  form: ProviderForm,
): ProviderChange {
  const change: ProviderChange = {};
  const key = form.key.trim();
  if (form.removeKey) change.key = null;
  else if (key !== "") change.key = key;
  const mode = limitModeOf(p);
  if (form.limitMode === "default" && mode !== "default") change.daily_limit = "default";
  if (form.limitMode === "none" && mode !== "none") change.daily_limit = null;
  if (form.limitMode === "custom" && form.limit !== "" && (mode !== "custom" || form.limit !== p.daily_limit))
    change.daily_limit = form.limit;
  return change;
}
