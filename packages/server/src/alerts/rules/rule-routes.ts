import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { isUuid } from "../../events/event-cursor.js";
import type { HttpFeature } from "../../http/app.js";
import { siteScopeOf } from "../../http/guard.js";
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem, problemResponses } from "../../http/problem.js";
import type { EventStore } from "../../storage/event-store.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { clientOfWrite, ownedBy } from "../alert-clients.js";
import { alertFromRow } from "../alert-rows.js";
import { AlertSchema } from "../alert-schemas.js";
import type { AlertRule } from "../types.js";
import { loadKnownRefs } from "./rule-known.js";
import type { RuleLike } from "./rule-scenario.js";
import { AlertRuleSchema, RangeFields, RuleBody, RuleIdParams, TestResultSchema } from "./rule-schemas.js";
import { type RuleStore, RuleStoreError } from "./rule-store.js";
import { DEFAULT_TEST_RANGE_MS, MAX_TEST_RANGE_MS, testRule } from "./rule-test.js";
import { durationMs, type RuleDefinition, type RuleProblem, validateRule } from "./rule-validation.js";

/**
 * Alert-rule routes: audit reads, supervisors write (effective at once: the store tells the live
 * engine), analysts run tests. A bad rule answers 400 problem+json whose `detail` names the first field
 * and whose `errors` list every problem as {field, message} with body-relative paths (`detection.window`).
 *
 * Rules belong to a client or (client null) to the operator. A client's users see and write their
 * client's rules only (another's `:id` is 404, as if it did not exist); operator staff see all. A
 * client's rule names only that client's sites (403) and channels (400), and matches only events of
 * that client's sites however it is written (rule-scenario.ts).
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

/**
 * A valid rule as the caller may write it: its client settled from the caller's scope (`current`:
 * the rule a PUT replaces), its sites those of that client, its channels that client's.
 */
async function scoped(
  db: Kysely<StateDatabase>,
  req: FastifyRequest,
  body: unknown,
  current?: AlertRule,
): Promise<RuleDefinition> {
  const def = await checked(db, body);
  const requested = (body as { client?: unknown }).client;
  const client = await clientOfWrite(db, siteScopeOf(req), requested, current?.client ?? null);
  if (client === null) return { ...def, client };
  const own = req.server.siteDirectory.sitesOf(client);
  const foreign = def.sites.find((s) => !own.includes(s));
  if (foreign !== undefined) {
    throw new HttpProblem(403, `Forbidden: site "${foreign}" is not a site of client "${client}"`);
  }
  const named = [
    ...def.channels.map((id, i) => ({ id, field: `channels[${i}]` })),
    ...(def.escalation?.channels ?? []).map((id, i) => ({ id, field: `escalation.channels[${i}]` })),
  ];
  if (named.length > 0) {
    const rows = await db
      .selectFrom("notification_channels")
      .select(["id", "client"])
      .where("id", "in", [...new Set(named.map((n) => n.id))])
      .execute();
    const clientOf = new Map(rows.map((r) => [r.id, r.client]));
    const problems = named
      .filter((n) => clientOf.get(n.id) !== client)
      .map((n) => ({ field: n.field, message: `channel ${n.id} is not one of client ${client}'s channels` }));
    if (problems.length > 0) throw new RuleInvalid(problems);
  }
  return { ...def, client };
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

  return async (app) => {
    const runTest = (rule: RuleLike & { id?: string }, cooldownMs: number, r: { from: number; to: number }) =>
      testRule({
        eventStore: deps.eventStore,
        rule,
        cooldownMs,
        sitesOf: (client) => app.siteDirectory.sitesOf(client),
        ...r,
        ...(deps.maxTestEvents !== undefined ? { maxEvents: deps.maxTestEvents } : {}),
      });

    // Every /alert-rules/:id route: another client's rule does not exist for a client's user.
    app.addHook("preHandler", async (req) => {
      const id = (req.params as { id?: unknown } | undefined)?.id;
      if (typeof id !== "string" || !isUuid(id) || !req.siteScope || req.siteScope.kind === "all") return;
      const row = await db.selectFrom("alert_rules").select("client").where("id", "=", id).executeTakeFirst();
      if (row && !ownedBy(siteScopeOf(req), row.client)) {
        throw new HttpProblem(404, `No alert rule with id ${id}`);
      }
    });

    app.get(
      "/api/v1/alert-rules",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Alert rules, by name, with trigger counts (a client's user: their client's)",
          response: { 200: Type.Object({ items: Type.Array(AlertRuleSchema) }) },
        },
      },
      async (req) => {
        const scope = siteScopeOf(req);
        return { items: (await store.list()).filter((r) => ownedBy(scope, r.client)) };
      },
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
        config: { access: { role: "supervisor" } },
        schema: {
          tags,
          summary: "Add an alert rule (live at once); a client's user adds one for their client",
          body: RuleBody,
          response: { 201: AlertRuleSchema, ...problemResponses(400, 403, 409) },
        },
      },
      async (req, reply) => {
        try {
          return reply.code(201).send(await store.create(await scoped(db, req, req.body)));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.put(
      "/api/v1/alert-rules/:id",
      {
        config: { access: { role: "supervisor" } },
        schema: {
          tags,
          summary: "Replace an alert rule (live at once; windows kept when the detection is unchanged)",
          params: RuleIdParams,
          body: RuleBody,
          response: { 200: AlertRuleSchema, ...problemResponses(400, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        try {
          const current = await store.get(req.params.id);
          if (!current) throw new HttpProblem(404, `No alert rule with id ${req.params.id}`);
          return await store.update(req.params.id, await scoped(db, req, req.body, current));
        } catch (err) {
          return answerError(reply, err);
        }
      },
    );

    app.delete(
      "/api/v1/alert-rules/:id",
      {
        config: { access: { role: "supervisor" } },
        schema: {
          tags,
          summary: "Delete an alert rule (its alerts are kept)",
          params: RuleIdParams,
          response: { 204: Type.Null(), ...problemResponses(404) },
        },
      },
      async (req, reply) => {
        try {
          await store.remove(req.params.id);
          return reply.code(204).send(null);
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
          response: { 200: TestResultSchema, ...problemResponses(400, 403) },
        },
      },
      async (req, reply) => {
        const r = range(req.body, Date.now());
        try {
          const def = await scoped(db, req, req.body.rule);
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
          response: { 200: Type.Object({ items: Type.Array(AlertSchema) }), ...problemResponses(404) },
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
