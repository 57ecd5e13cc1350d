import { existsSync, statSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { HttpFeature } from "../http/app.js";
import { HttpProblem } from "../http/problem.js";

/**
 * Serves the built console (packages/web/dist) at `/`, with the SPA fallback: any GET that is not an API
 * path and not a file answers index.html, so client-side routes (/events?src_ip=…) load directly.
 */
export function findConsoleDir(explicit: string | null): string | null {
  const candidates = explicit
    ? [explicit]
    : [resolve(import.meta.dirname, "../../../web/dist"), resolve(process.cwd(), "packages/web/dist")];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? null;
}

const API_PREFIXES = ["/api/", "/metrics", "/health"];

export const consoleRoutes =
  (dir: string | null): HttpFeature =>
  async (app) => {
    if (dir) await app.register(fastifyStatic, { root: dir, serve: false });
    app.get("/*", { config: { access: "public" }, schema: { hide: true } }, async (req, reply) => {
      // Fastify has already decoded the path once; decoding again would misread a literal "%" (and throw).
      const path = (req.params as { "*": string })["*"] ?? "";
      if (API_PREFIXES.some((p) => req.url.startsWith(p)))
        throw new HttpProblem(404, `No route ${req.method} ${req.url}`);
      if (!dir) {
        return reply
          .type("text/plain")
          .send("The console is not built. Run `npm run build` (npm start does it) and reload.");
      }
      const file = normalize(join(dir, path));
      if (path && file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile()) {
        // Vite fingerprints asset names, so they can be cached for good; index.html never is.
        if (path.startsWith("assets/")) reply.header("cache-control", "public, max-age=31536000, immutable");
        return reply.sendFile(path);
      }
      reply.header("cache-control", "no-cache");
      return reply.sendFile("index.html");
    });
  };
