import { Type } from "@fastify/type-provider-typebox";

/** TypeBox schemas of the clients and sites routes: validation, types and OpenAPI at once. */
const NAME_PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$";
const NAME_HINT = "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (max 64)";

export const ClientName = Type.String({ pattern: NAME_PATTERN, description: NAME_HINT });
export const SiteName = Type.String({ pattern: NAME_PATTERN, description: NAME_HINT });
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const ClientParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
export const SiteParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });

export const ClientSchema = Type.Object({
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  site_count: Type.Integer(),
  user_count: Type.Integer(),
  created_at: Type.String({ format: "date-time" }),
});
export const ClientList = Type.Object({ items: Type.Array(ClientSchema) });
export const CreateClientBody = Type.Object(
  { name: ClientName, description: Type.Optional(Description) },
  { additionalProperties: false },
);
export const UpdateClientBody = Type.Object(
  { name: Type.Optional(ClientName), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);

export const SiteSchema = Type.Object({
  name: Type.String(),
  /** The same as name: what the console and older integrations read. */
  site: Type.String(),
  client: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  event_count: Type.Integer(),
  first_event: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  last_event: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  source_count: Type.Integer(),
});
export const SiteList = Type.Object({ items: Type.Array(SiteSchema) });
export const CreateSiteBody = Type.Object(
  {
    name: SiteName,
    client: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
export const UpdateSiteBody = Type.Object(
  {
    name: Type.Optional(SiteName),
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Count = Type.Object({ key: Type.String(), count: Type.Integer() });
export const SiteHealthSchema = Type.Object({
  site: SiteSchema,
  health: Type.Object({
    events_per_second: Type.Number({ description: "Over the last 5 minutes" }),
    last_event: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    silent_since: Type.Union([
      Type.String({
        format: "date-time",
        description: "Set when no event arrived for the silence threshold",
      }),
      Type.Null(),
    ]),
    open_alerts: Type.Array(Count, { description: "Open alerts by severity" }),
    active_bans: Type.Integer(),
    top_attackers: Type.Array(
      Type.Object({ ip: Type.String(), count: Type.Integer(), country: Type.String() }),
    ),
    sources: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        last_seen: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
      }),
    ),
  }),
});
