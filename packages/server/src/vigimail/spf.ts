import { type IssueSeverity, isBlocking, issue, lookupFailed, type PostureIssue } from "./issues.js";
import { type DnsLookup, type DnsStatus, describeFailure, isLookupFailure } from "./resolver.js";

/**
 * SPF posture (RFC 7208): exactly one `v=spf1` record, its syntax, the 10 DNS-lookup and 2
 * void-lookup limits counted through include and redirect, the `all` qualifier and `ptr`.
 */
export interface SpfResult {
  /** How the lookup of the domain's TXT records went. */
  lookup: DnsStatus;
  exists: boolean;
  record: string | null;
  valid: boolean;
  /** `+all`, `-all`, `~all`, `?all`, or null when the record has none (and no redirect gives one). */
  all: string | null;
  dns_lookups: number;
  void_lookups: number;
  issues: PostureIssue[];
}

const MECHANISMS = new Set(["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);
const LOOKUP_LIMIT = 10;
const VOID_LIMIT = 2;
/** Stop walking includes well past the limit: a broken or hostile chain must not make us loop. */
const WALK_CAP = 30;

export interface SpfTerm {
  qualifier: "+" | "-" | "~" | "?";
  name: string;
  value: string | null;
  modifier: boolean;
  raw: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The records of a TXT answer that are SPF records (`v=spf1` then a space or the end). */
export function spfRecords(txt: readonly string[]): string[] {
  return txt.filter((t) => /^v=spf1(\s|$)/i.test(t));
}

/** Parses one record into terms; syntax problems are returned as issues, not thrown. */
export function parseSpf(record: string): { terms: SpfTerm[]; issues: PostureIssue[] } {
  const issues: PostureIssue[] = [];
  const terms: SpfTerm[] = [];
  const parts = record.trim().split(/\s+/).slice(1);
  for (const raw of parts) {
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
    if (mod) {
      terms.push({
        qualifier: "+",
        name: (mod[1] ?? "").toLowerCase(),
        value: mod[2] ?? "",
        modifier: true,
        raw,
      });
      continue;
    }
    const m = /^([+\-~?]?)([a-z][a-z0-9]*)(?::([^/]*))?(\/.*)?$/i.exec(raw);
    const name = m?.[2]?.toLowerCase();
    if (!m || !name || !MECHANISMS.has(name)) {
      issues.push(
        issue(
          "spf_syntax",
          "critical",
          `SPF term "${raw}" is not valid SPF, so receivers treat the whole record as an error (permerror)`,
          `Remove or correct "${raw}"; valid mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists`,
        ),
      );
      continue;
    }
    const qualifier = (m[1] || "+") as SpfTerm["qualifier"];
    const value = m[3] ?? null;
    const cidr = m[4] ?? "";
    if ((name === "include" || name === "exists") && !value) {
      issues.push(
        issue(
          "spf_syntax",
          "critical",
          `SPF ${name} needs a domain ("${raw}")`,
          `Write it as ${name}:<domain>`,
        ),
      );
      continue;
    }
    if (
      name === "ip4" &&
      (!value || !IPV4.test(value) || (cidr && !/^\/([0-9]|[12]\d|3[0-2])$/.test(cidr)))
    ) {
      issues.push(
        issue(
          "spf_syntax",
          "critical",
          `SPF "${raw}" is not a valid IPv4 address or network`,
          "Write ip4:<address>[/prefix]",
        ),
      );
      continue;
    }
    if (name === "ip6" && !value?.includes(":")) {
      issues.push(
        issue(
          "spf_syntax",
          "critical",
          `SPF "${raw}" is not a valid IPv6 address or network`,
          "Write ip6:<address>[/prefix]",
        ),
      );
      continue;
    }
    terms.push({ qualifier, name, value: value ? value + cidr : cidr || null, modifier: false, raw });
  }
  return { terms, issues };
}

interface Walk {
  lookups: number;
  voids: number;
  seen: Set<string>;
  issues: PostureIssue[];
  failed: boolean;
}

const hasMacro = (s: string) => s.includes("%");

/** Follows an include or redirect target and counts what it costs. */
async function walk(domain: string, dns: DnsLookup, w: Walk, via: string): Promise<{ all: string | null }> {
  const key = domain.toLowerCase();
  if (w.seen.has(key)) {
    w.issues.push(
      issue(
        "spf_loop",
        "critical",
        `SPF ${via} loops back to ${domain}`,
        `Remove the ${via} that points back to a record already included`,
      ),
    );
    return { all: null };
  }
  w.seen.add(key);
  const txt = await dns.txt(domain);
  if (isLookupFailure(txt)) {
    w.failed = true;
    w.issues.push(
      issue(
        "spf_include_lookup_failed",
        "medium",
        `${describeFailure(domain, txt)} (SPF ${via}); the lookup count may be incomplete`,
        "Run the check again; if it persists, ask the owner of that domain",
      ),
    );
    return { all: null };
  }
  const records = spfRecords(txt.records);
  if (records.length === 0) {
    if (txt.status !== "ok") w.voids++;
    w.issues.push(
      issue(
        "spf_include_missing",
        "high",
        `SPF ${via} names ${domain}, which has no SPF record (receivers return permerror)`,
        `Remove the ${via} or correct the domain name`,
      ),
    );
    return { all: null };
  }
  if (records.length > 1) {
    w.issues.push(
      issue(
        "spf_include_multiple",
        "high",
        `SPF ${via} target ${domain} has ${records.length} SPF records (permerror)`,
        `Ask the owner of ${domain} to publish a single record`,
      ),
    );
  }
  return walkTerms(parseSpf(records[0] ?? "").terms, domain, dns, w);
}

async function walkTerms(
  terms: SpfTerm[],
  domain: string,
  dns: DnsLookup,
  w: Walk,
): Promise<{ all: string | null }> {
  let all: string | null = null;
  let redirect: string | null = null;
  for (const t of terms) {
    if (w.lookups > WALK_CAP) break;
    if (t.modifier) {
      if (t.name === "redirect") redirect = t.value;
      continue;
    }
    if (t.name === "all") {
      all = `${t.qualifier}all`;
      continue;
    }
    if (!["include", "a", "mx", "ptr", "exists"].includes(t.name)) continue;
    w.lookups++;
    const target = t.value?.replace(/\/.*$/, "") || domain;
    if (hasMacro(target)) continue;
    if (t.name === "include") await walk(target, dns, w, `include:${target}`);
    else if (t.name === "mx") {
      const mx = await dns.mx(target);
      if (mx.status === "nxdomain" || mx.status === "nodata") w.voids++;
      if (mx.records.length > 10) {
        w.issues.push(
          issue(
            "spf_mx_too_many",
            "high",
            `SPF "mx" on ${target} has ${mx.records.length} MX hosts; more than 10 is a permerror`,
            "Replace mx with ip4/ip6 ranges of the mail servers",
          ),
        );
      }
    } else if (t.name === "a") {
      const a = await dns.addresses(target);
      if (a.status === "nxdomain" || a.status === "nodata") w.voids++;
    }
  }
  // A redirect applies only when the record has no all (RFC 7208 §6.1).
  if (redirect && all === null && !hasMacro(redirect)) {
    w.lookups++;
    const r = await walk(redirect, dns, w, `redirect=${redirect}`);
    all = r.all;
  }
  return { all };
}

const ALL_ISSUES: Record<string, [IssueSeverity, string, string] | undefined> = {
  "+all": [
    "critical",
    "SPF ends in +all: every server on the internet may send mail as this domain, so SPF protects nothing",
    "Replace +all with -all (or ~all while you confirm every legitimate sender is listed)",
  ],
  "?all": [
    "high",
    "SPF ends in ?all (neutral): mail from unlisted servers is neither passed nor failed, so SPF protects nothing",
    "Replace ?all with ~all, then -all once every legitimate sender is listed",
  ],
  "~all": [
    "low",
    "SPF ends in ~all (softfail): unlisted servers are only marked suspicious",
    "Move to -all once every legitimate sender is listed",
  ],
};

export async function checkSpf(domain: string, dns: DnsLookup): Promise<SpfResult> {
  const txt = await dns.txt(domain);
  const base = { record: null, all: null, dns_lookups: 0, void_lookups: 0 };
  if (isLookupFailure(txt)) {
    return {
      ...base,
      lookup: txt.status,
      exists: false,
      valid: false,
      issues: [lookupFailed("spf", describeFailure(domain, txt))],
    };
  }
  const records = spfRecords(txt.records);
  if (records.length === 0) {
    return {
      ...base,
      lookup: txt.status,
      exists: false,
      valid: false,
      issues: [
        issue(
          "spf_missing",
          "critical",
          "No SPF record: anyone can send mail that claims to come from this domain",
          `Publish a TXT record on ${domain}: "v=spf1 <your senders> -all" (e.g. include:_spf.google.com for Google Workspace)`,
        ),
      ],
    };
  }
  const issues: PostureIssue[] = [];
  if (records.length > 1) {
    issues.push(
      issue(
        "spf_multiple",
        "critical",
        `${records.length} SPF records: receivers must treat this as an error (permerror) and ignore SPF`,
        "Merge them into one v=spf1 record",
      ),
    );
  }
  const record = records[0] ?? "";
  const parsed = parseSpf(record);
  issues.push(...parsed.issues);
  const w: Walk = { lookups: 0, voids: 0, seen: new Set([domain.toLowerCase()]), issues, failed: false };
  const { all } = await walkTerms(parsed.terms, domain, dns, w);

  const allIndex = parsed.terms.findIndex((t) => !t.modifier && t.name === "all");
  if (parsed.terms.filter((t) => !t.modifier && t.name === "all").length > 1) {
    issues.push(
      issue("spf_all_repeated", "medium", "SPF has more than one all", "Keep a single all, at the end"),
    );
  }
  if (allIndex >= 0 && parsed.terms.slice(allIndex + 1).some((t) => !t.modifier)) {
    issues.push(
      issue(
        "spf_after_all",
        "medium",
        "SPF has mechanisms after all; they are never evaluated",
        "Move all to the end of the record",
      ),
    );
  }
  if (all === null) {
    issues.push(
      issue(
        "spf_no_all",
        "medium",
        "SPF has no all mechanism: unlisted senders get a neutral result",
        "End the record with -all (or ~all)",
      ),
    );
  } else {
    const a = ALL_ISSUES[all];
    const code = { "+all": "spf_plus_all", "?all": "spf_neutral_all", "~all": "spf_softfail_all" }[all];
    if (a && code) issues.push(issue(code, ...a));
  }
  if (parsed.terms.some((t) => !t.modifier && t.name === "ptr")) {
    issues.push(
      issue(
        "spf_ptr",
        "medium",
        "SPF uses ptr, which RFC 7208 says should not be used (slow, unreliable, often ignored)",
        "Replace ptr with ip4/ip6 or a mechanisms naming the senders",
      ),
    );
  }
  if (w.lookups > LOOKUP_LIMIT) {
    issues.push(
      issue(
        "spf_too_many_lookups",
        "critical",
        `SPF needs ${w.lookups}/${LOOKUP_LIMIT} DNS lookups (through include and redirect); over 10 is a permerror`,
        "Flatten includes into ip4/ip6 ranges or drop senders you no longer use",
      ),
    );
  }
  if (w.voids > VOID_LIMIT) {
    issues.push(
      issue(
        "spf_too_many_void_lookups",
        "high",
        `SPF has ${w.voids} lookups that return nothing (limit ${VOID_LIMIT}); receivers may return permerror`,
        "Remove include, a or mx terms naming domains that no longer exist",
      ),
    );
  }
  if (record.length > 450) {
    issues.push(
      issue(
        "spf_long",
        "low",
        `SPF record is ${record.length} characters; long answers risk falling back from UDP`,
        "Shorten the record (fewer terms, or ranges instead of single addresses)",
      ),
    );
  }
  return {
    lookup: "ok",
    exists: true,
    record,
    valid: !issues.some(isBlocking),
    all,
    dns_lookups: w.lookups,
    void_lookups: w.voids,
    issues,
  };
}
