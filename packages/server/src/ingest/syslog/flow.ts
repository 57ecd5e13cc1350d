import type { Socket } from "node:net";
import type { DebugLogger, LineSink, ListenerCounters, ReceivedLine } from "./types.js";

/**
 * Backpressure across every TCP and TLS connection: when the sink says "stop", all sockets pause (the
 * kernel buffers fill and senders' writes stop completing), and all resume when the sink is ready again.
 * Pausing everyone, not just the socket that tipped it over, is what keeps the sink's memory bounded.
 */
export class FlowControl {
  private readonly sockets = new Set<Socket>();
  private paused = false;

  constructor(
    private readonly sink: LineSink,
    private readonly log: DebugLogger,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  add(socket: Socket): void {
    this.sockets.add(socket);
    if (this.paused) socket.pause();
  }

  remove(socket: Socket): void {
    this.sockets.delete(socket);
  }

  /** Hands lines to the sink; a sink that throws costs those lines (counted as errors), never the process. */
  push(lines: ReceivedLine[], counters: ListenerCounters): void {
    let ready: boolean;
    try {
      ready = this.sink.push(lines);
    } catch (err) {
      counters.errors++;
      this.log.debug({ err, lines: lines.length }, "syslog sink threw; lines lost");
      return;
    }
    if (ready || this.paused) return;
    this.paused = true;
    for (const s of this.sockets) s.pause();
    this.sink.whenReady().then(
      () => this.resume(),
      (err: unknown) => {
        // A sink that fails to become ready must not leave every sender stalled forever.
        this.log.debug({ err }, "syslog sink whenReady rejected; resuming");
        this.resume();
      },
    );
  }

  private resume(): void {
    this.paused = false;
    for (const s of this.sockets) if (!s.destroyed) s.resume();
  }
}
