import { describe, expect, it } from "vitest";
import { FrameSplitter, splitDatagram } from "./framing.js";

interface Out {
  text: string;
  truncated: boolean;
}

function feed(
  chunks: Buffer[],
  options: { maxFrameBytes?: number } = {},
): { frames: Out[]; discarded: number } {
  const splitter = new FrameSplitter(options);
  const frames: Out[] = [];
  const onFrame = (frame: Buffer, truncated: boolean) =>
    frames.push({ text: frame.toString("utf8"), truncated });
  for (const c of chunks) splitter.push(c, onFrame);
  splitter.end(onFrame);
  return { frames, discarded: splitter.discardedBytes };
}

function octet(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}

const texts = (frames: Out[]) => frames.map((f) => f.text);

describe("FrameSplitter: non-transparent framing", () => {
  it("splits on LF, CRLF and NUL and skips empty lines", () => {
    const { frames } = feed([Buffer.from("<13>a\n<13>b\r\n\n<13>c\0<13>d\r\n\0<13>last without newline")]);
    expect(texts(frames)).toEqual(["<13>a", "<13>b", "<13>c", "<13>d", "<13>last without newline"]);
    expect(frames.every((f) => !f.truncated)).toBe(true);
  });

  it("reads plain lines that start with digits as lines, not as octet counts", () => {
    const { frames } = feed([Buffer.from("404 not found\n2024-01-01T00:00:00Z host x\n12x45 y\n")]);
    expect(texts(frames)).toEqual(["404 not found", "2024-01-01T00:00:00Z host x", "12x45 y"]);
  });
});

describe("FrameSplitter: octet counting", () => {
  it("reads counted frames, including multi-line messages and UTF-8", () => {
    const multi = "<13>1 - h app - - - first\nsecond line";
    const utf = "<13>1 - h app - - - é ✓ 😀";
    const { frames } = feed([Buffer.from(octet(multi) + octet(utf))]);
    expect(texts(frames)).toEqual([multi, utf]);
  });

  it("mixes octet-counted and LF frames on one stream, split at every byte boundary", () => {
    const parts = [
      octet("<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - 'su root' failed"),
      "<13>Mar  1 12:00:00 host sshd[1]: LF framed\n",
      octet('<165>1 - - - - - [ex@32473 iut="3"] with\nnewline'),
      '<30>device="SFW" date=2020-05-18 log_id=1\r\n',
      "\0",
      octet("<13>1 - h a - - - é"),
      "<13>trailing\n",
    ];
    const stream = Buffer.from(parts.join(""));
    const whole = feed([stream]).frames;
    expect(texts(whole)).toEqual([
      "<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - 'su root' failed",
      "<13>Mar  1 12:00:00 host sshd[1]: LF framed",
      '<165>1 - - - - - [ex@32473 iut="3"] with\nnewline',
      '<30>device="SFW" date=2020-05-18 log_id=1',
      "<13>1 - h a - - - é",
      "<13>trailing",
    ]);
    for (let i = 1; i < stream.length; i++) {
      const split = feed([stream.subarray(0, i), stream.subarray(i)]).frames;
      expect(split, `split at byte ${i}`).toEqual(whole);
    }
    // And one byte at a time.
    const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
    expect(feed(bytes).frames).toEqual(whole);
  });

  it("falls back to LF framing when the length prefix is garbage, and keeps going", () => {
    const { frames } = feed(
      [
        Buffer.from(
          "99999999999 <13>too many digits\n" +
            "0 <13>zero\n" +
            "5000 <13>longer than the limit\n" +
            "12 no-pri-after-count\n" +
            `${octet("<13>good")}`,
        ),
      ],
      { maxFrameBytes: 1000 },
    );
    expect(texts(frames)).toEqual([
      "99999999999 <13>too many digits",
      "0 <13>zero",
      "5000 <13>longer than the limit",
      "12 no-pri-after-count",
      "<13>good",
    ]);
  });

  it("delivers an octet frame cut short by the end of the stream, flagged truncated", () => {
    const { frames } = feed([Buffer.from("100 <13>only part of it")]);
    expect(frames).toEqual([{ text: "<13>only part of it", truncated: true }]);
  });
});

