import type { Socket } from "node:net";
import { toLine } from "../syslog/decode.js";
import type { DebugLogger, ListenerCounters, ReceivedLine } from "../syslog/types.js";
import { encodeFrame, parseOffers, type RelpFrame, RelpFrameError, RelpFrameReader } from "./frame.js";

/**
 * One RELP connection. Syslog frames that arrive in one `data` chunk go to the sink as one batch; their
 * `200 OK` answers are written only once the sink says the batch is stored, and always in the order the
 * frames came. If storing fails the session acknowledges nothing more and closes, so the sender keeps the
 * messages and sends them again (RELP is at-least-once: a resend after a crash may store a line twice).
 */
export interface RelpSink {
  /** Parses the lines and resolves once they are in the event store. */
  storeLines(lines: ReceivedLine[]): Promise<void>;
  /** True while the store lags: the session stops reading until whenReady(). */
  readonly pressured: boolean;
  whenReady(): Promise<void>;
}

export interface RelpSessionOptions {
  socket: Socket;
  peer: string;
  /** RELP runs over TCP or TLS; lines carry that transport (trust and metrics treat them as such). */
  transport: "tcp" | "tls";
  sink: RelpSink;
  maxDataBytes: number;
  /** Stop reading a connection with this many frames not yet acknowledged (a sender ignoring its window). */
  maxUnacked: number;
  software: string;
  counters: ListenerCounters;
  log: DebugLogger;
}

/** Largest DATA of a command other than syslog (an `open` offer list is a few hundred bytes). */
const CONTROL_DATA_BYTES = 64 * 1024;

export class RelpSession {
  private readonly reader: RelpFrameReader;
  private opened = false;
  private ended = false;
  /** Answers go out in this chain, so they leave in frame order whatever order batches are stored in. */
  private tail: Promise<void> = Promise.resolve();
  private unacked = 0;
  private pausedForAcks = false;
  private waitingReady = false;
  private batch: ReceivedLine[] = [];
  private batchTxnrs: number[] = [];
  private now = 0;
  private discarded = 0;

  constructor(private readonly o: RelpSessionOptions) {
    // Room for an `open` offer list even under a tiny message limit; syslog data is cut to the limit below.
    this.reader = new RelpFrameReader(Math.max(o.maxDataBytes, CONTROL_DATA_BYTES));
  }

  /** Frames not yet answered (for tests and the listener's shutdown). */
  get pending(): Promise<void> {
    return this.tail;
  }

  onData(chunk: Buffer): void {
    if (this.ended) return;
    this.o.counters.bytes += chunk.length;
    this.now = Date.now();
    try {
      this.reader.push(chunk, (f) => this.onFrame(f));
    } catch (err) {
      this.flushBatch();
      if (!(err instanceof RelpFrameError)) throw err;
      this.o.counters.errors++;
      this.o.log.debug({ err, peer: this.o.peer }, "RELP frame error: session closed");
      // txnr 0: the frame that broke has no trustworthy number. Already-stored batches are still answered.
      this.finish(encodeFrame(0, "serverclose"));
      return;
    }
    this.flushBatch();
    this.o.counters.discardedBytes += this.reader.discardedBytes - this.discarded;
    this.discarded = this.reader.discardedBytes;
    this.applyBackpressure();
  }

  /** The server is shutting down: answer what is stored, hint `serverclose`, close. */
  serverClose(): Promise<void> {
    this.finish(encodeFrame(0, "serverclose"));
    return this.tail;
  }

