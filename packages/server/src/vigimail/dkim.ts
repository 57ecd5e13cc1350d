import { createPublicKey } from "node:crypto";
import { isBlocking, issue, type PostureIssue } from "./issues.js";
import { type DnsLookup, type DnsStatus, describeFailure, isLookupFailure } from "./resolver.js";

/**
 * DKIM keys cannot be listed, only guessed: each configured selector (plus the ones learnt for this
 * domain from pasted mail headers) is looked up at `<selector>._domainkey.<domain>`. Key type and size
 * (RSA under 1024 bits is broken, under 2048 weak: RFC 8301), revoked keys (empty p=), test mode.
 */
export const DEFAULT_DKIM_SELECTORS = [
  "default",
  "google",
  "selector1",
  "selector2",
  "k1",
  "k2",
  "s1",
  "s2",
  "mail",
  "dkim",
  "smtp",
  "mx",
  "everlytickey1",
  "mandrill",
  "pm",
] as const;

export interface DkimKey {
  selector: string;
  record: string;
  key_type: string;
  /** RSA modulus size; null for ed25519 or a key that could not be read. */
  key_bits: number | null;
  revoked: boolean;
  testing: boolean;
}

export interface DkimResult {
  /** "ok" when at least one selector answered; a failure when a lookup could not be answered. */
  lookup: DnsStatus;
  exists: boolean;
  selectors: string[];
  keys: DkimKey[];
  valid: boolean;
  issues: PostureIssue[];
}

export function parseDkimTags(record: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, "");
  }
  return tags;
}

export function rsaBits(base64: string): number | null {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, "base64"), format: "der", type: "spki" });
    return key.asymmetricKeyDetails?.modulusLength ?? null;
  } catch {
    return null;
  }
}

/** One selector's record read into a key, with its issues (pure). */
export function readDkimKey(selector: string, record: string): { key: DkimKey; issues: PostureIssue[] } {
  const tags = parseDkimTags(record);
  const type = (tags.k ?? "rsa").toLowerCase();
  const p = tags.p ?? "";
  const revoked = p === "";
  const bits = !revoked && type === "rsa" ? rsaBits(p) : null;
  const testing = (tags.t ?? "").split(":").includes("y");
  const issues: PostureIssue[] = [];
  const where = `DKIM key "${selector}"`;
  if (tags.v !== undefined && tags.v !== "DKIM1") {
    issues.push(
      issue("dkim_bad_version", "medium", `${where} has v=${tags.v}, not DKIM1`, "Set v=DKIM1 or remove it"),
    );
  }
  if (revoked) {
    issues.push(
      issue(
        "dkim_revoked",
        "info",
        `${where} is revoked (empty p=)`,
        "Remove the record once no mail is signed with it",
      ),
    );
  } else if (type === "rsa") {
    if (bits === null) {
      issues.push(
        issue(
          "dkim_bad_key",
          "high",
          `${where} has a public key that cannot be read`,
          "Republish the key from your mail provider",
        ),
      );
    } else if (bits < 1024) {
      issues.push(
        issue(
          "dkim_weak_key",
          "high",
          `${where} is RSA ${bits}-bit: too short, receivers treat it as unsigned`,
          "Rotate to a 2048-bit RSA key",
        ),
      );
    } else if (bits < 2048) {
      issues.push(
        issue(
          "dkim_short_key",
          "low",
          `${where} is RSA ${bits}-bit; 2048 is recommended`,
          "Rotate to a 2048-bit RSA key",
        ),
      );
    }
  } else if (type !== "ed25519") {
    issues.push(
      issue("dkim_bad_type", "medium", `${where} has unknown key type k=${type}`, "Use k=rsa or k=ed25519"),
    );
  }
  if (
    (tags.h ?? "").toLowerCase().split(":").includes("sha1") &&
    !(tags.h ?? "").toLowerCase().includes("sha256")
  ) {
    issues.push(
      issue(
        "dkim_sha1",
        "medium",
        `${where} allows only SHA-1, deprecated by RFC 8301`,
        "Remove h= or set h=sha256",
      ),
    );
  }
  if (testing) {
    issues.push(
      issue("dkim_testing", "low", `${where} is in test mode (t=y)`, "Remove t=y once signing works"),
    );
  }
  return { key: { selector, record, key_type: type, key_bits: bits, revoked, testing }, issues };
}

export async function checkDkim(
  domain: string,
  selectors: readonly string[],
  dns: DnsLookup,
): Promise<DkimResult> {
  const unique = [...new Set(selectors.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const answers = await Promise.all(
    unique.map(async (s) => [s, await dns.txt(`${s}._domainkey.${domain}`)] as const),
  );
  const keys: DkimKey[] = [];
  const issues: PostureIssue[] = [];
  const failures: string[] = [];
  let failedStatus: DnsStatus | null = null;
  for (const [selector, a] of answers) {
    if (isLookupFailure(a)) {
      failures.push(describeFailure(`${selector}._domainkey.${domain}`, a));
      failedStatus ??= a.status;
      continue;
    }
    const rec = a.records.find((r) => /(^|;)\s*(v\s*=\s*DKIM1|p\s*=|k\s*=)/i.test(r));
    if (!rec) continue;
    const read = readDkimKey(selector, rec);
    keys.push(read.key);
    issues.push(...read.issues);
  }
  const live = keys.filter((k) => !k.revoked);
  if (keys.length === 0 && failures.length > 0) {
    return {
      lookup: failedStatus ?? "error",
      exists: false,
      selectors: [],
      keys,
      valid: false,
      issues: [
        issue(
          "dkim_lookup_failed",
          "high",
          `${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ""}; DKIM state is unknown, not missing`,
          "Check that the domain's name servers answer, then run the check again",
        ),
      ],
    };
  }
  if (failures.length > 0) {
    issues.push(
      issue(
        "dkim_partial_lookup",
        "info",
        `${failures.length} selector lookups failed: ${failures[0]}`,
        "Run the check again",
      ),
    );
  }
  if (live.length === 0) {
    issues.push(
      issue(
        "dkim_not_found",
        "medium",
        keys.length > 0
          ? "Every DKIM key found is revoked: mail is not signed"
          : `No DKIM key found under the ${unique.length} selectors tried (DKIM cannot be listed, only guessed)`,
        "Turn on DKIM signing at your mail provider and publish its key, or paste a message's headers so Vigil learns your selector",
      ),
    );
  }
  return {
    lookup: "ok",
    exists: live.length > 0,
    selectors: keys.map((k) => k.selector),
    keys,
    valid: live.length > 0 && !issues.some(isBlocking),
    issues,
  };
}

/** Selectors named by `DKIM-Signature: ... s=<selector>; d=<domain>` headers in pasted mail headers. */
export function selectorsFromHeaders(headers: string, domain: string): string[] {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, " ");
  const out = new Set<string>();
  for (const line of unfolded.split(/\r?\n/)) {
    if (!/^dkim-signature\s*:/i.test(line)) continue;
    const tags = parseDkimTags(line.replace(/^[^:]*:/, ""));
    const d = tags.d?.toLowerCase();
    if (tags.s && d && (d === domain || domain.endsWith(`.${d}`) || d.endsWith(`.${domain}`)))
      out.add(tags.s.toLowerCase());
  }
  return [...out];
}
