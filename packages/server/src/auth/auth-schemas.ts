import { Type } from "@fastify/type-provider-typebox";
import { API_KEY_SCOPES, ROLES } from "../http/access.js";
import { MIN_PASSWORD_LENGTH } from "./secrets.js";

/** TypeBox schemas of the auth, users, API-key and audit routes: validation, types and OpenAPI at once. */
/** A string enum as plain JSON Schema `enum`: one clear validation message listing the allowed values. */
export function stringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

export const RoleSchema = stringEnum(ROLES, { description: "admin ⊃ supervisor ⊃ analyst ⊃ audit" });
/** A user's or key's client (tenant); null: operator staff, who see every client. */
export const ClientRef = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  description: "Client name; null = operator staff (every client)",
});
export const ScopeSchema = stringEnum(API_KEY_SCOPES);

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9._@-]+$" });
export const NewPassword = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 });
/** An email address or null (one schema, so a bad address gets one clear message). */
export const NullableEmail = Type.Unsafe<string | null>({
  type: ["string", "null"],
  format: "email",
  maxLength: 320,
});
export const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });

export const MeSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  client: Type.Optional(ClientRef),
  email: Type.Union([Type.String(), Type.Null()]),
  mfa_enabled: Type.Boolean(),
  mfa_enrollment_required: Type.Boolean({
    description: "The role must use MFA and it is not on yet: only enrolment, /auth/me and logout answer",
  }),
});

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export const LoginReply = Type.Object({
  token: Type.String({ description: "Send as Authorization: Bearer <token>" }),
  expires_at: Type.String({ format: "date-time", description: "Sliding: each use extends the session" }),
  user: MeSchema,
  mfa_enrollment_required: Type.Optional(
    Type.Literal(true, { description: "This session may only enrol MFA (POST /auth/mfa/enroll, /confirm)" }),
  ),
});

export const PasswordBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 1024 }), new_password: NewPassword },
  { additionalProperties: false },
);

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  client: ClientRef,
  email: Type.Union([Type.String(), Type.Null()]),
  is_active: Type.Boolean(),
  mfa_enabled: Type.Boolean(),
  last_login: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
});
export const UserList = Type.Object({ items: Type.Array(UserSchema) });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    password: NewPassword,
    role: RoleSchema,
    email: Type.Optional(NullableEmail),
    client: Type.Optional(ClientRef),
  },
  { additionalProperties: false },
);
export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    client: Type.Optional(ClientRef),
    email: Type.Optional(NullableEmail),
    password: Type.Optional(NewPassword),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: "The key's first characters, to tell keys apart" }),
  scopes: Type.Array(ScopeSchema),
  site: Type.Union([Type.String(), Type.Null()], {
    description: "A key bound to a site: it reads and ingests that site's events only",
  }),
  client: Type.Union([Type.String(), Type.Null()], {
    description: "The client the key acts for; null (and no site): an operator key",
  }),
  created_by: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export const ApiKeyList = Type.Object({ items: Type.Array(ApiKeySchema) });
export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: API_KEY_SCOPES.length, uniqueItems: true }),
    site: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export const CreatedApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(ScopeSchema),
  site: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  key: Type.String({ description: "The secret key: shown only in this response, store it now" }),
});

export const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 200, description: "Substring of 'METHOD /path'" })),
  target: Type.Optional(Type.String({ maxLength: 200, description: "Substring of the target (id or name)" })),
  from: Type.Optional(Type.String({ format: "date-time", description: "Entries at or after" })),
  to: Type.Optional(Type.String({ format: "date-time", description: "Entries before" })),
});
export const AuditList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      at: Type.String({ format: "date-time" }),
      actor: Type.String(),
      actor_kind: Type.String(),
      action: Type.String(),
      target: Type.Union([Type.String(), Type.Null()]),
      detail: Type.Unknown(),
      status: Type.Integer(),
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