  private onFrame(f: RelpFrame): void {
    if (f.command === "syslog" && this.opened) {
      // omrelp sends the message without a trailing LF; drop one if a sender adds it.
      let data = f.data.at(-1) === 0x0a ? f.data.subarray(0, -1) : f.data;
      let truncated = f.truncated;
      if (data.length > this.o.maxDataBytes) {
        this.o.counters.discardedBytes += data.length - this.o.maxDataBytes;
        data = data.subarray(0, this.o.maxDataBytes);
        truncated = true;
      }
      this.batch.push(toLine(data, truncated, this.o.peer, this.o.transport, this.now, this.o.counters));
      this.batchTxnrs.push(f.txnr);
      this.unacked++;
      return;
    }
    this.flushBatch();
    switch (f.command) {
      case "open": {
        const commands = (parseOffers(f.data.toString("utf8")).get("commands") ?? "").split(",");
        if (this.opened || !commands.includes("syslog")) {
          const why = this.opened ? "session already open" : "the client does not offer the syslog command";
          this.finish(encodeFrame(f.txnr, "rsp", `500 ${why}`));
          return;
        }
        this.opened = true;
        const offers = `200 OK\nrelp_version=0\nrelp_software=${this.o.software}\ncommands=syslog`;
        this.reply(encodeFrame(f.txnr, "rsp", offers));
        return;
      }
      case "close":
        this.finish(encodeFrame(f.txnr, "rsp"));
        return;
      case "syslog":
        this.finish(encodeFrame(f.txnr, "rsp", "500 open the session first"));
        return;
      default:
        // An unknown command is refused but the session goes on (the protocol allows extensions).
        this.reply(encodeFrame(f.txnr, "rsp", `500 command ${f.command} is not supported`));
    }
  }

  /** Hands the batch to the sink now; its answers join the chain behind everything before them. */
  private flushBatch(): void {
    if (this.batch.length === 0) return;
    const lines = this.batch;
    const txnrs = this.batchTxnrs;
    this.batch = [];
    this.batchTxnrs = [];
    this.o.counters.received += lines.length;
    const stored = this.o.sink.storeLines(lines);
    stored.catch(() => {}); // handled in the chain below; this only marks it as handled early
    this.tail = this.tail.then(
      () =>
        stored.then(
          () => {
            if (this.o.socket.destroyed) return;
            this.o.socket.write(Buffer.concat(txnrs.map((t) => encodeFrame(t, "rsp", "200 OK"))));
            this.unacked -= txnrs.length;
            this.resumeIfAcked();
          },
          (err: unknown) => {
            // Not stored: say nothing about these frames and close, so the sender resends them.
            this.o.counters.errors++;
            this.o.log.debug(
              { err, peer: this.o.peer },
              "RELP batch not stored: session closed unacknowledged",
            );
            this.ended = true;
            this.o.socket.destroy();
          },
        ),
      () => {},
    );
  }

  private reply(frame: Buffer): void {
    this.tail = this.tail.then(() => {
      if (!this.o.socket.destroyed) this.o.socket.write(frame);
    });
  }

  /** Answers everything queued, writes `last`, ends the connection; reads nothing more. */
  private finish(last: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    this.o.socket.pause();
    this.tail = this.tail.then(() => {
      if (!this.o.socket.destroyed) this.o.socket.end(last);
    });
  }

  private applyBackpressure(): void {
    if (this.ended) return;
    if (this.unacked >= this.o.maxUnacked && !this.pausedForAcks) {
      this.pausedForAcks = true;
      this.o.socket.pause();
    }
    if (this.o.sink.pressured) {
      this.o.socket.pause();
      this.waitForStore();
    }
  }

  private waitForStore(): void {
    if (this.waitingReady) return;
    this.waitingReady = true;
    this.o.sink.whenReady().then(
      () => {
        this.waitingReady = false;
        this.resumeIfAcked();
      },
      () => {},
    );
  }

  private resumeIfAcked(): void {
    if (this.ended || this.o.socket.destroyed) return;
    if (this.pausedForAcks && this.unacked >= this.o.maxUnacked / 2) return;
    if (this.o.sink.pressured) {
      this.waitForStore();
      return;
    }
    this.pausedForAcks = false;
    this.o.socket.resume();
  }
}
