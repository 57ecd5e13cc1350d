import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";

/** GET /health: liveness for load balancers and container probes; public and cheap. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/health",
    {
      config: { access: "public", audit: false },
      schema: {
        tags: ["system"],
        summary: "Liveness",
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );
};
