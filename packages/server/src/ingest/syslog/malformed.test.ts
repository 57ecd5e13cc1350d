import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyslogListeners, type SyslogListeners } from "./listener.js";
import { connect, end, sendUdp, type Transport, write } from "./test-clients.js";
import { CollectingSink } from "./test-sink.js";
import { selfSignedCert } from "./test-tls.js";

const cert = selfSignedCert();
if (!cert) console.warn("[syslog] `openssl` is absent: the TLS malformed-input case is SKIPPED");

const MiB = 1024 * 1024;

/** Deterministic "random" bytes (xorshift32), so a failure can be replayed. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const INVALID_UTF8 = Buffer.concat([
  Buffer.from("<13>bad bytes "),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]),
]);

describe("malformed input never stops a listener", () => {
  const sink = new CollectingSink();
  let listeners: SyslogListeners;
  const counters = (t: string) => listeners.counters().find((c) => c.transport === t);

  beforeAll(async () => {
    listeners = await createSyslogListeners({
      sink,
      host: "127.0.0.1",
      port: 0,
      // Raised from the 64 KiB default so a whole 1 MB line passes and a 10 MB one is cut at 4 MiB.
      maxFrameBytes: 4 * MiB,
      ...(cert ? { tls: { port: 0, cert: cert.cert, key: cert.key } } : {}),
    });
  });
  afterAll(async () => {
    await listeners.close();
    if (cert) rmSync(cert.dir, { recursive: true, force: true });
  });

  const streams: Transport[] = cert ? ["tcp", "tls"] : ["tcp"];
  for (const transport of streams) {
    it(`${transport}: random bytes, bad UTF-8, bogus counts, 1 MB and 10 MB lines, then good lines`, async () => {
      const port = listeners.ports[transport] as number;
      const before = sink.lines.length;
      const s = await connect(transport, port);
      await write(s, noise(8192, 0x9e3779b9));
      await write(s, "\n");
      await write(s, Buffer.concat([INVALID_UTF8, Buffer.from("\n")]));
      await write(s, "99999999999 <13>eleven-digit count\n12x4 <13>letters in the count\n");
      const oneMb = `<13>${"m".repeat(MiB)}`;
      await write(s, `${oneMb}\n`);
      const tenMb = Buffer.alloc(10 * MiB, 0x7a); // "zzz..." with no newline
      await write(s, tenMb);
      await write(s, "\n<13>good after garbage, same connection\n");
      await end(s);

      const s2 = await connect(transport, port);
      await write(s2, "<13>good on a new connection\n");
      // A frame announced longer than what arrives before the sender hangs up.
      await write(s2, "500 <13>cut short");
      await end(s2);

      await sink.until("the good lines", () => sink.raws().includes("<13>good on a new connection"));
      await sink.until("the cut-short frame", () => sink.raws().includes("<13>cut short"));
      const got = sink.lines.slice(before);
      const raws = got.map((l) => l.raw);
      expect(raws).toContain("<13>good after garbage, same connection");
      expect(raws).toContain("99999999999 <13>eleven-digit count");
      expect(raws).toContain("12x4 <13>letters in the count");

      const bad = got.find((l) => l.raw.startsWith("<13>bad bytes"));
      expect(bad?.invalidUtf8).toBe(true);
      expect(bad?.raw).toContain("\uFFFD");

      const big = got.find((l) => l.raw.startsWith("<13>mmm"));
      expect(big?.raw.length).toBe(oneMb.length);
      expect(big?.truncated).toBe(false);

      const cut = got.find((l) => l.raw.startsWith("zzz"));
      expect(cut?.truncated).toBe(true);
      expect(cut?.raw.length).toBe(4 * MiB);

      expect(got.find((l) => l.raw === "<13>cut short")?.truncated).toBe(true);
      // The random bytes were kept as lines too, flagged when they were not UTF-8.
      expect(got.filter((l) => l.invalidUtf8).length).toBeGreaterThan(1);

      const c = counters(transport);
      expect(c?.truncated).toBe(2);
      expect(c?.discardedBytes).toBe(6 * MiB);
      expect(c?.invalidUtf8).toBeGreaterThan(1);
      expect(c?.connections).toBe(0);
    });
  }

  it("udp: random datagrams, bad UTF-8, a 60 KB datagram, then a good one", async () => {
    const port = listeners.ports.udp as number;
    const before = sink.lines.length;
    const big = `<13>${"u".repeat(60_000)}`;
    await sendUdp(port, [
      noise(1024, 7),
      noise(3, 11),
      Buffer.alloc(0),
      INVALID_UTF8,
      big,
      "12x4 <13>bogus count",
    ]);
    await sendUdp(port, ["<13>good udp after garbage"]);
    await sink.until("the good UDP line", () => sink.raws().includes("<13>good udp after garbage"));
    const got = sink.lines.slice(before);
    expect(got.find((l) => l.raw.startsWith("<13>bad bytes"))?.invalidUtf8).toBe(true);
    expect(got.find((l) => l.raw.startsWith("<13>uuu"))?.raw.length).toBe(big.length);
    expect(got.map((l) => l.raw)).toContain("12x4 <13>bogus count");
    expect(counters("udp")?.errors).toBe(0);
  });
});