describe("FrameSplitter: size limit", () => {
  it("passes a 1 MB line whole under a 4 MiB limit", () => {
    const line = `<13>${"x".repeat(1_000_000)}`;
    const chunks: Buffer[] = [];
    const buf = Buffer.from(`${line}\n<13>next\n`);
    for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
    const { frames } = feed(chunks, { maxFrameBytes: 4 * 1024 * 1024 });
    expect(frames.map((f) => f.text.length)).toEqual([line.length, 8]);
    expect(frames[0]?.text).toBe(line);
    expect(frames[0]?.truncated).toBe(false);
  });

  it("cuts a 100 MB run without newline at the limit, discards the rest, and reads the next line", () => {
    const splitter = new FrameSplitter(); // default 64 KiB
    const frames: Out[] = [];
    const onFrame = (frame: Buffer, truncated: boolean) =>
      frames.push({ text: frame.toString("latin1"), truncated });
    const chunk = Buffer.alloc(65536, 0x61);
    const total = 100 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) splitter.push(chunk, onFrame);
    splitter.push(Buffer.from("\n<13>good line\n"), onFrame);
    expect(frames.length).toBe(2);
    expect(frames[0]?.truncated).toBe(true);
    expect(frames[0]?.text.length).toBe(64 * 1024);
    expect(splitter.discardedBytes).toBe(total - 64 * 1024);
    expect(frames[1]).toEqual({ text: "<13>good line", truncated: false });
  });

  it("cuts at a UTF-8 character boundary so a truncated frame is not also invalid", () => {
    const { frames } = feed([Buffer.from("<13>ééééé\n<13>ok\n")], { maxFrameBytes: 8 });
    // "<13>" is 4 bytes, each é is 2: 8 bytes hold "<13>éé"; a 7-byte limit must not split the second é.
    expect(frames[0]).toEqual({ text: "<13>éé", truncated: true });
    const seven = feed([Buffer.from("<13>ééééé\n<13>ok\n")], { maxFrameBytes: 7 }).frames;
    expect(seven[0]).toEqual({ text: "<13>é", truncated: true });
    expect(seven[1]).toEqual({ text: "<13>ok", truncated: false });
  });
});

describe("splitDatagram", () => {
  it("splits LF-separated messages in one datagram and drops CR/NUL ends", () => {
    const parts = splitDatagram(Buffer.from("<13>a\r\n<13>b\n\n<13>c\0"));
    expect(parts.map((p) => p.toString())).toEqual(["<13>a", "<13>b", "<13>c"]);
  });
});

describe("FrameSplitter throughput", () => {
  it("prints frames per second on one core", () => {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const msg = `<134>1 2024-03-01T12:00:00.000Z fw01 sophos - - - device_name="SFW" log_id=010101600001 src_ip=10.0.${i % 256}.1 dst_port=443 n=${i}`;
      lines.push(i % 2 === 0 ? octet(msg) : `${msg}\n`);
    }
    const block = Buffer.from(lines.join(""));
    const chunks: Buffer[] = [];
    for (let i = 0; i < block.length; i += 65536) chunks.push(block.subarray(i, i + 65536));
    const splitter = new FrameSplitter();
    let count = 0;
    const onFrame = () => {
      count++;
    };
    const rounds = 300;
    const start = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) for (const c of chunks) splitter.push(c, onFrame);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    expect(count).toBe(rounds * 1000);
    console.log(
      `[framing] ${count} frames (${((block.length * rounds) / 1e6).toFixed(0)} MB) in ${seconds.toFixed(3)} s: ` +
        `${Math.round(count / seconds).toLocaleString("en")} frames/s`,
    );
  });
});
