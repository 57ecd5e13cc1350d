/** The answer of GET /api/v1/ips/:ip, shared with the console (no runtime imports, so the web build can read it). */
export interface IpSummaryCount {
  key: string;
  count: number;
}

export interface IpSummary {
  /** The address in canonical form. */
  ip: string;
  country: string | null;
  asn: number | null;
  as_org: string | null;
  /** The range counted (ISO); 30 days up to now unless the caller gave one. */
  from: string;
  to: string;
  /** null when the IP has no event in the range. */
  first_seen: string | null;
  last_seen: string | null;
  total: number;
  by_log_type: IpSummaryCount[];
  by_action: IpSummaryCount[];
  by_site: IpSummaryCount[];
  top_hosts: IpSummaryCount[];
  top_ports: IpSummaryCount[];
  top_urls: IpSummaryCount[];
}
