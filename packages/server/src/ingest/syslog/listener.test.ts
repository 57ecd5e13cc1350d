import { rmSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSyslogHeader } from "./header.js";
import { createSyslogListeners, type SyslogListeners } from "./listener.js";
import { connect, end, hasCommand, runLogger, sendUdp, write } from "./test-clients.js";
import { CollectingSink } from "./test-sink.js";
import { selfSignedCert } from "./test-tls.js";

const cert = selfSignedCert();
const hasLogger = hasCommand("logger");
if (!hasLogger) console.warn("[syslog] util-linux `logger` is absent: the logger cases are SKIPPED");
if (!cert) console.warn("[syslog] `openssl` is absent: the TLS cases are SKIPPED");

const ctx = { receivedAt: Date.now(), timezone: "UTC" };

describe("syslog listeners over real sockets", () => {
  const sink = new CollectingSink();
  let listeners: SyslogListeners;
  const port = (t: "udp" | "tcp" | "tls") => listeners.ports[t] as number;
  const counter = (t: string) => listeners.counters().find((c) => c.transport === t);

  beforeAll(async () => {
    listeners = await createSyslogListeners({
      sink,
      host: "127.0.0.1",
      port: 0,
      ...(cert ? { tls: { port: 0, cert: cert.cert, key: cert.key } } : {}),
    });
  });
  afterAll(async () => {
    await listeners.close();
    if (cert) rmSync(cert.dir, { recursive: true, force: true });
  });

  it("binds UDP and TCP on the same port number and reports the bound ports", () => {
    expect(port("tcp")).toBeGreaterThan(0);
    expect(port("udp")).toBe(port("tcp"));
    if (cert) expect(port("tls")).toBeGreaterThan(0);
    expect(listeners.counters().map((c) => c.name)).toEqual(
      cert ? ["syslog-tcp", "syslog-udp", "syslog-tls"] : ["syslog-tcp", "syslog-udp"],
    );
  });

  it("UDP: one message per datagram, or several LF-separated ones, with the sender's IP", async () => {
    const before = sink.lines.length;
    await sendUdp(port("udp"), ["<13>1 - h app - - - udp one", "<13>udp two\n<13>udp three\r\n"]);
    await sink.until("3 UDP lines", () => sink.lines.length >= before + 3);
    const got = sink.lines.slice(before);
    expect(got.map((l) => l.raw).sort()).toEqual([
      "<13>1 - h app - - - udp one",
      "<13>udp three",
      "<13>udp two",
    ]);
    expect(got.every((l) => l.peer === "127.0.0.1" && l.transport === "udp" && !l.invalidUtf8)).toBe(true);
  });

  it("TCP: octet-counted and LF frames mixed on one connection, written in awkward pieces", async () => {
    const before = sink.lines.length;
    const msgs = ["<13>1 - h a - - - one", "<13>two\nstill two?", "<13>Mar  1 12:00:00 h t: three"];
    const stream = `${Buffer.byteLength(msgs[0] ?? "")} ${msgs[0]}${msgs[2]}\n${Buffer.byteLength(msgs[1] ?? "")} ${msgs[1]}`;
    const s = await connect("tcp", port("tcp"));
    const buf = Buffer.from(stream);
    for (let i = 0; i < buf.length; i += 7) {
      await write(s, buf.subarray(i, i + 7));
      await new Promise((r) => setTimeout(r, 1)); // separate data events on the server
    }
    await end(s);
    await sink.until("3 TCP lines", () => sink.lines.length >= before + 3);
    expect(sink.raws().slice(before)).toEqual([msgs[0], msgs[2], msgs[1]]);
    expect(sink.lines.slice(before).every((l) => l.transport === "tcp" && l.peer === "127.0.0.1")).toBe(true);
  });

  it("TCP: the frames of one data chunk arrive as one batch", async () => {
    const batchesBefore = sink.batches.length;
    const s = await connect("tcp", port("tcp"));
    await write(s, "<13>b1\n<13>b2\n<13>b3\n<13>b4\n");
    await end(s);
    await sink.until("the batch", () => sink.batches.length > batchesBefore);
    expect(sink.batches[batchesBefore]).toBe(4);
  });

  it.skipIf(!cert)("TLS (RFC 5425): octet-counted frames over a self-signed certificate", async () => {
    const before = sink.lines.length;
    const s = await connect("tls", port("tls"));
    const msg = '<165>1 2024-03-01T12:00:00Z fw app - - [x@1 a="b"] over tls';
    await write(s, `${Buffer.byteLength(msg)} ${msg}<13>second over tls\n`);
    await end(s);
    await sink.until("2 TLS lines", () => sink.lines.length >= before + 2);
    expect(sink.raws().slice(before)).toEqual([msg, "<13>second over tls"]);
    expect(sink.lines[before]?.transport).toBe("tls");
    expect(parseSyslogHeader(msg, ctx).meta.structuredData).toEqual({ "x@1": { a: "b" } });
  });

  it.skipIf(!cert)(
    "TLS: a failed handshake (plain text to the TLS port) is counted and the port keeps serving",
    async () => {
      const errorsBefore = counter("tls")?.errors ?? 0;
      const plain = net.connect({ host: "127.0.0.1", port: port("tls") });
      plain.on("error", () => {});
      plain.write("<13>this is not a TLS ClientHello\n");
      await new Promise<void>((resolve) => plain.on("close", () => resolve()));
      await sink.until("the TLS error count", () => (counter("tls")?.errors ?? 0) > errorsBefore);
      const before = sink.lines.length;
      const s = await connect("tls", port("tls"));
      await write(s, "<13>after handshake garbage\n");
      await end(s);
      await sink.until("the good TLS line", () => sink.lines.length > before);
      expect(sink.lines.at(-1)?.raw).toBe("<13>after handshake garbage");
    },
  );

  it("TCP end to end: prints lines per second over loopback (no assertion beyond delivery)", async () => {
    const before = sink.lines.length;
    const n = 200_000;
    const line =
      '<134>1 2024-03-01T12:00:00.000Z fw01 sophos - - - device_name="SFW" log_id=010101600001 n=1\n';
    const payload = Buffer.from(line.repeat(n));
    const start = performance.now();
    const s = await connect("tcp", port("tcp"));
    await write(s, payload);
    await end(s);
    await sink.until("all lines", () => sink.lines.length >= before + n, 30_000);
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `[syslog] TCP: ${n} lines (${(payload.length / 1e6).toFixed(0)} MB) in ${seconds.toFixed(2)} s: ` +
        `${Math.round(n / seconds).toLocaleString("en")} lines/s`,
    );
    sink.lines.splice(before); // keep memory flat for the other cases
  });

  describe.skipIf(!hasLogger)("with util-linux logger", () => {
    const cases = [
      { name: "UDP RFC 5424", args: ["--udp", "--rfc5424"], transport: "udp" },
      { name: "UDP RFC 3164", args: ["--udp", "--rfc3164"], transport: "udp" },
      { name: "TCP RFC 5424 LF-framed", args: ["--tcp", "--rfc5424"], transport: "tcp" },
      { name: "TCP RFC 3164", args: ["--tcp", "--rfc3164"], transport: "tcp" },
      { name: "TCP RFC 5424 octet-counted", args: ["--tcp", "--rfc5424", "--octet-count"], transport: "tcp" },
    ] as const;
    for (const c of cases) {
      it(c.name, async () => {
        const text = `vigil logger test ${c.name} é`;
        await runLogger([
          "-n",
          "127.0.0.1",
          "-P",
          String(port(c.transport)),
          ...c.args,
          "-t",
          "vigiltest",
          text,
        ]);
        await sink.until(c.name, () => sink.lines.some((l) => l.raw.endsWith(text)));
        const line = sink.lines.find((l) => l.raw.endsWith(text));
        expect(line?.transport).toBe(c.transport);
        expect(line?.invalidUtf8).toBe(false);
        const { meta, message } = parseSyslogHeader(line?.raw ?? "", ctx);
        expect(message).toBe(text);
        expect(meta.appName).toBe("vigiltest");
        expect(meta.facility).toBe(1); // logger's default user.notice
        expect(meta.severity).toBe(5);
        expect(Math.abs((meta.timestamp ?? 0) - Date.now())).toBeLessThan(5 * 60_000);
      });
    }
  });
});

