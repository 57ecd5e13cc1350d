import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { ApiEvent } from "../api/types.js";
import { useAuth } from "../auth/auth-context.js";
import { currentToken } from "../auth/session.js";
import { RecentEvents } from "./feed-buffer.js";
import { LiveSocket, type LiveStatus, liveUrl, type Subscription } from "./live-socket.js";

type Listener = (event: ApiEvent) => void;
/** A state-change message from the server (bans, detections, enforcement status). */
export interface LiveMessage {
  type: string;
  data?: unknown;
}
type MessageListener = (message: LiveMessage) => void;

interface LiveValue {
  status: LiveStatus;
  /** Events the server dropped for this client because it fell behind (from `lagged` messages). */
  dropped: number;
  /** Registers a listener for new events; returns the unsubscribe function. */
  listen(listener: Listener): () => void;
  /** The events received lately, newest first (capped), so a page mounted now can show them at once. */
  recent(): ApiEvent[];
  subscribe(subscription: Subscription): void;
  /** Registers a listener for non-event messages (new_ban, ban_removed, …); returns the unsubscribe function. */
  listenMessages(listener: MessageListener): () => void;
}

const LiveContext = createContext<LiveValue | null>(null);

/** One socket for the whole signed-in console; pages listen to it. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { user, api } = useAuth();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [dropped, setDropped] = useState(0);
  const listeners = useRef(new Set<Listener>());
  const messageListeners = useRef(new Set<MessageListener>());
  const recentEvents = useRef(new RecentEvents<ApiEvent>());
  const socketRef = useRef<LiveSocket | null>(null);
  // Pages may subscribe before the socket exists (child effects run first): keep it for the socket.
  const subscriptionRef = useRef<Subscription>({});

  const userId = user?.id;
  useEffect(() => {
    if (!userId) return;
    const socket = new LiveSocket({
      url: () => liveUrl(currentToken() ?? ""),
      onEvent: (event) => {
        recentEvents.current.add(event);
        for (const listener of listeners.current) listener(event);
      },
      onStatus: setStatus,
      onLagged: (n) => setDropped((total) => total + n),
      onMessage: (message) => {
        for (const listener of messageListeners.current) listener(message);
      },
      // If the token is dead this 401 signs the user out; otherwise the socket keeps retrying.
      onRefused: () => {
        api.get("/api/v1/auth/me").catch(() => undefined);
      },
    });
    socketRef.current = socket;
    socket.subscribe(subscriptionRef.current);
    socket.start();
    return () => {
      socket.stop();
      socketRef.current = null;
      // Another user signing in on this tab must not see the previous one's events.
      recentEvents.current.clear();
    };
  }, [userId, api]);

  const value = useMemo<LiveValue>(
    () => ({
      status,
      dropped,
      listen(listener) {
        listeners.current.add(listener);
        return () => {
          listeners.current.delete(listener);
        };
      },
      recent() {
        return recentEvents.current.snapshot();
      },
      listenMessages(listener) {
        messageListeners.current.add(listener);
        return () => {
          messageListeners.current.delete(listener);
        };
      },
      subscribe(subscription) {
        subscriptionRef.current = subscription;
        socketRef.current?.subscribe(subscription);
      },
    }),
    [status, dropped],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive outside LiveProvider");
  return value;
}
