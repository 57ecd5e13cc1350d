import { Type } from "@fastify/type-provider-typebox";
import { RoleSchema } from "./auth-schemas.js";

/** TypeBox schemas of the MFA and own-session routes. */
const Code = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "The current 6-digit code from the authenticator app, or an unused recovery code",
});

export const MfaEnrollReply = Type.Object({
  secret: Type.String({ description: "Base32 TOTP secret, for typing into the app by hand" }),
  otpauth_url: Type.String({ description: "otpauth://totp/… URI, to show as a QR code" }),
});

export const MfaConfirmBody = Type.Object(
  {
    code: Type.String({ pattern: "^\\s*\\d{6}\\s*$", description: "The current 6-digit code from the app" }),
  },
  { additionalProperties: false },
);
export const MfaConfirmReply = Type.Object({
  recovery_codes: Type.Array(Type.String(), {
    minItems: 10,
    maxItems: 10,
    description: "Single-use codes for when the phone is lost: shown only in this response",
  }),
});

export const MfaDisableBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }), code: Code },
  { additionalProperties: false },
);

export const MfaChallengeReply = Type.Object({
  mfa_required: Type.Literal(true),
  mfa_token: Type.String({
    description: "Opaque, single use, valid for minutes: send it with a code to POST /api/v1/auth/mfa/verify",
  }),
});

export const MfaVerifyBody = Type.Object(
  { mfa_token: Type.String({ minLength: 1, maxLength: 200 }), code: Code },
  { additionalProperties: false },
);

export const MfaPolicy = Type.Object(
  {
    required_roles: Type.Array(RoleSchema, {
      uniqueItems: true,
      description: "Users of these roles must turn MFA on before they can use the API",
    }),
  },
  { additionalProperties: false },
);

export const OwnSession = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: "date-time" }),
  last_seen_at: Type.String({ format: "date-time" }),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: "The session making this request" }),
});
export const OwnSessionList = Type.Object({ items: Type.Array(OwnSession) });
