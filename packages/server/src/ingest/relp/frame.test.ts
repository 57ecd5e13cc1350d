import { describe, expect, it } from "vitest";
import { encodeFrame, parseOffers, type RelpFrame, RelpFrameError, RelpFrameReader } from "./frame.js";

function readAll(input: Buffer | string, max = 1024, step = 0): RelpFrame[] {
  const buf = typeof input === "string" ? Buffer.from(input) : input;
  const r = new RelpFrameReader(max);
  const out: RelpFrame[] = [];
  if (step <= 0) r.push(buf, (f) => out.push(f));
  else for (let i = 0; i < buf.length; i += step) r.push(buf.subarray(i, i + step), (f) => out.push(f));
  return out;
}

const show = (fs: RelpFrame[]) => fs.map((f) => [f.txnr, f.command, f.data.toString(), f.truncated]);

describe("RELP frame reader", () => {
  it("reads the frames omrelp sends: open with offers, syslog, close", () => {
    const open = "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog";
    const wire = Buffer.concat([
      encodeFrame(1, "open", open),
      encodeFrame(2, "syslog", "<13>Jan  1 00:00:00 host app: hello"),
      Buffer.from("3 close 0\n"),
    ]);
    expect(show(readAll(wire))).toEqual([
      [1, "open", open, false],
      [2, "syslog", "<13>Jan  1 00:00:00 host app: hello", false],
      [3, "close", "", false],
    ]);
  });

  it("gives the same frames whatever the chunking, down to one byte at a time", () => {
    const wire = Buffer.concat([
      encodeFrame(7, "syslog", "a line with spaces and a newline\ninside"),
      encodeFrame(8, "syslog", "ünïcødé ✓"),
      Buffer.from("9 close 0 \n"),
    ]);
    const whole = show(readAll(wire));
    for (const step of [1, 2, 3, 5, 11]) expect(show(readAll(wire, 1024, step))).toEqual(whole);
    expect(whole).toHaveLength(3);
  });

  it("counts DATA bytes, not characters, and keeps an LF inside DATA", () => {
    const [f] = readAll(encodeFrame(1, "syslog", "é\n"));
    expect(f?.data.toString()).toBe("é\n");
  });

  it("cuts DATA over the limit, skips the rest, and stays in step with the next frame", () => {
    const r = new RelpFrameReader(4);
    const out: RelpFrame[] = [];
    r.push(Buffer.concat([encodeFrame(1, "syslog", "0123456789"), encodeFrame(2, "syslog", "ok")]), (f) =>
      out.push(f),
    );
    expect(show(out)).toEqual([
      [1, "syslog", "0123", true],
      [2, "syslog", "ok", false],
    ]);
    expect(r.discardedBytes).toBe(6);
  });

  it.each([
    ["no transaction number", " syslog 1 x\n"],
    ["letters in the transaction number", "1a syslog 1 x\n"],
    ["a ten-digit transaction number", "1234567890 syslog 1 x\n"],
    ["a digit in the command", "1 sys1og 1 x\n"],
    ["a command over 32 letters", `1 ${"a".repeat(33)} 0\n`],
    ["no data length", "1 syslog \n"],
    ["a ten-digit data length", "1 syslog 1234567890 x\n"],
    ["data longer than announced", "1 syslog 1 xy\n"],
    ["data length 0 with data", "1 syslog 0 x\n"],
    ["an empty line", "\n"],
    ["HTTP", "GET / HTTP/1.1\r\n"],
  ])("refuses %s", (_why, wire) => {
    expect(() => readAll(wire)).toThrow(RelpFrameError);
  });

  it("keeps refusing after an error (the session is over)", () => {
    const r = new RelpFrameReader(16);
    expect(() => r.push(Buffer.from("x"), () => {})).toThrow(RelpFrameError);
    expect(() => r.push(Buffer.from("1 close 0\n"), () => {})).toThrow(RelpFrameError);
  });

  it("never throws anything but RelpFrameError and never holds more than the limit (random input)", () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = Buffer.from("0123456789 syslogopenclose\n\x00\xff");
    for (let round = 0; round < 2000; round++) {
      const len = Math.floor(rand() * 80);
      const bytes = Buffer.alloc(len);
      for (let i = 0; i < len; i++) bytes[i] = alphabet[Math.floor(rand() * alphabet.length)] as number;
      const r = new RelpFrameReader(8);
      try {
        r.push(bytes, (f) => {
          expect(f.data.length).toBeLessThanOrEqual(8);
          expect(f.command).toMatch(/^[a-zA-Z]{1,32}$/);
        });
      } catch (err) {
        expect(err).toBeInstanceOf(RelpFrameError);
      }
    }
  });
});

describe("RELP encoding and offers", () => {
  it("writes a frame with and without data", () => {
    expect(encodeFrame(5, "rsp", "200 OK").toString()).toBe("5 rsp 6 200 OK\n");
    expect(encodeFrame(0, "serverclose").toString()).toBe("0 serverclose 0\n");
    expect(encodeFrame(1, "rsp", "é").toString()).toBe("1 rsp 2 é\n");
  });

  it("reads offers as name=value lines", () => {
    const offers = parseOffers("relp_version=0\nrelp_software=librelp,1.11\ncommands=syslog\nflag");
    expect(offers.get("commands")).toBe("syslog");
    expect(offers.get("relp_software")).toBe("librelp,1.11");
    expect(offers.get("flag")).toBe("");
  });
});
