import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import type { HttpFeature } from "../http/app.js";
import { principalOf } from "../http/guard.js";
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem } from "../http/problem.js";
import type { EventStore } from "../storage/event-store.js";
import { BACKTEST_MAX_EVENTS, runBacktest } from "./backtest.js";
import { type ScenarioStore, ScenarioStoreError } from "./scenario-store.js";
import { parseScenarioYaml, ScenarioYamlError } from "./scenario-yaml.js";
import { sigmaImportRoute } from "./sigma/sigma-route.js";
import type { Scenario } from "./types.js";

/**
 * Scenario routes: list and read (audit), write (admin; effective at once, no restart), validate and
 * backtest (analyst). YAML problems answer 400 with `errors: [{field, message, line}]`.
 */
export interface ScenarioRoutesDeps {
  store: Pick<ScenarioStore, "list" | "get" | "scenario" | "create" | "put" | "remove">;
  eventStore: EventStore;
  maxBacktestEvents?: number;
}

const TAGS = ["scenarios"];
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
const YamlBody = Type.Object({ yaml: Type.String({ minLength: 1, maxLength: 65_536 }) });
const TestBody = Type.Object({
  from: Type.String({ format: "date-time" }),
  to: Type.String({ format: "date-time" }),
  yaml: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
});

function actorOf(request: Parameters<typeof principalOf>[0]): string {
  const p = principalOf(request);
  return p.kind === "user" ? p.username : `apikey:${p.name}`;
}

/** Answers a store or YAML error as problem+json; anything else propagates. */
function answerError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ScenarioYamlError) {
    const detail = `Invalid scenario: ${err.issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")}`;
    return reply
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem(400, detail), errors: err.issues });
  }
  if (err instanceof ScenarioStoreError) throw new HttpProblem(err.status, err.message);
  throw err;
}

export function scenarioRoutes(deps: ScenarioRoutesDeps): HttpFeature {
  const { store } = deps;
  return async (app) => {
    app.get(
      "/api/v1/scenarios",
      {
        config: { access: { role: "audit" } },
        schema: { tags: TAGS, summary: "List scenarios with their fire counts" },
      },
      async () => ({ items: store.list() }),
    );

    app.get(
      "/api/v1/scenarios/:name",
      {
        config: { access: { role: "audit" } },
        schema: { tags: TAGS, summary: "One scenario", params: NameParams },
      },
      async (request) => {
        const item = store.get(request.params.name);
        if (!item) throw new HttpProblem(404, `No scenario named '${request.params.name}'`);
        return item;
      },
    );

    app.post(
      "/api/v1/scenarios",
      {
        config: { access: { role: "supervisor", staff: true } },
        schema: { tags: TAGS, summary: "Add a scenario (YAML)", body: YamlBody },
      },
      async (request, reply) => {
        try {
          return reply.code(201).send(await store.create(request.body.yaml, actorOf(request)));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    sigmaImportRoute(app, store, actorOf);

    app.put(
      "/api/v1/scenarios/:name",
      {
        config: { access: { role: "supervisor", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Replace a scenario's YAML (takes effect at once)",
          params: NameParams,
          body: YamlBody,
        },
      },
      async (request, reply) => {
        try {
          return await store.put(request.params.name, request.body.yaml, actorOf(request));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.delete(
      "/api/v1/scenarios/:name",
      {
        config: { access: { role: "supervisor", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Delete a scenario (a shipped one is disabled instead)",
          params: NameParams,
        },
      },
      async (request, reply) => {
        try {
          await store.remove(request.params.name, actorOf(request));
          return reply.code(204).send();
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.post(
      "/api/v1/scenarios/validate",
      {
        config: { access: { role: "analyst" } },
        schema: { tags: TAGS, summary: "Check scenario YAML without saving it", body: YamlBody },
      },
      async (request, reply) => {
        try {
          return { ok: true, scenario: parseScenarioYaml(request.body.yaml) };
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.post(
      "/api/v1/scenarios/:name/test",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: `Backtest a scenario over stored events (at most ${BACKTEST_MAX_EVENTS.toLocaleString("en")} scanned); acts on nothing`,
          params: NameParams,
          body: TestBody,
        },
      },
      async (request, reply) => {
        const { from, to, yaml } = request.body;
        const fromMs = Date.parse(from);
        const toMs = Date.parse(to);
        if (!(fromMs < toMs)) throw new HttpProblem(400, "'from' must be before 'to'");
        let scenario: Scenario | null;
        try {
          scenario = yaml !== undefined ? parseScenarioYaml(yaml) : store.scenario(request.params.name);
        } catch (err) {
          return answerError(reply, err);
        }
        if (!scenario) throw new HttpProblem(404, `No scenario named '${request.params.name}'`);
        const p = principalOf(request);
        const site = p.kind === "apikey" && p.site !== null ? p.site : undefined;
        return runBacktest({
          store: deps.eventStore,
          scenario,
          from: fromMs,
          to: toMs,
          ...(deps.maxBacktestEvents !== undefined ? { maxEvents: deps.maxBacktestEvents } : {}),
          ...(site !== undefined ? { site } : {}),
        });
      },
    );
  };
}
