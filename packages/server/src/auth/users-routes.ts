import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf, siteScopeOf } from "../http/guard.js";
import { problemResponses } from "../http/problem.js";
import { CreateUserBody, IdParams, UpdateUserBody, UserList, UserSchema } from "./auth-schemas.js";
import type { UsersService } from "./users-service.js";

/** /api/v1/users: user administration, admins only. */
export function usersRoutes(deps: { users: UsersService }): FastifyPluginAsyncTypebox {
  const { users } = deps;
  const admin = { access: { role: "admin" } } as const;
  return async (app) => {
    app.get(
      "/api/v1/users",
      {
        config: admin,
        schema: {
          tags: ["users"],
          summary: "List users",
          response: { 200: UserList, ...problemResponses(401, 403) },
        },
      },
      async (request) => ({ items: await users.list(siteScopeOf(request)) }),
    );

    app.post(
      "/api/v1/users",
      {
        config: admin,
        schema: {
          tags: ["users"],
          summary: "Create a user",
          body: CreateUserBody,
          response: { 201: UserSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => reply.code(201).send(await users.create(request.body, siteScopeOf(request))),
    );

    app.put(
      "/api/v1/users/:id",
      {
        config: admin,
        schema: {
          tags: ["users"],
          summary: "Change a user's role, email, password or active flag",
          params: IdParams,
          body: UpdateUserBody,
          response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => users.update(request.params.id, request.body, siteScopeOf(request)),
    );

    app.delete(
      "/api/v1/users/:id",
      {
        config: admin,
        schema: {
          tags: ["users"],
          summary: "Delete a user",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await users.remove(request.params.id, principalOf(request), siteScopeOf(request));
        return reply.code(204).send(null);
      },
    );
  };
}
