import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { selfSignedCert } from "../syslog/test-tls.js";
import type { ReceivedLine } from "../syslog/types.js";
import { encodeFrame, type RelpFrame, RelpFrameReader } from "./frame.js";
import { type RelpListener, startRelpListener } from "./listener.js";
import type { RelpSink } from "./session.js";
import { markedLine, markerOf, openInput, rsyslogMissing, startRsyslog } from "./test-rsyslog.js";

/** A sink whose batches are "stored" only when the test says so (or at once with `auto`). */
class HeldSink implements RelpSink {
  stored: ReceivedLine[] = [];
  held: Array<{ lines: ReceivedLine[]; resolve: () => void; reject: (e: Error) => void }> = [];
  auto = false;
  pressured = false;
  storeLines(lines: ReceivedLine[]): Promise<void> {
    if (this.auto) {
      this.stored.push(...lines);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.held.push({
        lines,
        resolve: () => {
          this.stored.push(...lines);
          resolve();
        },
        reject,
      });
    });
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  release(): void {
    for (const h of this.held.splice(0)) h.resolve();
  }
}

/** A raw RELP client: writes bytes, collects the frames the server answers. */
async function client(port: number) {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
  const frames: RelpFrame[] = [];
  const reader = new RelpFrameReader(1 << 20);
  let closed = false;
  socket.on("data", (c: Buffer) => reader.push(c, (f) => frames.push(f)));
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => {});
  return {
    frames,
    isClosed: () => closed,
    write: (b: Buffer | string) => socket.write(b),
    destroy: () => socket.destroy(),
    answers: () => frames.map((f) => `${f.txnr} ${f.command} ${f.data.toString()}`),
  };
}

async function waitFor(cond: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const OPEN = encodeFrame(1, "open", "relp_version=0\nrelp_software=test\ncommands=syslog");
let listener: RelpListener | null = null;
afterEach(async () => {
  await listener?.close();
  listener = null;
});

describe("RELP listener", () => {
  it("answers open with its offers, and acknowledges syslog frames only once they are stored", async () => {
    const sink = new HeldSink();
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
    const c = await client(listener.port);
    c.write(Buffer.concat([OPEN, encodeFrame(2, "syslog", "<13>one"), encodeFrame(3, "syslog", "<13>two")]));
    await waitFor(() => c.frames.length >= 1 && sink.held.length >= 1, "the open answer and a held batch");
    expect(c.answers()[0]).toMatch(/^1 rsp 200 OK\nrelp_version=0\nrelp_software=vigil,.*\ncommands=syslog$/);
    // Held, not stored: nothing acknowledged yet, however long we wait for the event loop.
    await new Promise((r) => setTimeout(r, 50));
    expect(c.frames).toHaveLength(1);
    sink.release();
    await waitFor(() => c.frames.length === 3, "two acknowledgements");
    expect(c.answers().slice(1)).toEqual(["2 rsp 200 OK", "3 rsp 200 OK"]);
    expect(sink.stored.map((l) => l.raw)).toEqual(["<13>one", "<13>two"]);
    expect(sink.stored[0]?.transport).toBe("tcp");
    expect(sink.stored[0]?.peer).toBe("127.0.0.1");
    c.write(encodeFrame(4, "close"));
    await waitFor(() => c.isClosed(), "the server to close the session");
    expect(c.answers().at(-1)).toBe("4 rsp ");
  });

  it("answers in frame order even when a later batch is stored first", async () => {
    const sink = new HeldSink();
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
    const c = await client(listener.port);
    c.write(OPEN);
    c.write(encodeFrame(2, "syslog", "<13>a"));
    await waitFor(() => sink.held.length === 1, "the first batch");
    c.write(encodeFrame(3, "syslog", "<13>b"));
    await waitFor(() => sink.held.length === 2, "the second batch");
    sink.held[1]?.resolve();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.frames).toHaveLength(1); // only the open answer: 3 waits for 2
    sink.held[0]?.resolve();
    await waitFor(() => c.frames.length === 3, "both acknowledgements");
    expect(c.frames.map((f) => f.txnr)).toEqual([1, 2, 3]);
  });

  it("closes without acknowledging when a batch cannot be stored, so the sender resends", async () => {
    const sink = new HeldSink();
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
    const c = await client(listener.port);
    c.write(Buffer.concat([OPEN, encodeFrame(2, "syslog", "<13>lost?")]));
    await waitFor(() => sink.held.length === 1, "the batch");
    sink.held[0]?.reject(new Error("the ingest writer is closed"));
    await waitFor(() => c.isClosed(), "the session to close");
    expect(c.answers()).toHaveLength(1);
    expect(listener.counters().errors).toBe(1);
  });

  it.each([
    ["garbage", "hello world\n"],
    ["a frame with a bad length", "2 syslog x\n"],
    ["an oversized transaction number", "12345678901 syslog 1 x\n"],
  ])(
    "ends the session on %s, answering what was stored before it; the listener keeps serving",
    async (_w, bad) => {
      const sink = new HeldSink();
      sink.auto = true;
      listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
      const c = await client(listener.port);
      c.write(Buffer.concat([OPEN, encodeFrame(2, "syslog", "<13>good"), Buffer.from(bad)]));
      await waitFor(() => c.isClosed(), "the session to close");
      expect(c.answers()).toEqual([expect.stringMatching(/^1 rsp 200 OK/), "2 rsp 200 OK", "0 serverclose "]);
      expect(sink.stored.map((l) => l.raw)).toEqual(["<13>good"]);
      const again = await client(listener.port);
      again.write(Buffer.concat([OPEN, encodeFrame(2, "syslog", "<13>next")]));
      await waitFor(() => again.frames.length === 2, "the next session's acknowledgement");
      again.destroy();
    },
  );

  it("refuses syslog before open, and open without the syslog command", async () => {
    const sink = new HeldSink();
    sink.auto = true;
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
    const early = await client(listener.port);
    early.write(encodeFrame(1, "syslog", "<13>too early"));
    await waitFor(() => early.isClosed(), "the early session to close");
    expect(early.answers()).toEqual(["1 rsp 500 open the session first"]);
    const noSyslog = await client(listener.port);
    noSyslog.write(encodeFrame(1, "open", "relp_version=0\ncommands=other"));
    await waitFor(() => noSyslog.isClosed(), "the session to close");
    expect(noSyslog.answers()[0]).toMatch(/^1 rsp 500 /);
    expect(sink.stored).toEqual([]);
  });

  it("cuts a message over the size limit and keeps it, flagged", async () => {
    const sink = new HeldSink();
    sink.auto = true;
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0, maxDataBytes: 8 });
    const c = await client(listener.port);
    c.write(Buffer.concat([OPEN, encodeFrame(2, "syslog", "<13>0123456789")]));
    await waitFor(() => c.frames.length === 2, "the acknowledgement");
    expect(sink.stored.map((l) => [l.raw, l.truncated])).toEqual([["<13>0123", true]]);
    expect(listener.counters().discardedBytes).toBe(6);
    c.destroy();
  });

  it("tells open sessions serverclose when it shuts down", async () => {
    const sink = new HeldSink();
    sink.auto = true;
    listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
    const c = await client(listener.port);
    c.write(OPEN);
    await waitFor(() => c.frames.length === 1, "the open answer");
    const closing = listener.close();
    await waitFor(() => c.isClosed(), "the session to close");
    await closing;
    listener = null;
    expect(c.answers().at(-1)).toBe("0 serverclose ");
  });
});

