import { isUtf8 } from "node:buffer";
import type { ListenerCounters, ReceivedLine, SyslogTransport } from "./types.js";

/**
 * Turns one frame into a ReceivedLine: decoded once, with U+FFFD for broken bytes (the line is kept and
 * flagged, never dropped), and counted.
 */
export function toLine(
  frame: Buffer,
  truncated: boolean,
  peer: string,
  transport: SyslogTransport,
  receivedAt: number,
  counters: ListenerCounters,
): ReceivedLine {
  const invalidUtf8 = !isUtf8(frame);
  if (invalidUtf8) counters.invalidUtf8++;
  if (truncated) counters.truncated++;
  return { raw: frame.toString("utf8"), peer, transport, receivedAt, invalidUtf8, truncated };
}
