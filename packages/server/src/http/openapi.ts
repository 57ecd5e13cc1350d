import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import type { Access } from "./access.js";
import { DOCS_PREFIX } from "./route-catalogue.js";

function describeAccess(access: Access | undefined): string {
  if (access === undefined || access === "public") return "Public: no token needed.";
  if ("scope" in access) {
    return access.role
      ? `Needs an API key with the \`${access.scope}\` scope, or a user with the \`${access.role}\` role or above.`
      : `Needs an API key with the \`${access.scope}\` scope.`;
  }
  return `Needs a signed-in user with the \`${access.role}\` role or above.`;
}

/**
 * The OpenAPI document (`/api/docs/json`) and its UI (`/api/docs`), built from the route schemas.
 * Each operation says who may call it, and public ones are marked as needing no bearer token.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Vigil API",
        version,
        description:
          "Errors are RFC 7807 `application/problem+json` documents. Authenticate with " +
          "`Authorization: Bearer <token>`: a session token from `POST /api/v1/auth/login` or an API key (`vk_…`).",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "Session token or API key (vk_…)" },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      const description = [schema?.description, describeAccess(access)].filter(Boolean).join("\n\n");
      return {
        url,
        schema: { ...schema, description, ...(access === "public" ? { security: [] } : {}) },
      };
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: false });
}