describe("syslog listener options", () => {
  it("cuts a UDP message longer than maxFrameBytes and flags it truncated, like TCP", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({
      sink,
      host: "127.0.0.1",
      port: 0,
      tcp: false,
      maxFrameBytes: 1024,
    });
    try {
      await sendUdp(l.ports.udp as number, [`<13>${"é".repeat(1500)}`]);
      await sink.until("the cut line", () => sink.lines.length === 1);
      const [line] = sink.lines;
      expect(line?.truncated).toBe(true);
      expect(line?.invalidUtf8).toBe(false);
      expect(Buffer.byteLength(line?.raw ?? "")).toBeLessThanOrEqual(1024);
      expect(l.counters()[0]?.truncated).toBe(1);
    } finally {
      await l.close();
    }
  });

  it("refuses senders that are not allowed, counting them, on UDP and TCP", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({ sink, host: "127.0.0.1", port: 0, allowedSenders: () => false });
    try {
      await sendUdp(l.ports.udp as number, ["<13>a\n<13>b"]);
      const s = net.connect({ host: "127.0.0.1", port: l.ports.tcp as number });
      s.on("error", () => {});
      s.write("<13>c\n");
      await new Promise<void>((resolve) => s.on("close", () => resolve()));
      await sink.until("rejections", () => l.counters().every((c) => c.rejected > 0));
      const byName = Object.fromEntries(l.counters().map((c) => [c.transport, c]));
      expect(byName.udp?.rejected).toBe(2);
      expect(byName.tcp?.rejected).toBe(1);
      expect(sink.lines).toEqual([]);
    } finally {
      await l.close();
    }
  });

  it("enforces the connection limit and the idle timeout", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({
      sink,
      host: "127.0.0.1",
      port: 0,
      udp: false,
      maxConnections: 2,
      idleTimeoutMs: 300,
    });
    const tcp = l.ports.tcp as number;
    const tcpCounters = () => l.counters()[0];
    try {
      const a = await connect("tcp", tcp);
      const b = await connect("tcp", tcp);
      await sink.until("2 connections", () => tcpCounters()?.connections === 2);
      const c = net.connect({ host: "127.0.0.1", port: tcp });
      c.on("error", () => {});
      await new Promise<void>((resolve) => c.on("close", () => resolve()));
      expect(tcpCounters()?.errors).toBe(1);
      // Idle: both get closed by the server without sending anything.
      const closed = Promise.all([a, b].map((s) => new Promise<void>((r) => s.on("close", () => r()))));
      await closed;
      await sink.until("0 connections", () => tcpCounters()?.connections === 0);
    } finally {
      await l.close();
    }
  });

  it("close() delivers a last unterminated line, stops accepting and resolves", async () => {
    const sink = new CollectingSink();
    const l = await createSyslogListeners({ sink, host: "127.0.0.1", port: 0, udp: false });
    const s = await connect("tcp", l.ports.tcp as number);
    s.on("error", () => {});
    await write(s, "<13>no newline yet");
    await sink.until("the server to read it", () => (l.counters()[0]?.bytes ?? 0) > 0);
    expect(l.counters()[0]?.up).toBe(true);
    await l.close();
    expect(l.counters()[0]?.up).toBe(false); // what the system alert "listener down" reads
    expect(sink.raws()).toEqual(["<13>no newline yet"]);
    await expect(connect("tcp", l.ports.tcp as number)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("fails clearly on an unusable TLS certificate, leaving nothing bound", async () => {
    const sink = new CollectingSink();
    const bad = {
      port: 0,
      cert: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
      key: "/nonexistent/key.pem",
    };
    await expect(createSyslogListeners({ sink, host: "127.0.0.1", port: 0, tls: bad })).rejects.toThrow(
      /syslog TLS: cannot use the configured certificate and key/,
    );
  });

  it("survives an allow-list and a sink that throw, counting them", async () => {
    const sink = new CollectingSink();
    let allowThrows = true;
    let sinkThrows = false;
    const throwing = {
      push: (lines: Parameters<CollectingSink["push"]>[0]) => {
        if (sinkThrows) throw new Error("sink bug");
        return sink.push(lines);
      },
      whenReady: () => sink.whenReady(),
    };
    const l = await createSyslogListeners({
      sink: throwing,
      host: "127.0.0.1",
      port: 0,
      allowedSenders: () => {
        if (allowThrows) throw new Error("allow-list bug");
        return true;
      },
    });
    const tcp = () => l.counters().find((c) => c.transport === "tcp");
    try {
      const refused = net.connect({ host: "127.0.0.1", port: l.ports.tcp as number });
      refused.on("error", () => {});
      await new Promise<void>((resolve) => refused.on("close", () => resolve()));
      expect(tcp()?.rejected).toBe(1);
      await sendUdp(l.ports.udp as number, ["<13>refused"]);
      await sink.until(
        "the UDP refusal",
        () => l.counters().find((c) => c.transport === "udp")?.rejected === 1,
      );

      allowThrows = false;
      sinkThrows = true;
      const s = await connect("tcp", l.ports.tcp as number);
      await write(s, "<13>lost to a sink bug\n");
      await sink.until("the sink error", () => tcp()?.errors === 1);
      sinkThrows = false;
      await write(s, "<13>still serving\n");
      await end(s);
      await sink.until("the line", () => sink.lines.length === 1);
      expect(sink.raws()).toEqual(["<13>still serving"]);
    } finally {
      await l.close();
    }
  });

  it("fails clearly when the port is taken, leaving nothing bound", async () => {
    const sink = new CollectingSink();
    const first = await createSyslogListeners({ sink, host: "127.0.0.1", port: 0, udp: false });
    try {
      await expect(
        createSyslogListeners({ sink, host: "127.0.0.1", port: first.ports.tcp as number }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
