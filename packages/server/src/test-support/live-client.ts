import { eventually, type TestVigil } from "./test-vigil.js";

/**
 * A WebSocket client of the live channel for tests, signed in with a test Vigil's admin token (or
 * another token), that keeps every message it receives. `subscribe` sends the console's subscribe
 * message and waits for the server's acknowledgement.
 */
export interface TestSocket {
  send(data: string): void;
  on(event: "message", listener: (data: Buffer) => void): void;
  once(event: "open" | "error", listener: (arg?: unknown) => void): void;
  terminate(): void;
}

export interface LiveClient {
  socket: TestSocket;
  messages: Array<Record<string, unknown>>;
  subscribe(topics: string[]): Promise<void>;
}

// `ws` comes with @fastify/websocket; its types are not installed, and one client does not need them.
const WS_MODULE: string = "ws";

export async function openLiveClient(t: TestVigil, token = t.adminToken): Promise<LiveClient> {
  const { default: WebSocket } = (await import(WS_MODULE)) as { default: new (url: string) => TestSocket };
  const url = `${t.vigil.httpUrl.replace(/^http/, "ws")}/api/v1/ws?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  await eventually(async () => messages.find((m) => m.type === "hello"));
  return {
    socket,
    messages,
    async subscribe(topics) {
      const acknowledged = messages.filter((m) => m.type === "subscribed").length;
      socket.send(JSON.stringify({ type: "subscribe", topics }));
      await eventually(async () => messages.filter((m) => m.type === "subscribed").length > acknowledged);
    },
  };
}
