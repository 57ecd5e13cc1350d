import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { redactUrl } from "./log-redact.js";

/**
 * One access-log line per request, at `debug`: Fastify's own two lines per request at `info` drowned
 * the lines operators watch for (detections, bans, alerts) under the console's polling.
 * VIGIL_LOG_LEVEL=debug shows every request; a request that errored is still logged at `error`, and
 * Fastify's other lines (not found, error handler, serializer) keep their defaults.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    req: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) {
      super.requestCompleted(error, req, reply, metadata);
      return;
    }
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    reply.log.debug(
      { req, res: { statusCode: reply.statusCode }, responseTime: ms },
      `${req.method} ${redactUrl(req.url)} ${reply.statusCode} ${ms} ms`,
    );
  }
}
