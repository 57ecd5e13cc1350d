import type { Logger } from "pino";
import type { EventStore } from "../storage/event-store.js";
import type { DeadLetter } from "./dead-letter.js";

/**
 * Buffers rows for one ClickHouse table and writes them in large batches: on size, on a short interval,
 * and on close. Rows are turned into one Buffer per call as they arrive, so the queue lives outside the
 * JavaScript heap and a flush is one concatenation. One insert in flight at a time (the store works best with few, large
 * inserts). When the store falls behind, `pressured` turns true so callers can push back (TCP pause,
 * HTTP 429); rows the store refuses are found by `checkRow` in one pass (or, failing that, by bisection)
 * and sent to the dead-letter file with their reason, while their batch-mates are stored.
 */
export interface TableWriterOptions {
  store: EventStore;
  table: string;
  /** Column order of the rows (JSONCompactEachRow); absent = rows are JSONEachRow objects. */
  columns?: readonly string[];
  batchSize: number;
  flushIntervalMs: number;
  /** Above this many queued rows, the writer asks callers to slow down. */
  maxQueued: number;
  /** Above this many queued bytes, too (rows can be large): bounds the queue's memory. Default 256 MiB. */
  maxQueuedBytes?: number;
  /**
   * Why the store would refuse a row, or null (see row-check.ts). Run over a batch the store refused, so
   * bad rows are found in one pass instead of by halving the batch until they are alone.
   */
  checkRow?: (row: string) => string | null;
  deadLetter: DeadLetter;
  log: Logger;
  /** Names the source of a row (for per-source metrics); counts are kept per call. */
  classify?: (row: string) => string;
  /** Called after each successful insert with how many rows of each source it stored. */
  onStored?: (bySource: ReadonlyMap<string, number>) => void;
  /** Called with rows sent to the dead-letter file. */
  onDeadLettered?: (rows: readonly string[]) => void;
}

/** What became of the rows of one write(): those sent to the dead-letter file, by index, with the reason. */
export interface WriteOutcome {
  deadLettered: { index: number; reason: string }[];
}

interface Chunk {
  body: Buffer;
  rows: number;
  bySource: ReadonlyMap<string, number>;
  enqueuedAt: number;
  done?: { resolve: (outcome: WriteOutcome) => void; reject: (err: Error) => void };
}

export interface TableWriterStats {
  table: string;
  queued: number;
  stored: number;
  deadLettered: number;
  failedFlushes: number;
  /** How long the oldest queued row has waited, ms. */
  lagMs: number;
  lastFlushMs: number;
}

const RETRY_MAX_MS = 5_000;
const DEFAULT_MAX_QUEUED_BYTES = 256 << 20;

export class TableWriter {
  private chunks: Chunk[] = [];
  private queuedRows = 0;
  private inflightRows = 0;
  private queuedBytes = 0;
  private inflightBytes = 0;
  /** Rows dead-lettered during the current flush → reason, so write() can say which of its rows. */
  private lettered: Map<string, string> | null = null;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readyWaiters: Array<() => void> = [];
  private closed = false;
  private storeDownSince = 0;
  private readonly stats = { stored: 0, deadLettered: 0, failedFlushes: 0, lastFlushMs: 0 };

  constructor(private readonly o: TableWriterOptions) {}

  /**
   * Queue rows; the promise settles when they are stored (use for acknowledged ingest). `bySource`:
   * the rows' per-source counts when the caller already has them (else `classify` reads every row).
   */
  write(rows: string[], bySource?: ReadonlyMap<string, number>): Promise<WriteOutcome> {
    if (rows.length === 0) return Promise.resolve({ deadLettered: [] });
    return new Promise((resolve, reject) => {
      this.push({ ...this.pack(rows, bySource), done: { resolve, reject } });
    });
  }

  /** Queue rows without waiting (syslog: there is no acknowledgement to give). */
  writeNoAck(rows: string[], bySource?: ReadonlyMap<string, number>): void {
    if (rows.length > 0) this.push(this.pack(rows, bySource));
  }

  private pack(rows: string[], bySource: ReadonlyMap<string, number> = this.countRows(rows)): Chunk {
    const body = Buffer.from(`${rows.join("\n")}\n`);
    return { body, rows: rows.length, bySource, enqueuedAt: Date.now() };
  }

