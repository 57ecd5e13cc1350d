import { createSocket } from "node:dgram";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createSyslogSender } from "./sender.js";

function tcpSink(port = 0): Promise<{ server: Server; port: number; lines: string[]; conns: Socket[] }> {
  const lines: string[] = [];
  const conns: Socket[] = [];
  const server = createServer((c) => {
    conns.push(c);
    let buf = "";
    c.setEncoding("utf8");
    c.on("data", (d: string) => {
      buf += d;
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      lines.push(...parts);
    });
  });
  return new Promise((r) =>
    server.listen(port, "127.0.0.1", () =>
      r({ server, port: (server.address() as AddressInfo).port, lines, conns }),
    ),
  );
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("createSyslogSender", () => {
  it("sends one datagram per line over UDP", async () => {
    const got: string[] = [];
    const sock = createSocket("udp4");
    sock.on("message", (m) => got.push(m.toString("utf8")));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    const sender = createSyslogSender({ host: "127.0.0.1", port: sock.address().port, transport: "udp" });
    for (let i = 0; i < 50; i++) await sender.send(`<134>line ${i}`);
    await until(() => got.length === 50);
    expect(got[7]).toBe("<134>line 7");
    await sender.close();
    sock.close();
  });

  it("frames TCP lines with LF and waits for drain instead of buffering while the server is slow", async () => {
    const sink = await tcpSink();
    const sender = createSyslogSender({ host: "127.0.0.1", port: sink.port, transport: "tcp" });
    await until(() => sink.conns.length === 1 && sender.connected);
    sink.conns[0]?.pause(); // the server stops reading: the sender's socket fills up
    const big = "x".repeat(1000);
    let waited = 0;
    let sent = 0;
    const writing = (async () => {
      for (; sent < 20_000; sent++) {
        const wait = sender.send(`${sent} ${big}`);
        if (wait) {
          waited++;
          await wait;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    expect(waited).toBeGreaterThan(0);
    expect(sent).toBeLessThan(20_000); // held back by backpressure, not queued in memory
    sink.conns[0]?.resume();
    await writing;
    await until(() => sink.lines.length === 20_000);
    expect(sink.lines.every((l, i) => l === `${i} ${big}`)).toBe(true);
    await sender.close();
    sink.server.close();
  });

  it("holds lines until a TCP server comes up, then delivers them", async () => {
    const probe = await tcpSink();
    const port = probe.port;
    await new Promise((r) => probe.server.close(r)); // a port with nobody listening, for now
    const sender = createSyslogSender({ host: "127.0.0.1", port, transport: "tcp", onError: () => {} });
    const first = sender.send("<134>before the server");
    expect(first).toBeInstanceOf(Promise);
    const sink = await tcpSink(port);
    await first;
    await sender.send("<134>after");
    await until(() => sink.lines.length === 2);
    expect(sink.lines).toEqual(["<134>before the server", "<134>after"]);
    await sender.close();
    sink.server.close();
  });
});