const missing = rsyslogMissing();
describe.skipIf(missing !== null)(
  `RELP from Debian's rsyslog (omrelp)${missing ? ` — skipped: ${missing}` : ""}`,
  () => {
    it("delivers every line rsyslog is given, each acknowledged after it is stored", async () => {
      const dir = mkdtempSync(join(tmpdir(), "vigil-relp-rsyslog-"));
      const sink = new HeldSink();
      // Stored a little later than received, as the table writer does.
      sink.storeLines = (lines) =>
        new Promise((resolve) =>
          setTimeout(() => {
            sink.stored.push(...lines);
            resolve();
          }, 20),
        );
      listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0 });
      const inputPort = await freePort();
      const rsyslog = await startRsyslog({ dir, relpPort: listener.port, inputPort });
      try {
        const input = await openInput(inputPort);
        const N = 2000;
        for (let i = 0; i < N; i += 100)
          await input.send(Array.from({ length: 100 }, (_, k) => markedLine("unit", i + k)));
        await input.close();
        const seen = () => new Set(sink.stored.map((l) => markerOf(l.raw, "unit")).filter((m) => m !== null));
        await waitFor(
          () => seen().size === N,
          `all ${N} lines (rsyslog output:\n${rsyslog.output()})`,
          60_000,
        );
        expect(seen().size).toBe(N);
        expect(listener.counters().errors).toBe(0);
      } finally {
        await rsyslog.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  },
);

describe.skipIf(missing !== null)(
  `RELP over TLS from rsyslog${missing ? ` — skipped: ${missing}` : ""}`,
  () => {
    it("delivers over TLS when omrelp checks Vigil's certificate and presents its own", async (ctx) => {
      const pem = selfSignedCert();
      if (!pem) return ctx.skip("openssl is not installed");
      const dir = mkdtempSync(join(tmpdir(), "vigil-relp-tls-"));
      try {
        const sink = new HeldSink();
        sink.auto = true;
        const cert = readFileSync(pem.cert, "utf8");
        listener = await startRelpListener({ sink, host: "127.0.0.1", port: 0, tls: { cert, key: pem.key } });
        expect(listener.counters().name).toBe("relp-tls");
        // librelp's certificate modes need a client certificate too; the throw-away one serves for both.
        const keyFile = join(dir, "client-key.pem");
        writeFileSync(keyFile, pem.key);
        const inputPort = await freePort();
        const rsyslog = await startRsyslog({
          dir,
          relpPort: listener.port,
          inputPort,
          omrelpExtra: `tls="on" tls.authMode="certvalid" tls.caCert="${pem.cert}" tls.myCert="${pem.cert}" tls.myPrivKey="${keyFile}"`,
        });
        try {
          const input = await openInput(inputPort);
          await input.send(Array.from({ length: 50 }, (_, k) => markedLine("tls", k)));
          await input.close();
          const seen = () =>
            new Set(sink.stored.map((l) => markerOf(l.raw, "tls")).filter((m) => m !== null));
          await waitFor(() => seen().size === 50, "50 lines over TLS", 60_000);
          expect(sink.stored[0]?.transport).toBe("tls");
        } finally {
          await rsyslog.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(pem.dir, { recursive: true, force: true });
      }
    }, 90_000);
  },
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
    s.on("error", reject);
  });
}
