/**
 * False-positive guard: counts the distinct source IPs that tripped the same (rule, URI, hostname)
 * in a sliding window. One attacker hammering a URL is an attack; dozens of unrelated IPs tripping
 * the same rule on the same URL is more often a WAF rule misfiring on a legitimate page, so their
 * bans wait for a human (pending_type = false_positive).
 *
 * Memory is bounded: at most `maxKeys` (rule, uri, host) keys, least recently used evicted first, and
 * at most `maxIpsPerKey` IPs per key (more than enough: the policy only compares with a small threshold).
 */
export interface FpGuardOptions {
  windowMs: number;
  maxKeys: number;
  maxIpsPerKey: number;
}

export const FP_GUARD_DEFAULTS = {
  windowMs: 10 * 60_000,
  maxKeys: 10_000,
  maxIpsPerKey: 256,
} satisfies FpGuardOptions;

export interface FpGuardHit {
  rule_id: string;
  url: string;
  hostname: string;
  ip: string;
}

export class FpGuard {
  private readonly keys = new Map<string, Map<string, number>>();
  private readonly options: FpGuardOptions;

  constructor(options: Partial<FpGuardOptions> = {}) {
    this.options = { ...FP_GUARD_DEFAULTS, ...options };
  }

  /** Records the hit and returns the distinct IPs (this one included) seen on its key in the window. */
  observe(hit: FpGuardHit, now: number): number {
    // Without a rule or a URL there is nothing to correlate on (e.g. SSH brute force): never guard.
    if (!hit.rule_id && !hit.url) return 1;
    const key = `${hit.rule_id}\u0000${hit.url}\u0000${hit.hostname.toLowerCase()}`;
    const ips = this.keys.get(key) ?? new Map<string, number>();
    this.keys.delete(key); // re-insert: Map order is our LRU order
    this.keys.set(key, ips);
    const cutoff = now - this.options.windowMs;
    for (const [ip, at] of ips) if (at <= cutoff) ips.delete(ip);
    ips.delete(hit.ip);
    ips.set(hit.ip, now);
    while (ips.size > this.options.maxIpsPerKey) {
      const oldest = ips.keys().next().value;
      if (oldest === undefined) break;
      ips.delete(oldest);
    }
    while (this.keys.size > this.options.maxKeys) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
    return ips.size;
  }

  /** Keys currently tracked (for status and tests). */
  get size(): number {
    return this.keys.size;
  }
}
