import { Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import { siteScopeOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { visibleSites } from "../tenancy/scope.js";
import type { BanService } from "./ban-service.js";
import {
  ACTIVE_IPS_LIMIT,
  activeBanIps,
  BOUNCER_LIVE_MS,
  enforcedOn,
  enforcementSummary,
} from "./enforced-on.js";
import { canonicalIp } from "./ip-address.js";
import { fieldError, IpParams } from "./response-schemas.js";

/** Where bans are enforced: the overall status, the banned IPs (for badges), one IP's enforcement. */
const tags = ["bans"];
const Time = Type.String({ format: "date-time" });
const SyncState = Type.Union([Type.Literal("ok"), Type.Literal("failing"), Type.Literal("never")]);

export const banEnforcementRoutes =
  (deps: { db: Kysely<StateDatabase>; bans: BanService }): HttpFeature =>
  async (app) => {
    const { db, bans } = deps;

    app.get(
      "/api/v1/bans/enforcement",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags,
          summary: "Whether bans are enforced anywhere: enabled targets and bouncers that pulled lately",
          response: {
            200: Type.Object({
              targets_enabled: Type.Integer(),
              targets_failing: Type.Integer(),
              bouncers: Type.Integer(),
              bouncers_live: Type.Integer({
                description: `Bouncers that pulled in the last ${BOUNCER_LIVE_MS / 60_000} minutes`,
              }),
              enforced: Type.Boolean({
                description:
                  "false: no enabled target and no live bouncer; bans are recorded but enforced nowhere",
              }),
            }),
          },
        },
      },
      async () => enforcementSummary(db, bans.now()),
    );

    app.get(
      "/api/v1/bans/active-ips",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: `The IPs banned now (active or permanent), newest first, at most ${ACTIVE_IPS_LIMIT}`,
          response: {
            200: Type.Object({ ips: Type.Array(Type.String()), truncated: Type.Boolean() }),
          },
        },
      },
      async (req) => activeBanIps(db, bans.now(), undefined, visibleSites(siteScopeOf(req)) ?? undefined),
    );

    app.get(
      "/api/v1/bans/:ip/enforcement",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags,
          summary: "Where one IP's ban is enforced: each target's sync state, each bouncer's last pull",
          params: IpParams,
          response: {
            200: Type.Object({
              ip: Type.String(),
              in_force: Type.Boolean(),
              changed_at: Time,
              targets: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  type: Type.Union([Type.Literal("sophos_xgs"), Type.Literal("webhook")]),
                  state: Type.Union(
                    [
                      Type.Literal("synced"),
                      Type.Literal("pending"),
                      Type.Literal("failing"),
                      Type.Literal("disabled"),
                    ],
                    {
                      description:
                        "This IP on this target: synced once a push after the ban's last change succeeded",
                    },
                  ),
                  target_state: SyncState,
                  last_sync: Type.Union([Time, Type.Null()]),
                  last_error: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
              bouncers: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  last_pull: Type.Union([Time, Type.Null()]),
                  pulled_since_change: Type.Boolean(),
                }),
              ),
            }),
            ...problemResponses(400, 404),
          },
        },
      },
      async (req) => {
        const ip = canonicalIp(req.params.ip);
        if (!ip) throw fieldError("params", "ip", `"${req.params.ip}" is not an IPv4 or IPv6 address`);
        const found = await enforcedOn(db, ip, bans.now());
        if (!found) throw new HttpProblem(404, `${ip} has never been banned`);
        return found;
      },
    );
  };
