import { type Static, Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { SiteScope } from "../http/access.js";
import type { HttpFeature } from "../http/app.js";
import { principalOf, siteScopeOf } from "../http/guard.js";
import { HttpProblem, ProblemSchema } from "../http/problem.js";
import type { SecretBox } from "../response/enforcement/secret-box.js";
import { clientForWrite } from "../tenancy/scope.js";
import { DEFAULT_DKIM_SELECTORS, selectorsFromHeaders } from "./dkim.js";
import type { DomainPosture } from "./posture.js";
import { type Clients, HISTORY_DAYS, type VigimailRepo } from "./vigimail-repo.js";
import {
  type BreachOut,
  ConfigIn,
  ConfigOut,
  Domain,
  DomainCheck,
  DomainDns,
  Leaks,
  Mailbox,
  Progress,
  Status,
} from "./vigimail-schemas.js";
import { HIBP_URL, LEAKCHECK_URL, type ProviderEnv, type VigimailService } from "./vigimail-service.js";

/** /api/v1/vigimail: the seed's 14 endpoints (docs/VIGIMAIL.md §API). */
const LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
const DOMAIN_RE = new RegExp(`^(?=.{4,253}$)(${LABEL}\\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$`);
const LOCAL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function normaliseDomain(raw: string): string {
  const d = raw.trim().toLowerCase().replace(/\.$/, "");
  if (!DOMAIN_RE.test(d)) throw new HttpProblem(400, `domain: "${raw}" is not a valid domain name`);
  return d;
}

export function normaliseEmail(raw: string): string {
  const e = raw.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  const local = e.slice(0, at);
  if (at < 1 || local.length > 64 || !LOCAL_RE.test(local) || !DOMAIN_RE.test(e.slice(at + 1))) {
    throw new HttpProblem(400, `email: "${raw}" is not a valid mailbox address`);
  }
  return e;
}

/** The clients whose domains and mailboxes a scope sees: every one for staff, else the caller's. */
export function clientsOf(scope: SiteScope): Clients {
  if (scope.kind === "all") return null;
  return scope.client ? [scope.client] : [];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function flattenCheck(p: DomainPosture, at: Date): Static<typeof DomainCheck> {
  return {
    checked_at: at.toISOString(),
    spf_lookup: p.spf.lookup,
    spf_exists: p.spf.exists,
    spf_record: p.spf.record,
    spf_valid: p.spf.valid,
    spf_all: p.spf.all,
    spf_dns_lookups: p.spf.dns_lookups,
    spf_void_lookups: p.spf.void_lookups,
    spf_issues: p.spf.issues,
    dkim_lookup: p.dkim.lookup,
    dkim_exists: p.dkim.exists,
    dkim_selectors: p.dkim.selectors,
    dkim_keys: p.dkim.keys.map(({ record: _r, ...k }) => k),
    dkim_valid: p.dkim.valid,
    dkim_issues: p.dkim.issues,
    dmarc_lookup: p.dmarc.lookup,
    dmarc_exists: p.dmarc.exists,
    dmarc_record: p.dmarc.record,
    dmarc_record_domain: p.dmarc.record_domain,
    dmarc_policy: p.dmarc.policy,
    dmarc_subdomain_policy: p.dmarc.subdomain_policy,
    dmarc_valid: p.dmarc.valid,
    dmarc_issues: p.dmarc.issues,
    mx_lookup: p.mx.lookup,
    mx_exists: p.mx.exists,
    mx_null: p.mx.null_mx,
    mx_records: p.mx.records,
    mx_valid: p.mx.valid,
    mx_issues: p.mx.issues,
    overall_score: p.score,
    overall_status: p.status,
  };
}

export interface VigimailRoutesDeps {
  repo: VigimailRepo;
  service: VigimailService;
  box: SecretBox;
  env: { hibp: ProviderEnv; leakcheck: ProviderEnv };
}

const DomainParams = Type.Object({ domain: Type.String({ maxLength: 300 }) });
const EmailParams = Type.Object({ email: Type.String({ maxLength: 400 }) });
const TAGS = ["vigimail"];

export const vigimailRoutes =
  ({ repo, service, box, env }: VigimailRoutesDeps): HttpFeature =>
  async (app) => {
    const clients = (req: FastifyRequest) => clientsOf(siteScopeOf(req));
    const writeClient = (req: FastifyRequest, requested: string | null | undefined) => {
      const scope = siteScopeOf(req);
      // A scoped caller without a client (a key of a site no client owns) may not write anyone's.
      if (scope.kind === "sites" && !scope.client)
        throw new HttpProblem(403, "Forbidden: you belong to no client");
      // Staff who name no client add to `default`, the client that existed before clients.
      return clientForWrite(scope, requested) ?? "default";
    };
    const domainOf = async (req: FastifyRequest, raw: string) => {
      const name = normaliseDomain(raw);
      const d = await repo.findDomain(name, clients(req));
      if (!d) throw new HttpProblem(404, `The domain ${name} is not monitored`);
      return d;
    };
    const mailboxOf = async (req: FastifyRequest, raw: string) => {
      const email = normaliseEmail(raw);
      const m = await repo.findMailbox(email, clients(req));
      if (!m) throw new HttpProblem(404, `The mailbox ${email} is not monitored`);
      return m;
    };

    async function configOut() {
      const s = await repo.settings();
      const source = (sealed: string | null, envKey: string | null) =>
        sealed ? ("console" as const) : envKey ? ("environment" as const) : null;
      const hibpSource = source(s.hibp_key_sealed, env.hibp.key);
      const leakSource = source(s.leakcheck_key_sealed, env.leakcheck.key);
      return {
        interval_hours: s.interval_hours,
        dkim_selectors: s.dkim_selectors ?? [...DEFAULT_DKIM_SELECTORS],
        dkim_selectors_default: s.dkim_selectors === null,
        providers: {
          hibp: {
            enabled: s.hibp_enabled,
            key_set: hibpSource !== null,
            key_source: hibpSource,
            url: env.hibp.url ?? HIBP_URL,
            requests_per_minute: s.hibp_rpm,
            domain_search: s.hibp_domain_search,
          },
          leakcheck: {
            enabled: s.leakcheck_enabled,
            key_set: leakSource !== null,
            key_source: leakSource,
            url: env.leakcheck.url ?? LEAKCHECK_URL,
          },
        },
        updated_at: s.updated_at.toISOString(),
        updated_by: s.updated_by,
      };
    }

    app.get(
      "/api/v1/vigimail/config",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: TAGS,
          summary:
            "Vigimail settings: check interval, DKIM selectors tried, leak providers (keys never shown)",
          response: { 200: ConfigOut },
        },
      },
      () => configOut(),
    );

    app.put(
      "/api/v1/vigimail/config",
      {
        config: {
          access: { role: "admin", staff: true },
          auditBody: (body) => {
            const b = structuredClone(body) as Static<typeof ConfigIn>;
            for (const p of [b.providers?.hibp, b.providers?.leakcheck]) if (p?.key) p.key = "[sealed]";
            return b;
          },
        },
        schema: {
          tags: TAGS,
          summary: "Change Vigimail settings; provider keys are sealed with the server secret",
          body: ConfigIn,
          response: { 200: ConfigOut, 400: ProblemSchema },
        },
      },
      async (req) => {
        const b = req.body;
        const h = b.providers?.hibp;
        const l = b.providers?.leakcheck;
        const seal = (k: string | null | undefined) =>
          k === undefined ? undefined : k === null ? null : box.seal(k.trim());
        const patch = {
          ...(b.interval_hours !== undefined ? { interval_hours: b.interval_hours } : {}),
          ...(b.dkim_selectors !== undefined
            ? {
                dkim_selectors: b.dkim_selectors
                  ? [...new Set(b.dkim_selectors.map((s) => s.toLowerCase()))]
                  : null,
              }
            : {}),
          ...(h?.enabled !== undefined ? { hibp_enabled: h.enabled } : {}),
          ...(h?.key !== undefined ? { hibp_key_sealed: seal(h.key) ?? null } : {}),
          ...(h?.requests_per_minute !== undefined ? { hibp_rpm: h.requests_per_minute } : {}),
          ...(h?.domain_search !== undefined ? { hibp_domain_search: h.domain_search } : {}),
          ...(l?.enabled !== undefined ? { leakcheck_enabled: l.enabled } : {}),
          ...(l?.key !== undefined ? { leakcheck_key_sealed: seal(l.key) ?? null } : {}),
        };
        const p = principalOf(req);
        await repo.updateSettings(patch, p.kind === "user" ? p.username : p.name);
        return configOut();
      },
    );

    app.get(
      "/api/v1/vigimail/status",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary:
            "Counts of your domains, mailboxes and breaches; the scheduled run; a check-all's progress",
          response: { 200: Status },
        },
      },
      async (req) => {
        const c = clients(req);
        const [counts, s, p] = await Promise.all([repo.counts(c), repo.settings(), service.providers()]);
        const state = service.providerState();
        const runKey = c === null ? "*" : (c[0] ?? "");
        const prov = (configured: boolean, st: (typeof state)["hibp"]) => ({ configured, ...st });
        return {
          domains: counts.domains,
          mailboxes: counts.mailboxes,
          leaked_mailboxes: counts.leaked,
          breaches: counts.breaches,
          interval_hours: s.interval_hours,
          last_run_at: iso(s.last_run_at),
          next_run_at: s.last_run_at
            ? new Date(s.last_run_at.getTime() + s.interval_hours * 3_600_000).toISOString()
            : null,
          check_all: service.run(runKey),
          providers: {
            hibp: prov(p.hibp !== null, state.hibp),
            leakcheck: prov(p.leakcheck !== null, state.leakcheck),
          },
        };
      },
    );

    async function domainOut(
      d: Awaited<ReturnType<VigimailRepo["listDomains"]>>[number],
      latest?: { checked_at: Date; result: DomainPosture },
    ) {
      return {
        domain: d.domain,
        client: d.client,
        created_at: d.created_at.toISOString(),
        last_check_at: iso(d.last_check_at),
        score: d.last_score,
        status: d.last_status,
        dkim_selectors_learnt: d.dkim_selectors,
        check: latest ? flattenCheck(latest.result, latest.checked_at) : null,
      };
    }

    app.get(
      "/api/v1/vigimail/domains",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "Monitored mail domains with their latest posture check",
          response: { 200: Type.Object({ items: Type.Array(Domain) }) },
        },
      },
      async (req) => {
        const domains = await repo.listDomains(clients(req));
        const latest = new Map(
          (await repo.latestChecks(domains.map((d) => d.id))).map((c) => [c.domain_id, c]),
        );
        return { items: await Promise.all(domains.map((d) => domainOut(d, latest.get(d.id)))) };
      },
    );

    app.post(
      "/api/v1/vigimail/domains",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Monitor a mail domain (of your client; staff may name the client)",
          body: Type.Object(
            {
              domain: Type.String({ maxLength: 300 }),
              client: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: { 201: Domain, 400: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        const domain = normaliseDomain(req.body.domain);
        const d = await repo.addDomain(domain, writeClient(req, req.body.client));
        reply.code(201);
        return domainOut(d);
      },
    );

    app.delete(
      "/api/v1/vigimail/domains/:domain",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Stop monitoring a domain (its check history goes with it)",
          params: DomainParams,
          response: { 204: Type.Null(), 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        const d = await domainOf(req, req.params.domain);
        await repo.deleteDomain(d.id);
        reply.code(204);
        return null;
      },
    );

    app.get(
      "/api/v1/vigimail/domains/:domain/dns",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: `The latest SPF / DKIM / DMARC / MX check of a domain and its ${HISTORY_DAYS}-day history`,
          params: DomainParams,
          response: { 200: DomainDns, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => {
        const d = await domainOf(req, req.params.domain);
        const checks = await repo.checks(d.id, 500);
        const latest = checks[0];
        return {
          domain: d.domain,
          client: d.client,
          check: latest ? flattenCheck(latest.result, latest.checked_at) : null,
          history: checks.map((c) => ({
            checked_at: c.checked_at.toISOString(),
            overall_score: c.overall_score,
            overall_status: c.overall_status,
          })),
        };
      },
    );

    app.post(
      "/api/v1/vigimail/domains/:domain/check",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Check a domain's DNS posture now; pasted mail headers teach it DKIM selectors first",
          params: DomainParams,
          body: Type.Optional(
            Type.Object(
              {
                headers: Type.Optional(Type.String({ maxLength: 200_000, description: "Raw mail headers" })),
              },
              { additionalProperties: false },
            ),
          ),
          response: {
            200: Type.Object({
              domain: Type.String(),
              learnt_selectors: Type.Array(Type.String()),
              check: DomainCheck,
            }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (req) => {
        let d = await domainOf(req, req.params.domain);
        const learnt = req.body?.headers ? selectorsFromHeaders(req.body.headers, d.domain) : [];
        if (learnt.length > 0) {
          await repo.learnSelectors(d.id, learnt);
          d = (await repo.findDomain(d.domain, null)) ?? d;
        }
        const posture = await service.checkDomain(d);
        return { domain: d.domain, learnt_selectors: learnt, check: flattenCheck(posture, new Date()) };
      },
    );

    const mailboxOut = (m: Awaited<ReturnType<VigimailRepo["listMailboxes"]>>[number]) => ({
      email: m.email,
      domain: m.domain,
      client: m.client,
      leak_count: m.leak_count,
      status:
        m.leak_count > 0
          ? ("leaked" as const)
          : m.last_success_at
            ? ("clean" as const)
            : ("unchecked" as const),
      created_at: m.created_at.toISOString(),
      last_check_at: iso(m.last_check_at),
      last_success_at: iso(m.last_success_at),
      last_error: m.last_error,
    });

    app.get(
      "/api/v1/vigimail/emails",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "Monitored mailboxes with their leak counts",
          response: { 200: Type.Object({ items: Type.Array(Mailbox) }) },
        },
      },
      async (req) => ({ items: (await repo.listMailboxes(clients(req))).map(mailboxOut) }),
    );

    app.post(
      "/api/v1/vigimail/emails",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Monitor a mailbox for leaks (of your client; staff may name the client)",
          body: Type.Object(
            {
              email: Type.String({ maxLength: 400 }),
              client: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: { 201: Mailbox, 400: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        const email = normaliseEmail(req.body.email);
        const m = await repo.addMailbox(email, writeClient(req, req.body.client));
        reply.code(201);
        return mailboxOut({ ...m, leak_count: 0 });
      },
    );

    app.delete(
      "/api/v1/vigimail/emails/:email",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Stop monitoring a mailbox (its stored breaches go with it)",
          params: EmailParams,
          response: { 204: Type.Null(), 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        const m = await mailboxOf(req, req.params.email);
        await repo.deleteMailbox(m.id);
        reply.code(204);
        return null;
      },
    );

    const leaksOut = async (m: {
      id: string;
      email: string;
      last_check_at: Date | null;
      last_success_at: Date | null;
      last_error: string | null;
    }) => ({
      email: m.email,
      last_check_at: iso(m.last_check_at),
      last_success_at: iso(m.last_success_at),
      last_error: m.last_error,
      breaches: (await repo.breaches(m.id)).map(
        (b): Static<typeof BreachOut> => ({
          source: b.source,
          name: b.name,
          title: b.title,
          breach_domain: b.breach_domain,
          breach_date: b.breach_date,
          data_classes: b.data_classes,
          verified: b.verified,
          sensitive: b.sensitive,
          description: b.description,
          first_seen: b.first_seen.toISOString(),
          last_seen: b.last_seen.toISOString(),
        }),
      ),
    });

    app.get(
      "/api/v1/vigimail/emails/:email/leaks",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "The breaches a mailbox appears in, each once, with first and last seen",
          params: EmailParams,
          response: { 200: Leaks, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => leaksOut(await mailboxOf(req, req.params.email)),
    );

    app.post(
      "/api/v1/vigimail/emails/:email/check",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Ask the leak providers about a mailbox now; a failure keeps the breaches already known",
          params: EmailParams,
          response: {
            200: Type.Object({
              ...Leaks.properties,
              ok: Type.Boolean(),
              error: Type.Union([Type.String(), Type.Null()]),
              new_breaches: Type.Array(Type.String()),
            }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (req) => {
        const m = await mailboxOf(req, req.params.email);
        const outcome = await service.checkMailbox(m);
        const fresh = (await repo.findMailbox(m.email, null)) ?? m;
        return { ...(await leaksOut(fresh)), ...outcome };
      },
    );

    app.post(
      "/api/v1/vigimail/check-all",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: TAGS,
          summary: "Check all your domains and mailboxes in the background; progress here and in /status",
          response: { 202: Progress },
        },
      },
      async (req, reply) => {
        const c = clients(req);
        const { progress } = service.startRun(c === null ? "*" : (c[0] ?? ""), c);
        reply.code(202);
        return progress;
      },
    );
  };
