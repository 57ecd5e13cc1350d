import { isBlocking, issue, lookupFailed, type PostureIssue } from "./issues.js";
import { type DnsLookup, type DnsStatus, describeFailure, isLookupFailure } from "./resolver.js";

/**
 * DMARC posture (RFC 9989, which obsoletes RFC 7489): the record at `_dmarc.<domain>`, else the
 * nearest parent's by a DNS tree walk (at most 8 queries, no Public Suffix List); policy, subdomain
 * policy, reporting addresses, alignment; tags the new RFC removed (pct, rf, ri) or added (np, t, psd).
 */
export type DmarcPolicy = "none" | "quarantine" | "reject";

export interface DmarcResult {
  lookup: DnsStatus;
  exists: boolean;
  record: string | null;
  /** The domain whose `_dmarc` record applies (the domain itself or a parent found by the walk). */
  record_domain: string | null;
  policy: DmarcPolicy | null;
  subdomain_policy: DmarcPolicy | null;
  valid: boolean;
  tags: Record<string, string>;
  issues: PostureIssue[];
}

const POLICIES = new Set(["none", "quarantine", "reject"]);
const MAX_WALK = 8;

export function dmarcRecords(txt: readonly string[]): string[] {
  return txt.filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t));
}

export function parseDmarcTags(record: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim().toLowerCase();
    if (k && !(k in tags)) tags[k] = part.slice(eq + 1).trim();
  }
  return tags;
}

/** The names the tree walk asks, nearest first: the domain, then parents down to two labels. */
export function dmarcWalk(domain: string): string[] {
  const labels = domain.toLowerCase().split(".");
  const names: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) names.push(labels.slice(i).join("."));
  // RFC 9989 caps the walk: the domain itself, then at most 7 of the shortest parents.
  return names.length > MAX_WALK
    ? [domain.toLowerCase(), ...names.slice(names.length - (MAX_WALK - 1))]
    : names;
}

/** Policy-level checks on one record's tags (pure). */
export function dmarcIssues(tags: Record<string, string>, inherited: boolean): PostureIssue[] {
  const out: PostureIssue[] = [];
  const p = tags.p?.toLowerCase();
  if (p === undefined) {
    out.push(
      issue(
        "dmarc_no_policy",
        "high",
        "DMARC has no p= tag; it counts as p=none, so spoofed mail is still delivered",
        "Add p=quarantine or p=reject",
      ),
    );
  } else if (!POLICIES.has(p)) {
    out.push(
      issue(
        "dmarc_bad_policy",
        "high",
        `DMARC policy "p=${tags.p}" is not none, quarantine or reject`,
        "Set p=quarantine or p=reject",
      ),
    );
  } else if (p === "none") {
    out.push(
      issue(
        "dmarc_policy_none",
        "high",
        "DMARC policy is none: receivers only report spoofed mail, they still deliver it",
        "Once reports show your own mail passes, move to p=quarantine, then p=reject",
      ),
    );
  } else if (p === "quarantine") {
    out.push(
      issue(
        "dmarc_policy_quarantine",
        "low",
        "DMARC policy is quarantine: spoofed mail goes to spam rather than being refused",
        "Move to p=reject when you are confident",
      ),
    );
  }
  const sp = tags.sp?.toLowerCase();
  if (sp !== undefined && !POLICIES.has(sp)) {
    out.push(
      issue(
        "dmarc_bad_sp",
        "medium",
        `DMARC "sp=${tags.sp}" is not a valid policy`,
        "Set sp=quarantine or sp=reject",
      ),
    );
  } else if (sp === "none" && p !== "none") {
    out.push(
      issue(
        "dmarc_sp_none",
        "medium",
        "DMARC subdomain policy is none: mail spoofing any subdomain is delivered",
        "Set sp=reject (or remove sp to inherit p)",
      ),
    );
  }
  const np = tags.np?.toLowerCase();
  if (np !== undefined && !POLICIES.has(np)) {
    out.push(issue("dmarc_bad_np", "medium", `DMARC "np=${tags.np}" is not a valid policy`, "Set np=reject"));
  }
  if (!tags.rua) {
    out.push(
      issue(
        "dmarc_no_rua",
        "medium",
        "DMARC has no rua= address: nobody receives the aggregate reports showing who sends as this domain",
        "Add rua=mailto:dmarc-reports@<your domain>",
      ),
    );
  } else {
    const uris = tags.rua.split(",").map((u) => u.trim());
    if (uris.some((u) => !/^mailto:[^@\s]+@[^@\s]+$/i.test(u.replace(/!\d+[kmgt]?$/i, "")))) {
      out.push(
        issue(
          "dmarc_bad_rua",
          "medium",
          `DMARC rua "${tags.rua}" is not a list of mailto: addresses`,
          "Write rua=mailto:<address>",
        ),
      );
    }
    if (uris.length > 2) {
      out.push(
        issue(
          "dmarc_many_rua",
          "info",
          `DMARC lists ${uris.length} rua addresses; receivers may use only two`,
          "Keep at most two",
        ),
      );
    }
  }
  if (tags.ruf) {
    out.push(
      issue(
        "dmarc_ruf",
        "info",
        "DMARC asks for failure reports (ruf=); few receivers send them and they may contain personal data",
        "Keep ruf only if you process these reports",
      ),
    );
  }
  for (const [tag, name] of [
    ["adkim", "DKIM"],
    ["aspf", "SPF"],
  ] as const) {
    const v = tags[tag]?.toLowerCase();
    if (v !== undefined && v !== "r" && v !== "s") {
      out.push(
        issue(
          `dmarc_bad_${tag}`,
          "medium",
          `DMARC "${tag}=${tags[tag]}" must be r or s`,
          `Set ${tag}=r (relaxed) or remove it`,
        ),
      );
    } else if (v === "s") {
      out.push(
        issue(
          `dmarc_strict_${tag}`,
          "info",
          `${name} alignment is strict: mail signed or sent from a subdomain fails DMARC`,
          `Keep ${tag}=s only if every sender uses the exact domain`,
        ),
      );
    }
  }
  for (const removed of ["pct", "rf", "ri"]) {
    if (tags[removed] !== undefined) {
      out.push(
        issue(
          `dmarc_removed_${removed}`,
          removed === "pct" && tags.pct !== "100" ? "medium" : "info",
          `DMARC tag ${removed}= was removed by RFC 9989; receivers following it ignore the tag${
            removed === "pct" && tags.pct !== "100"
              ? ` (pct=${tags.pct} no longer limits the policy to part of the mail)`
              : ""
          }`,
          `Remove ${removed}=${tags[removed]}`,
        ),
      );
    }
  }
  if (tags.t !== undefined) {
    const t = tags.t.toLowerCase();
    if (t === "y") {
      out.push(
        issue(
          "dmarc_test_mode",
          "medium",
          "DMARC is in test mode (t=y, RFC 9989): receivers apply one policy step lower",
          "Remove t=y when testing is over",
        ),
      );
    } else if (t !== "n") {
      out.push(issue("dmarc_bad_t", "low", `DMARC "t=${tags.t}" must be y or n`, "Remove it or set t=n"));
    }
  }
  if (inherited) {
    out.push(
      issue(
        "dmarc_inherited",
        "info",
        "No DMARC record at this domain: the parent domain's record applies (its sp= or np= policy)",
        "Publish _dmarc for this domain if it needs its own policy",
      ),
    );
  }
  return out;
}

