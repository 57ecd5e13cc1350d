import { isBlocking, issue, lookupFailed, type PostureIssue } from "./issues.js";
import { type DnsLookup, type DnsStatus, describeFailure, isLookupFailure } from "./resolver.js";

/** MX posture: present, each target resolving to an address, or a null MX (RFC 7505: no mail). */
export interface MxHost {
  priority: number;
  exchange: string;
  /** "ok" when it has an address; "nxdomain"/"nodata" when dangling; a failure when unknown. */
  resolves: DnsStatus;
}

export interface MxResult {
  lookup: DnsStatus;
  exists: boolean;
  null_mx: boolean;
  records: MxHost[];
  valid: boolean;
  issues: PostureIssue[];
}

export async function checkMx(domain: string, dns: DnsLookup): Promise<MxResult> {
  const mx = await dns.mx(domain);
  if (isLookupFailure(mx)) {
    return {
      lookup: mx.status,
      exists: false,
      null_mx: false,
      records: [],
      valid: false,
      issues: [lookupFailed("mx", describeFailure(domain, mx))],
    };
  }
  if (mx.records.length === 0) {
    return {
      lookup: mx.status,
      exists: false,
      null_mx: false,
      records: [],
      valid: false,
      issues: [
        issue(
          "mx_missing",
          "critical",
          "No MX record: the domain cannot receive mail (and senders fall back to its A record)",
          `Publish MX records for ${domain}, or a null MX "0 ." if it never receives mail`,
        ),
      ],
    };
  }
  const sorted = [...mx.records].sort((a, b) => a.priority - b.priority);
  if (sorted.some((r) => r.exchange === "")) {
    const issues: PostureIssue[] = [];
    if (sorted.length > 1) {
      issues.push(
        issue(
          "mx_null_mixed",
          "high",
          "A null MX is published next to other MX records",
          "Keep only the null MX, or remove it",
        ),
      );
    }
    issues.push(
      issue(
        "mx_null",
        "info",
        "Null MX (RFC 7505): the domain says it receives no mail",
        "If it sends no mail either, publish v=spf1 -all and DMARC p=reject",
      ),
    );
    return {
      lookup: "ok",
      exists: true,
      null_mx: true,
      records: sorted.map((r) => ({ ...r, resolves: "ok" as const })),
      valid: !issues.some(isBlocking),
      issues,
    };
  }
  const records: MxHost[] = await Promise.all(
    sorted.map(async (r) => ({ ...r, resolves: (await dns.addresses(r.exchange)).status })),
  );
  const issues: PostureIssue[] = [];
  const dangling = records.filter((r) => r.resolves === "nxdomain" || r.resolves === "nodata");
  const unknown = records.filter((r) => isLookupFailure({ status: r.resolves, records: [] }));
  if (dangling.length === records.length) {
    issues.push(
      issue(
        "mx_unresolvable",
        "critical",
        `No mail server resolves: ${dangling.map((r) => r.exchange).join(", ")} have no address`,
        "Correct the MX targets to mail servers that exist",
      ),
    );
  } else if (dangling.length > 0) {
    issues.push(
      issue(
        "mx_dangling",
        "high",
        `Some mail servers do not resolve: ${dangling.map((r) => r.exchange).join(", ")}`,
        "Remove or correct those MX records",
      ),
    );
  }
  if (unknown.length > 0) {
    issues.push(
      issue(
        "mx_target_lookup_failed",
        "medium",
        `Could not resolve ${unknown.map((r) => r.exchange).join(", ")} (DNS ${unknown[0]?.resolves})`,
        "Run the check again",
      ),
    );
  }
  if (records.length === 1) {
    issues.push(
      issue("mx_single", "info", "One mail server only: no fallback if it is down", "Consider a second MX"),
    );
  }
  return { lookup: "ok", exists: true, null_mx: false, records, valid: !issues.some(isBlocking), issues };
}
