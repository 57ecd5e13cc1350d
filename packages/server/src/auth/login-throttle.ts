/**
 * Failed sign-ins counted per client IP across usernames (password spraying from one address) and per
 * username across IPs (one account guessed from many), beside the route's per IP + username limit.
 * Only failures count, so a busy office behind one NAT address signs in freely; a success does not
 * clear the counts (it would let a sprayer reset them with one known account).
 *
 * In memory, per node, in fixed windows; bounded in size so a flood of names cannot grow it without end.
 */
export interface LoginThrottleOptions {
  /** Failed sign-ins allowed from one IP, whatever the usernames, per window (default 30). */
  perIpMax: number;
  /** Failed sign-ins allowed for one username, from any IPs, per window (default 30). */
  perUserMax: number;
  timeWindowMs: number;
  /** Most keys kept; the oldest windows are dropped first (default 100,000). */
  maxKeys?: number;
}

interface Window {
  start: number;
  failures: number;
}

export interface ThrottleVerdict {
  /** Why the attempt is refused, or null when it may go ahead. */
  reason: string | null;
  retryAfterS: number;
}

export function createLoginThrottle(options: LoginThrottleOptions, now: () => number = Date.now) {
  const windows = new Map<string, Window>();
  const maxKeys = options.maxKeys ?? 100_000;

  function current(key: string): Window | undefined {
    const w = windows.get(key);
    if (w && now() - w.start >= options.timeWindowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  function bump(key: string): void {
    const w = current(key);
    if (w) {
      w.failures++;
      return;
    }
    if (windows.size >= maxKeys) {
      // Maps iterate in insertion order: the first key is the oldest window.
      const oldest = windows.keys().next().value;
      if (oldest !== undefined) windows.delete(oldest);
    }
    windows.set(key, { start: now(), failures: 1 });
  }

  const userKey = (username: string) => `user|${username.toLowerCase()}`;
  const ipKey = (ip: string) => `ip|${ip}`;

  return {
    check(ip: string, username: string): ThrottleVerdict {
      for (const [key, max, reason] of [
        [ipKey(ip), options.perIpMax, "Too many failed sign-ins from this address"],
        [userKey(username), options.perUserMax, "Too many failed sign-ins for this username"],
      ] as const) {
        const w = current(key);
        if (w && w.failures >= max) {
          const retryAfterS = Math.max(1, Math.ceil((w.start + options.timeWindowMs - now()) / 1000));
          return { reason: `${reason}; retry in ${retryAfterS} s`, retryAfterS };
        }
      }
      return { reason: null, retryAfterS: 0 };
    },
    failed(ip: string, username: string): void {
      bump(ipKey(ip));
      bump(userKey(username));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/**
 * The route-level rate limit of a sign-in step (password or code), counted after the body is parsed so
 * the key can name what is being tried: `key` turns the request into `<step>|<ip>|<what>`.
 */
export function signInRateLimit(
  limit: { max: number; timeWindowMs: number },
  step: string,
  what: (body: Record<string, unknown>) => string,
) {
  return {
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    hook: "preHandler" as const,
    keyGenerator: (request: { ip: string; body: unknown }) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      return `${step}|${request.ip}|${typeof body === "object" ? what(body) : ""}`;
    },
  };
}