const EFFECTIVE = (p: string | undefined): DmarcPolicy | null =>
  p && POLICIES.has(p.toLowerCase()) ? (p.toLowerCase() as DmarcPolicy) : null;

export async function checkDmarc(domain: string, dns: DnsLookup): Promise<DmarcResult> {
  const empty = { record: null, record_domain: null, policy: null, subdomain_policy: null, tags: {} };
  const walk = dmarcWalk(domain);
  for (const [i, name] of walk.entries()) {
    const txt = await dns.txt(`_dmarc.${name}`);
    if (isLookupFailure(txt)) {
      return {
        ...empty,
        lookup: txt.status,
        exists: false,
        valid: false,
        issues: [lookupFailed("dmarc", describeFailure(`_dmarc.${name}`, txt))],
      };
    }
    // Leading whitespace makes receivers skip a record, so it is matched without trimming.
    const records = dmarcRecords(txt.records);
    if (records.length === 0) continue;
    const issues: PostureIssue[] = [];
    if (records.length > 1) {
      issues.push(
        issue(
          "dmarc_multiple",
          "critical",
          `${records.length} DMARC records at _dmarc.${name}: receivers ignore DMARC`,
          "Keep exactly one v=DMARC1 record",
        ),
      );
    }
    const record = records[0] ?? "";
    const tags = parseDmarcTags(record);
    const inherited = i > 0;
    issues.push(...dmarcIssues(tags, inherited));
    // For a parent's record, this domain gets np= (if it did not exist) or sp=, else p.
    const own = EFFECTIVE(tags.p) ?? "none";
    const sub = EFFECTIVE(tags.sp) ?? own;
    return {
      lookup: "ok",
      exists: true,
      record,
      record_domain: name,
      policy: inherited ? sub : own,
      subdomain_policy: sub,
      valid: !issues.some(isBlocking),
      tags,
      issues,
    };
  }
  const rootTxt = await dns.txt(domain);
  const misplaced = rootTxt.status === "ok" && dmarcRecords(rootTxt.records).length > 0;
  return {
    ...empty,
    lookup: "nodata",
    exists: false,
    valid: false,
    issues: [
      issue(
        "dmarc_missing",
        "critical",
        misplaced
          ? `The DMARC record is published on ${domain} itself, where it has no effect`
          : "No DMARC record: receivers have no policy for mail that fails SPF and DKIM",
        `Publish a TXT record at _dmarc.${domain}: "v=DMARC1; p=none; rua=mailto:dmarc@${domain}", then tighten p to quarantine and reject`,
      ),
    ],
  };
}
