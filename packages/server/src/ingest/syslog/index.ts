/** The syslog ingest edge: listeners (UDP, TCP, TLS), the RFC 6587 framer and the header reader. */

export { DEFAULT_MAX_FRAME_BYTES, FrameSplitter, splitDatagram } from "./framing.js";
export { emptySyslogMeta, type HeaderContext, parseSyslogHeader, type SyslogHeader } from "./header.js";
export {
  createSyslogListeners,
  SYSLOG_DEFAULTS,
  type SyslogListenerOptions,
  type SyslogListeners,
} from "./listener.js";
export type { DebugLogger, LineSink, ListenerCounters, ReceivedLine, SyslogTransport } from "./types.js";
