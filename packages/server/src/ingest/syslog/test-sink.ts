/** A real LineSink for the listener tests: it keeps every line and can be told to push back. */

import type { LineSink, ReceivedLine } from "./types.js";

export class CollectingSink implements LineSink {
  readonly lines: ReceivedLine[] = [];
  /** Sizes of the batches pushed, in order. */
  readonly batches: number[] = [];
  /** While true, push() answers false (backpressure) and whenReady() waits for release(). */
  full = false;
  private waiting: Array<() => void> = [];

  push(lines: ReceivedLine[]): boolean {
    for (const l of lines) this.lines.push(l);
    this.batches.push(lines.length);
    return !this.full;
  }

  whenReady(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.full = false;
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }

  raws(): string[] {
    return this.lines.map((l) => l.raw);
  }

  /** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
  async until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what} (${this.lines.length} lines)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
