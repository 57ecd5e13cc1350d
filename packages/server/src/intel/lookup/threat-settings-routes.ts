import { Type } from "@fastify/type-provider-typebox";
import type { HttpFeature } from "../../http/app.js";
import { HttpProblem, problemResponses } from "../../http/problem.js";
import type { ProviderSettings, ProviderSettingsChange } from "./provider-settings.js";
import type { ThreatLookup } from "./threat-lookup.js";
import { ProviderStatus } from "./threat-routes.js";

/**
 * Settings → Threat intelligence: a provider's API key and daily limit, set at run time. The keys are
 * the platform's (every client's lookups spend them), so only operator staff admins may change them.
 * The key goes in and never comes out: the answer, the audit row and the logs say only whether one
 * is set and where it comes from.
 */
// Type lists, not unions: Fastify's validator coerces within a union ("" would pass as null, a null
// limit as 0), while a value already of one of the listed types is taken as it is.
const Body = Type.Object(
  {
    key: Type.Optional(
      Type.Unsafe<string | null>({
        type: ["string", "null"],
        // Printable ASCII without spaces: every provider's keys are, and a line break in a header
        // value would be an injection.
        minLength: 1,
        maxLength: 512,
        pattern: "^[\\x21-\\x7e]+$",
        description:
          "the API key (replaces the console's and wins over the environment's); null removes the console's",
      }),
    ),
    daily_limit: Type.Optional(
      Type.Unsafe<number | null | "default">({
        type: ["integer", "null", "string"],
        minimum: 0,
        maximum: 100_000_000,
        pattern: "^default$",
        description: 'calls per UTC day; null = no limit; "default" = the provider\'s free quota',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What the audit row keeps: that the key changed, never the key. */
function auditBody(body: unknown): unknown {
  if (body === null || typeof body !== "object") return body;
  const { key, ...rest } = body as Record<string, unknown>;
  return key === undefined ? rest : { ...rest, key_change: key === null ? "removed" : "set" };
}

export interface ThreatSettingsRoutesDeps {
  lookup: ThreatLookup;
  settings: ProviderSettings;
}

export const threatSettingsRoutes =
  ({ lookup, settings }: ThreatSettingsRoutesDeps): HttpFeature =>
  async (app) => {
    app.put(
      "/api/v1/threats/providers/:name",
      {
        config: { access: { role: "admin", staff: true }, auditBody },
        schema: {
          tags: ["threats"],
          summary:
            "Set or remove a threat-intelligence provider's API key, or change its daily limit (staff admins)",
          params: Type.Object({ name: Type.String({ maxLength: 64 }) }),
          body: Body,
          response: { 200: ProviderStatus, ...problemResponses(400, 403, 404) },
        },
      },
      async (req) => {
        const { name } = req.params;
        const before = (await lookup.providers()).find((p) => p.name === name);
        if (!before) throw new HttpProblem(404, `No threat-intelligence provider named ${name}`);
        const change: ProviderSettingsChange = req.body;
        // Unknown fields are dropped by the validator: what is left may be nothing.
        if (change.key === undefined && change.daily_limit === undefined)
          throw new HttpProblem(400, "nothing to change: give key and/or daily_limit");
        // IPsum is a downloaded list: no key to send, no call to count.
        if (before.list && change.key !== undefined)
          throw new HttpProblem(400, `key: ${name} takes no key (a public list)`);
        if (before.list && change.daily_limit !== undefined)
          throw new HttpProblem(400, `daily_limit: ${name} is answered from memory and spends no quota`);
        const p = req.principal;
        const by = p?.kind === "user" ? p.username : p?.kind === "apikey" ? p.name : null;
        await settings.update(name, change, by);
        req.log.info(
          {
            provider: name,
            ...(change.key !== undefined ? { key: change.key === null ? "removed" : "set" } : {}),
            ...(change.daily_limit !== undefined ? { daily_limit: change.daily_limit } : {}),
          },
          "threat-intel provider settings changed",
        );
        const after = (await lookup.providers()).find((p) => p.name === name);
        return after as NonNullable<typeof after>;
      },
    );
  };
