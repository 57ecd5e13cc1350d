/** The RELP edge: rsyslog's omrelp → Vigil, each message acknowledged once stored. */

export { encodeFrame, parseOffers, type RelpFrame, RelpFrameError, RelpFrameReader } from "./frame.js";
export { RELP_DEFAULTS, type RelpListener, type RelpListenerOptions, startRelpListener } from "./listener.js";
export type { RelpSink } from "./session.js";
