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
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from "fastify";
import { installAuditHook } from "../auth/audit-hook.js";
import { type AuthOptions, createAuth } from "../auth/auth-feature.js";
import type { StateStore } from "../storage/state-store.js";
import { AccessLog } from "./access-log.js";
import { installAuthGuard } from "./guard.js";
import { healthRoutes } from "./health-routes.js";
import { withRedactedRequests } from "./log-redact.js";
import { registerOpenApi } from "./openapi.js";
import { HttpProblem, handleError, handleNotFound } from "./problem.js";
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
}

export async function buildHttpApp(deps: HttpAppDeps): Promise<VigilApp> {
  const options = { trustProxy: deps.trustProxy ?? false, bodyLimit: deps.bodyLimit ?? 10 * 1024 * 1024 };
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

  await app.register(helmet, {
    // The console is often served over plain HTTP on a LAN: do not make browsers upgrade to https.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(context.statusCode, `Too many attempts; retry in ${context.after}`),
  });
  await registerOpenApi(app, deps.version);

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  installAuthGuard(app, (token) => auth.auth.authenticate(token));
  installAuditHook(app, auth.audit);

  await app.register(healthRoutes);
  await app.register(auth.routes);
  for (const feature of deps.features ?? []) await app.register(feature);
  return app;
}
