/**
 * Runs `fn` at once on the first trigger after a quiet period (leading edge), then at most once
 * per `windowMs`: triggers inside the window are coalesced into one run when it closes (trailing
 * edge). So a single ban reaches the firewall with no added delay, and a burst of a thousand bans
 * costs two syncs, not a thousand. With `leading: false` it is a plain trailing debounce (every
 * trigger restarts the wait), for bursty sources where acting early would only be redone.
 */
export interface Throttle {
  trigger(): void;
  cancel(): void;
}

export function leadingThrottle(
  windowMs: number,
  fn: () => void,
  opts: { leading?: boolean } = {},
): Throttle {
  const leading = opts.leading ?? true;
  let timer: NodeJS.Timeout | null = null;
  let pending = false;

  function open() {
    timer = setTimeout(() => {
      timer = null;
      if (!pending) return;
      pending = false;
      fn();
      // Keep coalescing after a trailing run, so a steady stream runs once per window.
      if (leading) open();
    }, windowMs);
  }

  return {
    trigger() {
      if (!leading) {
        if (timer) clearTimeout(timer);
        pending = true;
        open();
        return;
      }
      if (timer) {
        pending = true;
        return;
      }
      fn();
      open();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = false;
    },
  };
}
