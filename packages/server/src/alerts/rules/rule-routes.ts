import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import type { Kysely } from "kysely";
import type { HttpFeature } from "../../http/app.js";
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem, problemResponses } from "../../http/problem.js";
import type { EventStore } from "../../storage/event-store.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { alertFromRow } from "../alert-rows.js";
import { loadKnownRefs } from "./rule-known.js";
import type { RuleLike } from "./rule-scenario.js";
import { AlertRuleSchema, RangeFields, RuleBody, RuleIdParams, TestResultSchema } from "./rule-schemas.js";
import { type RuleStore, RuleStoreError } from "./rule-store.js";
import { DEFAULT_TEST_RANGE_MS, MAX_TEST_RANGE_MS, testRule } from "./rule-test.js";
import { durationMs, type RuleDefinition, type RuleProblem, validateRule } from "./rule-validation.js";

/**
 * Alert-rule routes: audit reads, admin writes (effective at once: the store tells the live engine),
 * analysts run tests. A bad rule answers 400 problem+json whose `detail` names the first field and
 * whose `errors` list every problem as {field, message} with body-relative paths (`detection.window`).
 */
export interface RuleRoutesDeps {
  db: Kysely<StateDatabase>;
  store: RuleStore;
  eventStore: EventStore;
  maxTestEvents?: number;
}

const tags = ["alert-rules"];

/** Thrown inside a handler, answered by answerError. */
class RuleInvalid extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super("invalid alert rule");
  }
}

function answerError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof RuleInvalid) {
    const [first] = err.problems;
    const more = err.problems.length > 1 ? ` (and ${err.problems.length - 1} more)` : "";
    const detail = first
      ? `Invalid alert rule: ${first.field ? `${first.field}: ` : ""}${first.message}${more}`
      : "Invalid alert rule";
    return reply
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(400, detail, err.problems));
  }
  if (err instanceof RuleStoreError) throw new HttpProblem(err.status, err.message);
  throw err;
}

async function checked(db: Kysely<StateDatabase>, body: unknown): Promise<RuleDefinition> {
  const result = validateRule(body, await loadKnownRefs(db, body));
  if (!result.ok) throw new RuleInvalid(result.problems);
  return result.rule;
}

function range(
  q: { from?: string | undefined; to?: string | undefined },
  now: number,
): { from: number; to: number } {
  const to = q.to !== undefined ? Date.parse(q.to) : now;
  const from = q.from !== undefined ? Date.parse(q.from) : to - DEFAULT_TEST_RANGE_MS;
  if (!(from < to)) throw new HttpProblem(400, "'from' must be before 'to'");
  if (to - from > MAX_TEST_RANGE_MS) throw new HttpProblem(400, "A rule test covers at most 31 days");
  return { from, to };
}

export function ruleRoutes(deps: RuleRoutesDeps): HttpFeature {
  const { db, store } = deps;
  const runTest = (rule: RuleLike & { id?: string }, cooldownMs: number, r: { from: number; to: number }) =>
    testRule({
      eventStore: deps.eventStore,
      rule,
      cooldownMs,
      ...r,
      ...(deps.maxTestEvents !== undefined ? { maxEvents: deps.maxTestEvents } : {}),
    });

  return async (app) => {
    app.get(
      "/api/v1/alert-rules",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Alert rules, by name, with trigger counts",
          response: { 200: Type.Object({ items: Type.Array(AlertRuleSchema) }) },
        },
      },
      async () => ({ items: await store.list() }),
    );

    app.get(
      "/api/v1/alert-rules/:id",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "One alert rule",
          params: RuleIdParams,
          response: { 200: AlertRuleSchema, ...problemResponses(404) },
        },
      },
      async (req) => {
        const rule = await store.get(req.params.id);
        if (!rule) throw new HttpProblem(404, `No alert rule with id ${req.params.id}`);
        return rule;
      },
    );

    app.post(
      "/api/v1/alert-rules",
      {
        config: { access: { role: "admin" } },
        schema: {
          tags,
          summary: "Add an alert rule (live at once)",
          body: RuleBody,
          response: { 201: AlertRuleSchema, ...problemResponses(400, 409) },
        },
      },
      async (req, reply) => {
        try {
          return reply.code(201).send(await store.create(await checked(db, req.body)));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.put(
      "/api/v1/alert-rules/:id",
      {
        config: { access: { role: "admin" } },
        schema: {
          tags,
          summary: "Replace an alert rule (live at once; windows kept when the detection is unchanged)",
          params: RuleIdParams,
          body: RuleBody,
          response: { 200: AlertRuleSchema, ...problemResponses(400, 404, 409) },
        },
      },
      async (req, reply) => {
        try {
          return await store.update(req.params.id, await checked(db, req.body));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.delete(
      "/api/v1/alert-rules/:id",
      {
        config: { access: { role: "admin" } },
        schema: { tags, summary: "Delete an alert rule (its alerts are kept)", params: RuleIdParams },
      },
      async (req, reply) => {
        try {
          await store.remove(req.params.id);
          return reply.code(204).send();
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.post(
      "/api/v1/alert-rules/test",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: "Preview an unsaved rule over stored events (acts on nothing; at most 31 days)",
          body: Type.Object({ rule: RuleBody, ...RangeFields }, { additionalProperties: false }),
          response: { 200: TestResultSchema, ...problemResponses(400) },
        },
      },
      async (req, reply) => {
        const r = range(req.body, Date.now());
        try {
          const def = await checked(db, req.body.rule);
          return await runTest(def, def.cooldownMs, r);
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.post(
      "/api/v1/alert-rules/:id/test",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: "Run a rule over stored events: what would have fired, with counts per bucket",
          params: RuleIdParams,
          body: Type.Object(RangeFields, { additionalProperties: false }),
          response: { 200: TestResultSchema, ...problemResponses(400, 404) },
        },
      },
      async (req) => {
        const r = range(req.body ?? {}, Date.now());
        const rule = await store.get(req.params.id);
        if (!rule) throw new HttpProblem(404, `No alert rule with id ${req.params.id}`);
        return runTest(rule, durationMs(rule.cooldown) ?? 0, r);
      },
    );

    app.get(
      "/api/v1/alert-rules/:id/history",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Alerts this rule raised, newest first",
          params: RuleIdParams,
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        },
      },
      async (req) => {
        const rows = await db
          .selectFrom("alerts")
          .selectAll()
          .where("rule_id", "=", req.params.id)
          .orderBy("created_at", "desc")
          .orderBy("id", "desc")
          .limit(req.query.limit)
          .execute();
        return { items: rows.map(alertFromRow) };
      },
    );
  };
}
