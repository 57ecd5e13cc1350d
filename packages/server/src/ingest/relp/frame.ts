/**
 * RELP framing (the Reliable Event Logging Protocol of rsyslog's omrelp/imrelp), written from the
 * protocol description: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. TXNR and DATALEN are 1–9 digits,
 * COMMAND 1–32 letters; DATA is exactly DATALEN bytes. Pure and bounded: a reader never holds more than
 * `maxDataBytes` of one frame's data (longer data is cut, the rest skipped and counted) plus a few header
 * bytes, and anything that is not a frame throws a RelpFrameError (the session then answers and closes).
 */

export interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
  /** DATA was longer than the limit: `data` holds its first `maxDataBytes`. */
  truncated: boolean;
}

export class RelpFrameError extends Error {
  override name = "RelpFrameError";
}

const SP = 0x20;
const LF = 0x0a;
const MAX_DIGITS = 9;
const MAX_COMMAND = 32;

type State = "txnr" | "command" | "datalen" | "data" | "trailer";

export class RelpFrameReader {
  private state: State = "txnr";
  private txnr = 0;
  private digits = 0;
  private command = "";
  private dataLen = 0;
  private remaining = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  /** Data bytes skipped because a frame's DATA was over the limit. */
  discardedBytes = 0;
  private failed: RelpFrameError | null = null;

  constructor(private readonly maxDataBytes: number) {}

  /** Calls `onFrame` for each complete frame in `chunk`; throws RelpFrameError on the first bad byte. */
  push(chunk: Buffer, onFrame: (frame: RelpFrame) => void): void {
    if (this.failed) throw this.failed;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === "data") {
        const take = Math.min(this.remaining, chunk.length - i);
        const room = Math.max(0, this.maxDataBytes - this.kept);
        const keep = Math.min(take, room);
        if (keep > 0) this.parts.push(chunk.subarray(i, i + keep));
        this.kept += keep;
        this.discardedBytes += take - keep;
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = "trailer";
        continue;
      }
      const b = chunk[i] as number;
      i++;
      this.step(b, onFrame);
    }
  }

  private step(b: number, onFrame: (frame: RelpFrame) => void): void {
    switch (this.state) {
      case "txnr":
        if (isDigit(b) && this.digits < MAX_DIGITS) {
          this.txnr = this.txnr * 10 + (b - 0x30);
          this.digits++;
        } else if (b === SP && this.digits > 0) {
          this.state = "command";
        } else this.fail(this.digits === 0 && b === LF ? "empty frame" : "bad transaction number");
        return;
      case "command":
        if (isLetter(b) && this.command.length < MAX_COMMAND) this.command += String.fromCharCode(b);
        else if (b === SP && this.command.length > 0) {
          this.state = "datalen";
          this.digits = 0;
        } else this.fail("bad command");
        return;
      case "datalen":
        if (isDigit(b) && this.digits < MAX_DIGITS) {
          this.dataLen = this.dataLen * 10 + (b - 0x30);
          this.digits++;
        } else if (this.digits === 0) this.fail("bad data length");
        else if (b === LF && this.dataLen === 0) this.emit(onFrame);
        else if (b === SP) {
          this.remaining = this.dataLen;
          this.state = this.dataLen > 0 ? "data" : "trailer";
        } else this.fail("bad data length");
        return;
      case "trailer":
        if (b === LF) this.emit(onFrame);
        else this.fail("frame longer than its data length (no LF trailer)");
        return;
      case "data":
        // Consumed in bulk by push(), never byte by byte.
        this.fail("internal framing state");
        return;
      default: {
        const never: never = this.state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }

  private emit(onFrame: (frame: RelpFrame) => void): void {
    const data = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    const frame: RelpFrame = {
      txnr: this.txnr,
      command: this.command,
      data,
      truncated: this.kept < this.dataLen,
    };
    this.state = "txnr";
    this.txnr = 0;
    this.digits = 0;
    this.command = "";
    this.dataLen = 0;
    this.parts = [];
    this.kept = 0;
    onFrame(frame);
  }

  private fail(why: string): never {
    this.failed = new RelpFrameError(`RELP frame error: ${why}`);
    throw this.failed;
  }
}

/** One frame's bytes: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. */
export function encodeFrame(txnr: number, command: string, data = ""): Buffer {
  const body = Buffer.from(data, "utf8");
  const head = `${txnr} ${command} ${body.length}`;
  return body.length === 0
    ? Buffer.from(`${head}\n`)
    : Buffer.concat([Buffer.from(`${head} `), body, Buffer.from("\n")]);
}

/** The offers of an `open` command: `name=value` lines (a name alone has an empty value). */
export function parseOffers(data: string): Map<string, string> {
  const offers = new Map<string, string>();
  for (const line of data.split("\n")) {
    if (!line) continue;
    const eq = line.indexOf("=");
    offers.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? "" : line.slice(eq + 1));
  }
  return offers;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isLetter(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a);
}
