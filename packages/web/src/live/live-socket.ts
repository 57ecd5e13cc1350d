/**
 * The WebSocket to `/api/v1/ws`: reconnects with capped exponential backoff and jitter, re-sends the
 * subscription (topics and event rooms) after every reconnect, and reports its state for the header
 * indicator.
 */
import type { ApiEvent, ServerMessage } from "../api/types.js";
import type { Subscription } from "./subscriptions.js";

export type LiveStatus = "connecting" | "live" | "reconnecting";

interface LiveSocketOptions {
  /** Built at each attempt, so a fresh token is used after a new sign-in. */
  url: () => string;
  onEvent: (event: ApiEvent) => void;
  onStatus: (status: LiveStatus) => void;
  onLagged: (dropped: number) => void;
  /** The socket closed before it ever opened: maybe the token is no longer valid. */
  onRefused: () => void;
  /** Every other typed message (new_ban, ban_removed, detection, …), for pages that follow state changes. */
  onMessage?: (message: { type: string; data?: unknown }) => void;
}

const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15_000;

export class LiveSocket {
  private readonly options: LiveSocketOptions;
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;
  private subscription: Subscription = { topics: [], sites: [], min_severity: null };

  constructor(options: LiveSocketOptions) {
    this.options = options;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onclose = null;
      // Closing a socket that is still connecting makes browsers log an error; let it open, then close.
      if (socket.readyState === WebSocket.CONNECTING) socket.onopen = () => socket.close(1000);
      else socket.close(1000);
    }
  }

  subscribe(subscription: Subscription): void {
    this.subscription = subscription;
    this.sendSubscription();
  }

  private sendSubscription(): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ type: "subscribe", ...this.subscription }));
  }

  private connect(): void {
    if (this.stopped) return;
    this.options.onStatus(this.attempts === 0 ? "connecting" : "reconnecting");
    let opened = false;
    const socket = new WebSocket(this.options.url());
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      this.attempts = 0;
      this.options.onStatus("live");
      this.sendSubscription();
    };
    socket.onmessage = (message) => this.handle(message.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (!opened) this.options.onRefused();
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.attempts += 1;
    this.options.onStatus("reconnecting");
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (this.attempts - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private handle(data: unknown): void {
    if (typeof data !== "string") return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === "new_event" && isEventLike(message.data)) this.options.onEvent(message.data);
    else if (message.type === "lagged" && "dropped" in message && typeof message.dropped === "number")
      this.options.onLagged(message.dropped);
    else if (typeof message.type === "string") this.options.onMessage?.(message);
  }
}

function isEventLike(value: unknown): value is ApiEvent {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { event_id?: unknown }).event_id === "string"
  );
}

export function liveUrl(token: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/api/v1/ws?token=${encodeURIComponent(token)}`;
}
