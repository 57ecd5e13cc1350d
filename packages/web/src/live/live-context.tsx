import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { ApiEvent } from "../api/types.js";
import { useAuth } from "../auth/auth-context.js";
import { currentToken } from "../auth/session.js";
import { RecentEvents } from "./feed-buffer.js";
import { LiveSocket, type LiveStatus, liveUrl } from "./live-socket.js";
import { type LiveInterest, mergeInterests, type Subscription, sameSubscription } from "./subscriptions.js";

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
  /** Says what a mounted component shows (topics, event rooms); returns the function that withdraws it. */
  register(interest: LiveInterest): () => void;
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
  // Components register before the socket exists (child effects run first): the socket takes the union.
  const interests = useRef(new Map<number, LiveInterest>());
  const nextId = useRef(0);
  const subscriptionRef = useRef<Subscription>(mergeInterests([]));
  const sync = useCallback(() => {
    const next = mergeInterests(interests.current.values());
    if (sameSubscription(next, subscriptionRef.current)) return;
    subscriptionRef.current = next;
    socketRef.current?.subscribe(next);
  }, []);
  // Stable across renders, so a status change does not make every component re-register.
  const register = useCallback(
    (interest: LiveInterest) => {
      const id = nextId.current++;
      interests.current.set(id, interest);
      sync();
      return () => {
        interests.current.delete(id);
        sync();
      };
    },
    [sync],
  );

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
      register,
    }),
    [status, dropped, register],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive outside LiveProvider");
  return value;
}

/**
 * Subscribes the live channel to what this component shows while it is mounted (null: nothing). The
 * interest is compared by value, so callers may pass a fresh object each render.
 */
export function useLiveInterest(interest: LiveInterest | null): void {
  const { register } = useLive();
  const key = interest ? JSON.stringify(interest) : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the interest's value
  useEffect(() => (interest ? register(interest) : undefined), [key, register]);
}
