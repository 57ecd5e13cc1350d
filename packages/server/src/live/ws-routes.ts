import websocket from "@fastify/websocket";
import type { HttpFeature } from "../http/app.js";
import { principalOf } from "../http/guard.js";
import type { LiveHub } from "./live-hub.js";

/**
 * `GET /api/v1/ws?token=…`: the live channel. The guard has already checked the token (browsers cannot
 * set headers on a WebSocket). Clients send `{type:"subscribe", sites?, severities?}` to filter.
 */
export const wsRoutes =
  (hub: LiveHub): HttpFeature =>
  async (app) => {
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    app.get(
      "/api/v1/ws",
      {
        websocket: true,
        config: { access: { role: "audit" } },
        schema: {
          tags: ["live"],
          summary: "Live events over WebSocket (token in ?token=)",
          description:
            'Server → client: {type:"hello"}, {type:"new_event", data: Event}, {type:"lagged", dropped}. Client → server: {type:"subscribe", sites?: string[], severities?: string[]}.',
        },
      },
      (socket, req) => {
        const p = principalOf(req);
        const handle = hub.add(socket, p.kind === "apikey" ? p.site : null);
        socket.send(
          JSON.stringify({
            type: "hello",
            data: { user: p.kind === "user" ? { username: p.username, role: p.role } : { key: p.name } },
          }),
        );
        socket.on("message", (raw: Buffer) => {
          let msg: unknown;
          try {
            msg = JSON.parse(String(raw));
          } catch {
            socket.send(JSON.stringify({ type: "error", detail: "messages must be JSON" }));
            return;
          }
          const m = msg as { type?: unknown; sites?: unknown; severities?: unknown };
          if (m.type !== "subscribe") {
            socket.send(
              JSON.stringify({ type: "error", detail: 'unknown message type; expected "subscribe"' }),
            );
            return;
          }
          const strings = (v: unknown) =>
            Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, 200) : undefined;
          const sites = strings(m.sites);
          const severities = strings(m.severities);
          handle.update({ ...(sites ? { sites } : {}), ...(severities ? { severities } : {}) });
          socket.send(
            JSON.stringify({
              type: "subscribed",
              data: { sites: sites ?? [], severities: severities ?? [] },
            }),
          );
        });
        socket.on("close", () => handle.remove());
        socket.on("error", () => handle.remove());
      },
    );
  };
