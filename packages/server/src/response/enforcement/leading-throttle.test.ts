import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { leadingThrottle } from "./leading-throttle.js";

describe("leadingThrottle", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the first trigger at once and coalesces the burst after it into one trailing run", () => {
    let runs = 0;
    const th = leadingThrottle(1000, () => runs++);
    th.trigger();
    expect(runs).toBe(1); // no wait for the first change
    for (let i = 0; i < 50; i++) th.trigger();
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(2); // the whole burst, once
    vi.advanceTimersByTime(5000);
    expect(runs).toBe(2); // nothing new, nothing run
    th.trigger();
    expect(runs).toBe(3); // quiet again: immediate
  });

  it("a steady stream runs once per window", () => {
    let runs = 0;
    const th = leadingThrottle(100, () => runs++);
    for (let i = 0; i < 100; i++) {
      th.trigger();
      vi.advanceTimersByTime(10);
    }
    expect(runs).toBeGreaterThanOrEqual(10);
    expect(runs).toBeLessThanOrEqual(11);
  });

  it("trailing-only mode waits for quiet; cancel drops what is pending", () => {
    let runs = 0;
    const th = leadingThrottle(100, () => runs++, { leading: false });
    th.trigger();
    vi.advanceTimersByTime(60);
    th.trigger();
    vi.advanceTimersByTime(60);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(40);
    expect(runs).toBe(1);
    th.trigger();
    th.cancel();
    vi.advanceTimersByTime(500);
    expect(runs).toBe(1);
  });
});
