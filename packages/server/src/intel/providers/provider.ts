/**
 * One threat-intelligence provider (../shared/reference/threat-intel-providers.md): how to ask it about
 * an IP and how to read its answer. Each provider is one small module exporting a `ProviderSpec`; the
 * request building and the response mapping are pure, so they are tested on recorded responses, and
 * the HTTP call, quota, back-off and timeouts live once in the lookup service, not in each provider.
 */
export type Tier = 1 | 2 | 3;

export type ProviderName =
  | "ipsum"
  | "otx"
  | "threatfox"
  | "urlhaus"
  | "internetdb"
  | "abuseipdb"
  | "greynoise"
  | "crowdsec"
  | "virustotal"
  | "criminalip"
  | "pulsedive";

/** What Vigil sends: path appended to the provider's base URL, method, headers (the key goes here). */
export interface ProviderRequest {
  method: "GET" | "POST";
  /** Path and query, appended to the base URL (`VIGIL_TI_<NAME>_URL` or the default). */
  path: string;
  headers: Record<string, string>;
  /** Form or JSON body for POST providers (ThreatFox, URLhaus). */
  body?: string;
}

/** What one provider said about one IP, mapped onto Vigil's terms. */
export type ProviderVerdict =
  /** The provider knows the IP: its 0–100 score (its own scale mapped, see each module). */
  | {
      status: "ok";
      score: number;
      categories: string[];
      /** A line an analyst reads: "reported 412 times, confidence 100". */
      detail: string;
      is_tor?: boolean;
      /**
       * How far this one answer is trusted, in (0, 1], when the provider says so (AbuseIPDB's
       * distinct reporters, CrowdSec's trust score); absent = the provider's usual weight.
       */
      weight?: number;
    }
  /** The provider answered and does not know the IP: lowers confidence, not the score. */
  | { status: "not_found"; detail: string }
  /** The provider's answer means its quota is spent (mapped from a 429 or a quota body). */
  | { status: "quota"; detail: string; retryAfterS?: number }
  /** Anything else: garbage, HTML, 5xx, an unexpected shape. */
  | { status: "error"; detail: string };

export interface ProviderSpec {
  name: ProviderName;
  tier: Tier;
  /** The documented base URL, used when `VIGIL_TI_<NAME>_URL` is unset. */
  defaultBaseUrl: string;
  /** Whether it needs `VIGIL_TI_<NAME>_KEY`; without one it is "not configured". */
  needsKey: boolean;
  /** Free daily quota from the reference (editable per install). null = unlimited. */
  defaultDailyQuota: number | null;
  request(ip: string, key: string | null): ProviderRequest;
  /**
   * Maps the HTTP answer (status, body text, headers) to a verdict; never throws. `ip` is the address
   * asked about, for providers whose search matches more than it (ThreatFox).
   */
  read(status: number, body: string, headers: Record<string, string>, ip?: string): ProviderVerdict;
}
