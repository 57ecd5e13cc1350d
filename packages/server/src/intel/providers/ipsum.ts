import { type IpNet, IpSet, parseIp, parseNet } from "../feeds/ip-set.js";
import type { ProviderVerdict, Tier } from "./provider.js";
import { clampScore } from "./provider-read.js";

/**
 * IPsum (stamparm): a daily file, not a per-IP API. Each line is `IP<TAB>count`, count being how
 * many public blocklists carry the IP; `#` lines are the header. Vigil downloads it like a feed and
 * answers lookups from memory. Score (reference 1.12): 12 points a list, capped at 100, so the
 * README's auto-ban level of 3 lists is 36 and 9+ lists is 100.
 */
export const IPSUM_SOURCE = {
  name: "ipsum" as const,
  tier: 1 as Tier,
  defaultBaseUrl: "https://raw.githubusercontent.com",
  path: "/stamparm/ipsum/master/ipsum.txt",
  needsKey: false,
};

const SAMPLE_MAX = 5;

export interface IpsumList {
  /** Distinct entries loaded. */
  size: number;
  invalid: number;
  invalidSamples: string[];
  /** The file's own "# Last update:" line, when present. */
  updated: string | null;
  /** How many lists carry the IP; 0 when it is not in the file. */
  count(ip: string): number;
  /** The answer for one IP in a provider's terms. */
  lookup(ip: string): ProviderVerdict;
}

export function ipsumScore(count: number): number {
  return clampScore(count * 12);
}

/**
 * Parses the file text. Bad lines are counted and sampled, never fatal (as in feed-parse). A line
 * without a count (the `levels/N.txt` files) counts as one list. The IPs are grouped by count, one
 * IpSet a count, so the 100k+ entries keep the packed form feeds use and a lookup asks the few sets
 * from the highest count down.
 */
export function parseIpsum(text: string): IpsumList {
  const byCount = new Map<number, IpNet[]>();
  const seen = new Set<string>();
  let invalid = 0;
  const invalidSamples: string[] = [];
  let updated: string | null = null;
  const bad = (line: string) => {
    invalid++;
    if (invalidSamples.length < SAMPLE_MAX) invalidSamples.push(line.slice(0, 80));
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (line.startsWith("#")) {
      const m = /^#\s*Last update:\s*(.+)$/i.exec(line);
      if (m) updated = (m[1] as string).trim();
      continue;
    }
    const [entry, countText, ...rest] = line.split(/\s+/);
    if (rest.length > 0 && !(rest[0] as string).startsWith("#")) {
      bad(line);
      continue;
    }
    const net = parseNet(entry as string);
    const count = countText === undefined || countText.startsWith("#") ? 1 : Number(countText);
    if (!net || !Number.isInteger(count) || count < 1) {
      bad(line);
      continue;
    }
    if (seen.has(net.text)) continue;
    seen.add(net.text);
    const bucket = byCount.get(count);
    if (bucket) bucket.push(net);
    else byCount.set(count, [net]);
  }
  const levels = [...byCount.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([count, nets]) => ({ count, set: IpSet.from(nets) }));
  const count = (ip: string): number => {
    const addr = parseIp(ip);
    if (!addr) return 0;
    for (const level of levels) if (level.set.contains(addr)) return level.count;
    return 0;
  };
  return {
    size: seen.size,
    invalid,
    invalidSamples,
    updated,
    count,
    lookup(ip) {
      const n = count(ip);
      if (n === 0) return { status: "not_found", detail: "on no list in IPsum" };
      const when = updated ? ` (list of ${updated})` : "";
      return {
        status: "ok",
        score: ipsumScore(n),
        categories: ["blocklisted"],
        detail: `on ${n} public blocklist${n === 1 ? "" : "s"}${when}`,
      };
    },
  };
}

/** Before the first download: every lookup says so instead of claiming the IP is clean. */
export function ipsumNotLoaded(): ProviderVerdict {
  return { status: "error", detail: "IPsum list not loaded yet" };
}