  private countRows(rows: readonly string[]): Map<string, number> {
    const bySource = new Map<string, number>();
    if (this.o.classify) {
      for (const r of rows) {
        const k = this.o.classify(r);
        bySource.set(k, (bySource.get(k) ?? 0) + 1);
      }
    }
    return bySource;
  }

  get pressured(): boolean {
    return (
      this.queuedRows + this.inflightRows >= this.o.maxQueued ||
      this.queuedBytes + this.inflightBytes >= this.maxBytes
    );
  }

  private get maxBytes(): number {
    return this.o.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  }

  /** Below half of both limits: callers that paused may go on. */
  private get drained(): boolean {
    return (
      this.queuedRows + this.inflightRows < this.o.maxQueued / 2 &&
      this.queuedBytes + this.inflightBytes < this.maxBytes / 2
    );
  }

  /** Resolves once the queue has drained below half of maxQueued (and of maxQueuedBytes). */
  whenReady(): Promise<void> {
    if (this.drained) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  getStats(): TableWriterStats {
    const oldest = this.chunks[0]?.enqueuedAt;
    return {
      table: this.o.table,
      queued: this.queuedRows + this.inflightRows,
      stored: this.stats.stored,
      deadLettered: this.stats.deadLettered,
      failedFlushes: this.stats.failedFlushes,
      lagMs: oldest ? Date.now() - oldest : 0,
      lastFlushMs: this.stats.lastFlushMs,
    };
  }

  /** Writes everything still queued, then stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing || this.chunks.length > 0) {
      if (this.flushing) await this.flushing;
      else await this.flushNow();
    }
  }

  private push(chunk: Chunk): void {
    if (this.closed) {
      chunk.done?.reject(new Error("the ingest writer is closed"));
      if (!chunk.done) this.deadLetter(splitRows(chunk.body), "writer closed");
      return;
    }
    this.chunks.push(chunk);
    this.queuedRows += chunk.rows;
    this.queuedBytes += chunk.body.length;
    if (this.queuedRows >= this.o.batchSize) this.kick();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.o.flushIntervalMs);
    }
  }

  private kick(): void {
    if (this.flushing || this.chunks.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushNow().finally(() => {
      this.flushing = null;
      if (this.queuedRows >= this.o.batchSize || (this.closed && this.chunks.length > 0)) this.kick();
      else if (this.chunks.length > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.kick();
        }, this.o.flushIntervalMs);
      }
    });
  }

  private takeBatch(): Chunk[] {
    const taken: Chunk[] = [];
    let n = 0;
    let bytes = 0;
    while (this.chunks.length > 0 && (n === 0 || n + (this.chunks[0]?.rows ?? 0) <= this.o.batchSize * 2)) {
      const c = this.chunks.shift() as Chunk;
      taken.push(c);
      n += c.rows;
      bytes += c.body.length;
      // A batch of a few large rows is large enough: do not build one buffer of a whole queue of them.
      if (n >= this.o.batchSize || bytes >= 32 << 20) break;
    }
    this.queuedRows -= n;
    this.inflightRows += n;
    this.queuedBytes -= bytes;
    this.inflightBytes += bytes;
    return taken;
  }

  private async flushNow(): Promise<void> {
    const batch = this.takeBatch();
    const rows = batch.reduce((n, c) => n + c.rows, 0);
    const body = batch.length === 1 ? (batch[0] as Chunk).body : Buffer.concat(batch.map((c) => c.body));
    const bySource = new Map<string, number>();
    for (const c of batch) for (const [k, v] of c.bySource) bySource.set(k, (bySource.get(k) ?? 0) + v);
    const started = Date.now();
    let failed: Error | null = null;
    const lettered = new Map<string, string>();
    this.lettered = lettered;
    try {
      await this.insertWithRetry(body, rows, bySource);
    } catch (err) {
      failed = err as Error;
    }
    this.lettered = null;
    this.inflightRows -= rows;
    this.inflightBytes -= body.length;
    this.stats.lastFlushMs = Date.now() - started;
    for (const c of batch) {
      if (failed) c.done?.reject(failed);
      else c.done?.resolve({ deadLettered: lettered.size > 0 ? letteredIn(c.body, lettered) : [] });
    }
    this.releaseWaiters();
  }

  /** Retries while the store is unreachable; isolates rows it rejects as bad data. */
  private async insertWithRetry(body: Buffer, rows: number, bySource: Map<string, number>): Promise<void> {
    let delay = 100;
    for (;;) {
      try {
        await this.insert(body);
        this.stats.stored += rows;
        this.o.onStored?.(bySource);
        if (this.storeDownSince) {
          this.o.log.info(
            { table: this.o.table, downMs: Date.now() - this.storeDownSince },
            "event store is back",
          );
          this.storeDownSince = 0;
        }
        return;
      } catch (err) {
        this.stats.failedFlushes++;
        if (isDataError(err)) {
          await this.isolate(splitRows(body), err as Error);
          return;
        }
        if (!this.storeDownSince) {
          this.storeDownSince = Date.now();
          this.o.log.error({ table: this.o.table, err }, "event store insert failed; retrying");
        }
        if (this.closed && Date.now() - this.storeDownSince > 10_000) {
          this.deadLetter(splitRows(body), `store unavailable at shutdown: ${(err as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * A refused batch: rows `checkRow` names go to the dead-letter file with its reason and the rest are
   * stored in one insert. Only when the check finds nothing (or the rest is refused too) is it bisected.
   */
  private async isolate(rows: string[], err: Error): Promise<void> {
    const check = this.o.checkRow;
    if (!check) return this.bisect(rows, err);
    const good: string[] = [];
    const bad = new Map<string, string[]>();
    for (const r of rows) {
      const why = check(r);
      if (why === null) good.push(r);
      else bad.set(why, [...(bad.get(why) ?? []), r]);
    }
    if (bad.size === 0) return this.bisect(rows, err);
    for (const [why, list] of bad) this.deadLetter(list, why);
    if (good.length === 0) return;
    try {
      await this.insert(Buffer.from(`${good.join("\n")}\n`));
      this.stats.stored += good.length;
      this.o.onStored?.(this.countRows(good));
    } catch (e) {
      if (isDataError(e)) await this.bisect(good, e as Error);
      else throw e;
    }
  }

  /** Halves a refused batch until the bad rows are alone; they go to the dead-letter file. */
  private async bisect(rows: string[], err: Error): Promise<void> {
    if (rows.length === 1) {
      this.deadLetter(rows, err.message.slice(0, 500));
      return;
    }
    const mid = rows.length >> 1;
    for (const half of [rows.slice(0, mid), rows.slice(mid)]) {
      try {
        await this.insert(Buffer.from(`${half.join("\n")}\n`));
        this.stats.stored += half.length;
        this.o.onStored?.(this.countRows(half));
      } catch (e) {
        if (isDataError(e)) await this.bisect(half, e as Error);
        else throw e;
      }
    }
  }

  private insert(body: Buffer): Promise<void> {
    return this.o.columns
      ? this.o.store.insertCompact(this.o.table, this.o.columns, body)
      : this.o.store.insertJsonEachRow(this.o.table, body);
  }

  private deadLetter(rows: string[], reason: string): void {
    if (this.lettered) for (const r of rows) this.lettered.set(r, reason);
    this.o.deadLetter.write(this.o.table, rows, reason);
    this.o.onDeadLettered?.(rows);
    this.stats.deadLettered += rows.length;
    this.o.log.warn({ table: this.o.table, rows: rows.length, reason }, "rows sent to the dead-letter file");
  }

  private releaseWaiters(): void {
    if (this.readyWaiters.length === 0) return;
    if (!this.drained) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }
}

/** ClickHouse errors caused by the rows themselves (parse/type errors), as opposed to the store being down. */
function isDataError(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  // 6 CANNOT_PARSE_TEXT, 26/27 CANNOT_PARSE_*, 53 TYPE_MISMATCH, 117 INCORRECT_DATA, 41/38 date/number parse, 69 ARGUMENT_OUT_OF_BOUND
  return /Code: (6|26|27|38|41|53|69|72|117|131)\b|CANNOT_PARSE|INCORRECT_DATA|TYPE_MISMATCH/.test(text);
}

/** The rows of one chunk that were dead-lettered, by their index in the chunk. */
function letteredIn(body: Buffer, lettered: ReadonlyMap<string, string>): WriteOutcome["deadLettered"] {
  const out: WriteOutcome["deadLettered"] = [];
  splitRows(body).forEach((row, index) => {
    const reason = lettered.get(row);
    if (reason !== undefined) out.push({ index, reason });
  });
  return out;
}

/** The rows of a serialised batch (JSON rows never hold a raw newline: it is escaped). */
function splitRows(body: Buffer): string[] {
  return body
    .toString("utf8")
    .split("\n")
    .filter((r) => r.length > 0);
}
