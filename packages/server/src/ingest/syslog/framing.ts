/**
 * Streaming TCP frame splitter for syslog (RFC 6587).
 *
 * Both framings are auto-detected per frame, as rsyslog and syslog-ng do, because one sender may switch and
 * relays mix them:
 * - octet counting: `<len> <msg>`, chosen only when the digits are followed by a space and then `<` (the PRI
 *   every RFC 5424 message starts with). Requiring `<` keeps a plain line such as `404 not found` from being
 *   read as a 404-byte frame;
 * - non-transparent framing: the frame ends at LF (a trailing CR is dropped) or at NUL.
 *
 * Frames are bounded: a frame longer than `maxFrameBytes` is cut there and delivered with `truncated: true`, and
 * the rest up to the next terminator is discarded (counted in `discardedBytes`), so a sender that never sends a
 * newline costs at most `maxFrameBytes` of memory. A length prefix that is not a plausible count (too many
 * digits, zero, more than the limit, no `<` after it) falls back to LF framing for that frame, so garbage cannot
 * wedge the stream.
 *
 * The splitter works on Buffers and hands out zero-copy views when a frame lies inside one chunk; it only
 * copies when a frame spans chunks. Views are valid only during the callback.
 */

/** 64 KiB, as rsyslog's and syslog-ng's defaults are of this order: a bounded line, so bounded memory. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

export type FrameCallback = (frame: Buffer, truncated: boolean) => void;

const LF = 10;
const CR = 13;
const NUL = 0;
const SPACE = 32;
const LT = 60; // "<"
const DIGIT_0 = 48;
const DIGIT_9 = 57;
/** 4 GiB needs 10 digits; more is garbage, never a length. */
const MAX_LEN_DIGITS = 10;

enum State {
  /** At the start of a frame: nothing decided yet. */
  Start = 0,
  /** Reading the digits of a possible octet count (kept in `prefix`). */
  Prefix = 1,
  /** Read `<digits><space>`; the next byte decides between octet counting and LF. */
  PrefixSpace = 2,
  /** Inside an octet-counted body, `remaining` bytes to go. */
  Octet = 3,
  /** Inside an LF-terminated frame. */
  Line = 4,
  /** Past the size limit: dropping bytes until the next terminator. */
  Discard = 5,
}

export interface FrameSplitterOptions {
  maxFrameBytes?: number;
}

export class FrameSplitter {
  readonly maxFrameBytes: number;
  /** Bytes dropped after a frame was cut at the limit. */
  discardedBytes = 0;

  private state: State = State.Start;
  /** Pieces of the current frame seen in earlier chunks. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** The octet-count prefix so far, kept raw so it can become part of a line on fallback. */
  private readonly prefix = Buffer.allocUnsafe(MAX_LEN_DIGITS + 1);
  private prefixLength = 0;
  private count = 0;
  private remaining = 0;

