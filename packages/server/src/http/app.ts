/**
 * The HTTP app: Fastify 5 with TypeBox schemas, security headers, problem+json errors, OpenAPI, the
 * auth guard and the audit log.
 *
 * How a feature adds routes: write a plugin (`FastifyPluginAsyncTypebox`, exported as `HttpFeature`)
 * and pass it in `deps.features`; main.ts builds each with its own dependencies, e.g.
 *
 *     buildHttpApp({ state, version, features: [eventsRoutes({ eventStore }), sourcesRoutes({ db })] })
 *
 * Each feature is registered in its own encapsulated context, after the guard, error handler and
 * docs are in place. Every route MUST set `config.access` (see access.ts), or `app.ready()` fails
 * naming it; its schemas (body, params, querystring, response) feed validation and the OpenAPI
 * document. Throw `HttpProblem` (problem.ts) for 4xx answers; use `principalOf(request)` (guard.ts)
 * for the caller. Import `Type` from "@fastify/type-provider-typebox" (TypeBox 1.x), not from
 * "@sinclair/typebox", so schemas and inferred types agree with the type provider.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from "fastify";
import { installAuditHook } from "../auth/audit-hook.js";
import { type AuthOptions, createAuth } from "../auth/auth-feature.js";
import { installMfaGate } from "../auth/mfa-gate.js";
import type { StateStore } from "../storage/state-store.js";
import { createSiteDirectory, type SiteDirectory } from "../tenancy/site-directory.js";
import { AccessLog } from "./access-log.js";
import { installAuthGuard } from "./guard.js";
import { healthRoutes } from "./health-routes.js";
import { installInputGuard } from "./input-guard.js";
import { withRedactedRequests } from "./log-redact.js";
import { registerOpenApi } from "./openapi.js";
import {
  HttpProblem,
  handleError,
  handleNotFound,
  PROBLEM_CONTENT_TYPE,
  problem,
  sendProblem,
} from "./problem.js";
import { installRouteCatalogue } from "./route-catalogue.js";

export type VigilApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A feature's routes: a Fastify plugin using the TypeBox type provider. */
export type HttpFeature = FastifyPluginAsyncTypebox;

export interface HttpAppDeps {
  state: StateStore;
  version: string;
  /** A pino logger (main.ts passes its own); default: no logging. */
  logger?: FastifyBaseLogger | undefined;
  features?: HttpFeature[];
  auth?: AuthOptions;
  /** Behind a reverse proxy, trust its X-Forwarded-For (so rate limits and audit see client IPs). */
  trustProxy?: boolean | string | string[];
  /** Largest request body in bytes (default 10 MiB, for ingest batches). */
  bodyLimit?: number;
  /** PEM certificate (chain) and key: serve HTTPS instead of HTTP (VIGIL_HTTP_TLS_CERT/KEY). */
  https?: { cert: string; key: string } | undefined;
  /** Which client owns which site: scopes every request (tenancy/). Default: read from the state store. */
  sites?: SiteDirectory;
}

const HSTS = "max-age=31536000; includeSubDomains";

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a URI longer than
 * the header limit, malformed requests, timeouts), answered as problem+json like every other 4xx.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, detail] =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "The request took too long to arrive"]
      : err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "The request line (URI) and headers are larger than the server accepts (16 KiB in all)"]
        : [400, "The request is not valid HTTP"];
  const body = JSON.stringify(problem(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export async function buildHttpApp(deps: HttpAppDeps): Promise<VigilApp> {
  const options = {
    // Typed as the plain HTTP server's options: Fastify's HTTPS server serves the same requests.
    ...((deps.https ? { https: deps.https } : {}) as object),
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: deps.bodyLimit ?? 10 * 1024 * 1024,
    // A few bodies take one of several JSON types (e.g. a daily limit: a number, null or "default");
    // Ajv warns at every start about such schemas unless told they are meant.
    ajv: { customOptions: { allowUnionTypes: true } },
    clientErrorHandler,
    // A path Fastify cannot decode (bad %-escape) or a path parameter over 100 characters: problem+json.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      const detail =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? "A path parameter is longer than 100 characters"
          : error.code === "FST_ERR_BAD_URL"
            ? "The URL path is not valid: a %-escape does not decode to UTF-8"
            : error.message;
      return sendProblem(reply, problem(status, detail));
    },
  };
  const app: VigilApp = (
    deps.logger
      ? Fastify({
          ...options,
          loggerInstance: withRedactedRequests(deps.logger),
          logController: new AccessLog(),
        })
      : Fastify({ ...options, logger: false })
  ).withTypeProvider<TypeBoxTypeProvider>();

  // Before any route exists: collect routes and refuse to start if one lacks config.access.
  installRouteCatalogue(app);

  const auth = createAuth(deps.state.db, deps.auth);
  let sites = deps.sites;
  if (!sites) {
    const own = createSiteDirectory(deps.state.db);
    await own.refresh();
    app.addHook("onClose", async () => own.close());
    sites = own;
  }
  const directory = sites;
  app.decorate("siteDirectory", directory);

  await app.register(helmet, {
    // The console is often served over plain HTTP on a LAN: do not make browsers upgrade to https.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    // HSTS over plain HTTP is meaningless and, on a LAN console, harmful: sent below only over HTTPS.
    strictTransportSecurity: false,
  });
  // request.protocol is "https" on a TLS listener, or behind a trusted proxy saying X-Forwarded-Proto: https.
  app.addHook("onRequest", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", HSTS);
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(context.statusCode, `Too many attempts; retry in ${context.after}`),
  });
  await registerOpenApi(app, deps.version);

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  installAuthGuard(
    app,
    (token) => auth.auth.authenticate(token),
    (principal) => directory.scopeFor(principal),
  );
  // After the guard (hooks run in order): a role that must use MFA reaches only enrolment until then.
  installMfaGate(app, auth.mfa);
  installAuditHook(app, auth.audit);
  installInputGuard(app);

  await app.register(healthRoutes);
  await app.register(auth.routes);
  for (const feature of deps.features ?? []) await app.register(feature);
  return app;
}
