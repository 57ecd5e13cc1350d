import websocket from "@fastify/websocket";
import type { HttpFeature } from "../http/app.js";
import { principalOf } from "../http/guard.js";
import { canSee } from "../tenancy/scope.js";
import type { LiveHub } from "./live-hub.js";
import { parseSubscribe, TOPICS } from "./live-topics.js";

/**
 * `GET /api/v1/ws?token=…`: the live channel. The guard has already checked the token (browsers cannot
 * set headers on a WebSocket). A client receives nothing but `hello` until it sends
 * `{type:"subscribe", topics, sites?, min_severity?}`; each subscribe replaces the previous one.
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
          description: `Client → server: {type:"subscribe", topics: (${TOPICS.join(" | ")})[], sites?: string[], min_severity?: string} — sites and min_severity are the rooms of the events topic; without topics, every topic. Server → client: {type:"hello"}, {type:"subscribed"}, {type:"new_event", data: Event} (sampled above a per-client rate), {type:"skipped", skipped, max_per_second} once a second when events were left out of the sample, {type:"stats", data:{events, by_severity, interval_ms}} once a second when events arrived, alert/alert_updated, new_ban/ban_removed/ban_pending/ban_updated/enforcement_status, detection, {type:"lagged", dropped} when the client fell behind.`,
        },
      },
      (socket, req) => {
        const p = principalOf(req);
        // Staff see every site; a client's user or key only its own (re-read from the directory).
        const sites = app.siteDirectory;
        const handle = hub.add(
          socket,
          sites.scopeFor(p).kind === "all" ? null : (site) => canSee(sites.scopeFor(p), site),
        );
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
          const m = (typeof msg === "object" && msg !== null ? msg : {}) as Record<string, unknown>;
          if (m.type !== "subscribe") {
            socket.send(
              JSON.stringify({ type: "error", detail: 'unknown message type; expected "subscribe"' }),
            );
            return;
          }
          const parsed = parseSubscribe(m);
          if (!parsed.ok) {
            socket.send(JSON.stringify({ type: "error", detail: parsed.detail }));
            return;
          }
          const { sub } = parsed;
          handle.update(sub);
          socket.send(
            JSON.stringify({
              type: "subscribed",
              data: {
                topics: [...sub.topics],
                sites: sub.sites,
                severities: sub.severities,
                min_severity: sub.minSeverity,
              },
            }),
          );
        });
        socket.on("close", () => handle.remove());
        socket.on("error", () => handle.remove());
      },
    );
  };
