import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { HttpFeature } from "../../http/app.js";
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem } from "../../http/problem.js";
import type { ScenarioItem } from "../scenario-store.js";
import { ScenarioStoreError } from "../scenario-store.js";
import { convertSigma, SigmaImportError } from "./convert.js";

/**
 * `POST /api/v1/scenarios/import/sigma`: a Sigma rule in, the scenario it makes out. With `dry_run`
 * nothing is saved (the console's preview); otherwise the scenario is created through the scenario
 * store, with the same access as creating one by hand. Refusals answer 400 with one entry per
 * unsupported construct: `errors: [{field, message, construct, line}]`.
 */
const SigmaBody = Type.Object({
  yaml: Type.String({ minLength: 1, maxLength: 65_536, description: "One Sigma rule, as YAML" }),
  dry_run: Type.Optional(Type.Boolean({ description: "Convert and answer, save nothing" })),
  action: Type.Optional(
    Type.Union([Type.Literal("alert"), Type.Literal("ban")], {
      description: "What the scenario does when the rule matches (default alert, whatever the rule's level)",
    }),
  ),
  name: Type.Optional(
    Type.String({
      pattern: "^[a-z0-9][a-z0-9_-]{0,63}$",
      description: "Scenario name (default sigma-<title>)",
    }),
  ),
});

type App = Parameters<HttpFeature>[0];

export function sigmaImportRoute(
  app: App,
  store: { create(yaml: string, actor: string): Promise<ScenarioItem> },
  actorOf: (request: FastifyRequest) => string,
): void {
  app.post(
    "/api/v1/scenarios/import/sigma",
    {
      config: { access: { role: "supervisor", staff: true } },
      schema: {
        tags: ["scenarios"],
        summary: "Import a Sigma rule (webserver, proxy, linux auth, firewall) as a scenario",
        body: SigmaBody,
      },
    },
    async (request, reply) => {
      const { yaml, dry_run: dryRun, action, name } = request.body;
      let conversion: ReturnType<typeof convertSigma>;
      try {
        conversion = convertSigma(yaml, { ...(action ? { action } : {}), ...(name ? { name } : {}) });
      } catch (err) {
        if (!(err instanceof SigmaImportError)) throw err;
        return reply
          .code(400)
          .type(PROBLEM_CONTENT_TYPE)
          .send({
            ...problem(400, err.message),
            errors: err.issues.map((i) => ({
              field: i.place,
              construct: i.construct,
              message: `${i.construct}: ${i.message}`,
              line: i.line ?? 1,
            })),
          });
      }
      const answer = { name: conversion.name, yaml: conversion.yaml, warnings: conversion.warnings };
      if (dryRun) return { ...answer, created: false };
      try {
        const scenario = await store.create(conversion.yaml, actorOf(request));
        return reply.code(201).send({ ...answer, created: true, scenario });
      } catch (err) {
        if (err instanceof ScenarioStoreError) throw new HttpProblem(err.status, err.message);
        throw err;
      }
    },
  );
}