  constructor(options: FrameSplitterOptions = {}) {
    this.maxFrameBytes = Math.max(1, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Feeds one chunk; `onFrame` is called for every complete frame in it, in order. */
  push(chunk: Buffer, onFrame: FrameCallback): void {
    const end = chunk.length;
    let pos = 0;
    // Next terminator positions, cached per chunk so each byte is scanned once (linear even with no NUL).
    let nextLf = -2;
    let nextNul = -2;
    while (pos < end) {
      switch (this.state) {
        case State.Start: {
          const b = chunk[pos] as number;
          if (b === LF || b === NUL || b === CR) {
            pos++; // empty frame or stray terminator between frames
          } else if (b >= DIGIT_0 && b <= DIGIT_9) {
            this.prefixLength = 0;
            this.count = 0;
            this.state = State.Prefix;
          } else {
            this.state = State.Line;
          }
          break;
        }
        case State.Prefix: {
          const b = chunk[pos] as number;
          if (b >= DIGIT_0 && b <= DIGIT_9 && this.prefixLength < MAX_LEN_DIGITS) {
            this.prefix[this.prefixLength++] = b;
            this.count = this.count * 10 + (b - DIGIT_0);
            pos++;
          } else if (b === SPACE) {
            this.prefix[this.prefixLength++] = b;
            this.state = State.PrefixSpace;
            pos++;
          } else {
            this.fallBackToLine();
          }
          break;
        }
        case State.PrefixSpace: {
          if (chunk[pos] === LT && this.count > 0 && this.count <= this.maxFrameBytes) {
            this.remaining = this.count;
            this.prefixLength = 0;
            this.state = State.Octet;
          } else {
            this.fallBackToLine();
          }
          break;
        }
        case State.Octet: {
          const take = Math.min(this.remaining, end - pos);
          const stop = pos + take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.emit(chunk, pos, stop, false, onFrame, true);
            this.state = State.Start;
          } else {
            this.keep(chunk, pos, stop);
          }
          pos = stop;
          break;
        }
        case State.Line: {
          if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
          if (nextNul !== -1 && nextNul < pos) nextNul = chunk.indexOf(NUL, pos);
          const t = nextLf === -1 ? nextNul : nextNul === -1 ? nextLf : Math.min(nextLf, nextNul);
          const room = this.maxFrameBytes - this.pendingLength;
          if (t !== -1 && t - pos <= room) {
            this.emit(chunk, pos, t, false, onFrame, false);
            this.state = State.Start;
            pos = t + 1;
          } else if (t === -1 && end - pos <= room) {
            this.keep(chunk, pos, end);
            pos = end;
          } else {
            // Over the limit: deliver what fits, drop the rest of the line.
            this.emit(chunk, pos, pos + room, true, onFrame, false);
            pos += room;
            this.state = State.Discard;
          }
          break;
        }
        case State.Discard: {
          if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
          if (nextNul !== -1 && nextNul < pos) nextNul = chunk.indexOf(NUL, pos);
          const t = nextLf === -1 ? nextNul : nextNul === -1 ? nextLf : Math.min(nextLf, nextNul);
          if (t === -1) {
            this.discardedBytes += end - pos;
            pos = end;
          } else {
            this.discardedBytes += t - pos;
            pos = t + 1;
            this.state = State.Start;
          }
          break;
        }
      }
    }
  }

  /**
   * End of stream: delivers what is left. A last line without terminator is a normal frame; an octet frame
   * shorter than announced is delivered flagged truncated.
   */
  end(onFrame: FrameCallback): void {
    const empty = Buffer.alloc(0);
    switch (this.state) {
      case State.Prefix:
      case State.PrefixSpace:
        this.fallBackToLine();
        this.emit(empty, 0, 0, false, onFrame, false);
        break;
      case State.Line:
        this.emit(empty, 0, 0, false, onFrame, false);
        break;
      case State.Octet:
        this.emit(empty, 0, 0, true, onFrame, true);
        break;
      default:
        break;
    }
    this.reset();
  }

  private reset(): void {
    this.state = State.Start;
    this.pending = [];
    this.pendingLength = 0;
    this.prefixLength = 0;
    this.remaining = 0;
  }

  /** The digits were not a length: they are the start of an LF-terminated line. */
  private fallBackToLine(): void {
    if (this.prefixLength > 0) {
      this.pending.push(Buffer.from(this.prefix.subarray(0, this.prefixLength)));
      this.pendingLength += this.prefixLength;
      this.prefixLength = 0;
    }
    this.state = State.Line;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    // Copy: the socket may reuse or we may retain a large chunk for a small tail otherwise.
    this.pending.push(Buffer.from(chunk.subarray(from, to)));
    this.pendingLength += to - from;
  }

  private emit(
    chunk: Buffer,
    from: number,
    to: number,
    truncated: boolean,
    onFrame: FrameCallback,
    octet: boolean,
  ): void {
    let frame: Buffer;
    if (this.pendingLength === 0) {
      frame = chunk.subarray(from, to);
    } else {
      if (to > from) this.pending.push(chunk.subarray(from, to));
      frame = Buffer.concat(this.pending, this.pendingLength + (to - from));
      this.pending = [];
      this.pendingLength = 0;
    }
    if (truncated && !octet) frame = frame.subarray(0, utf8Boundary(frame, frame.length));
    let len = frame.length;
    // LF framing: drop a CR before the LF. Octet framing: some senders count a trailing newline in the length.
    if (len > 0 && frame[len - 1] === LF && octet) len--;
    if (len > 0 && frame[len - 1] === CR) len--;
    if (len === 0 && !truncated) return;
    onFrame(len === frame.length ? frame : frame.subarray(0, len), truncated);
  }
}

/**
 * Largest cut ≤ `at` that does not split a UTF-8 sequence, so a frame cut at the limit does not end in a
 * broken character (it is flagged truncated, not invalid).
 */
export function utf8Boundary(buf: Buffer, at: number): number {
  let i = at;
  // Walk back over continuation bytes (10xxxxxx), at most 3.
  while (i > 0 && at - i < 3 && ((buf[i - 1] as number) & 0xc0) === 0x80) i--;
  if (i === 0) return at;
  const lead = buf[i - 1] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  // The sequence that starts at i-1 is complete only if it has all its bytes before `at`.
  return need > 1 && at - (i - 1) < need ? i - 1 : at;
}

/**
 * Splits one UDP datagram into messages: usually one, but some senders pack several LF-separated lines.
 * Returns zero-copy views; a trailing CR is dropped and empty lines are skipped.
 */
export function splitDatagram(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  const end = buf.length;
  while (start < end) {
    let stop = buf.indexOf(LF, start);
    if (stop === -1) stop = end;
    let last = stop;
    while (last > start && (buf[last - 1] === CR || buf[last - 1] === NUL)) last--;
    if (last > start) out.push(buf.subarray(start, last));
    start = stop + 1;
  }
  return out;
}
