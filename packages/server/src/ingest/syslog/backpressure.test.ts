import { describe, expect, it } from "vitest";
import { createSyslogListeners } from "./listener.js";
import { connect, end, write } from "./test-clients.js";
import { CollectingSink } from "./test-sink.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("backpressure from the sink reaches TCP senders", () => {
  it("pauses every connection while the sink is full and resumes when it is ready", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({ sink, host: "127.0.0.1", port: 0, udp: false });
    const port = l.ports.tcp as number;
    const bytesRead = () => l.counters()[0]?.bytes ?? 0;
    try {
      const other = await connect("tcp", port);
      const s = await connect("tcp", port);
      sink.full = true;

      // 64 MB in 1 KB lines: far more than the kernel's socket buffers on loopback can hold.
      const line = `<13>${"p".repeat(1019)}\n`;
      const block = Buffer.from(line.repeat(1024)); // 1 MiB
      const blocks = 64;
      let written = 0;
      let writesDone = 0;
      for (let i = 0; i < blocks; i++) {
        s.write(block, () => {
          writesDone++;
        });
        written += block.length;
      }
      await sink.until("the first push", () => sink.batches.length > 0);
      await sleep(300);
      const readWhilePaused = bytesRead();
      await sleep(300);
      // The server stopped reading: nothing more arrives, and the sender's writes stop completing.
      expect(bytesRead()).toBe(readWhilePaused);
      expect(readWhilePaused).toBeLessThan(written / 2);
      expect(writesDone).toBeLessThan(blocks);
      expect(s.writableLength).toBeGreaterThan(0);

      // The other connection is paused too: its line waits in the kernel until the sink is ready.
      await new Promise<void>((r) => other.write("<13>from the other connection\n", () => r()));
      await sleep(100);
      expect(sink.raws()).not.toContain("<13>from the other connection");

      sink.release();
      await sink.until("every line", () => sink.lines.length === blocks * 1024 + 1, 30_000);
      expect(writesDone).toBe(blocks);
      expect(bytesRead()).toBe(written + "<13>from the other connection\n".length);
      expect(sink.lines.every((x) => !x.truncated && !x.invalidUtf8)).toBe(true);
      await Promise.all([end(s), end(other)]);
    } finally {
      await l.close();
    }
  });

  it("does not close a connection as idle while the sink holds it paused", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({
      sink,
      host: "127.0.0.1",
      port: 0,
      udp: false,
      // The paused wait below is three idle periods long.
      idleTimeoutMs: 1_000,
    });
    try {
      const s = await connect("tcp", l.ports.tcp as number);
      let closed = false;
      s.on("close", () => {
        closed = true;
      });
      sink.full = true;
      await write(s, "<13>one\n");
      await sink.until("the first line", () => sink.lines.length === 1);
      // The next line waits in the kernel while paused, so the release has data to read at once: no
      // idle gap between release and write for a slow machine to turn into a close.
      await write(s, "<13>two\n");
      await sleep(3_000);
      expect(closed).toBe(false);
      sink.release();
      await sink.until("the second line", () => sink.lines.length === 2);
      // Once flowing again, real idleness still closes it.
      await sink.until("the idle close", () => closed, 5_000);
    } finally {
      await l.close();
    }
  });

  it("a connection opened while paused starts paused", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({ sink, host: "127.0.0.1", port: 0, udp: false });
    try {
      const first = await connect("tcp", l.ports.tcp as number);
      sink.full = true;
      await write(first, "<13>tips it over\n");
      await sink.until("the first line", () => sink.lines.length === 1);
      const late = await connect("tcp", l.ports.tcp as number);
      await write(late, "<13>late\n");
      await sleep(200);
      expect(sink.raws()).toEqual(["<13>tips it over"]);
      sink.release();
      await sink.until("the late line", () => sink.lines.length === 2);
      expect(sink.raws()).toEqual(["<13>tips it over", "<13>late"]);
      await Promise.all([end(first), end(late)]);
    } finally {
      await l.close();
    }
  });
});
