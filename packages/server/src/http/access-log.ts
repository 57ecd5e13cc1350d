import type { FastifyInstance } from "fastify";
import { redactUrl } from "./log-redact.js";

/**
 * One access-log line per request, at `debug`: Fastify's own two lines per request at `info` drowned
 * the lines operators watch for (detections, bans, alerts) under the console's polling. Errors are
 * still logged by the error handler at their own level; VIGIL_LOG_LEVEL=debug shows every request.
 */
export function installAccessLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (req, reply) => {
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    req.log.debug(
      { req, res: { statusCode: reply.statusCode }, responseTime: ms },
      `${req.method} ${redactUrl(req.url)} ${reply.statusCode} ${ms} ms`,
    );
  });
}
