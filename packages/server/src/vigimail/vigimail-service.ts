import type { Logger } from "pino";
import type { NewAlert } from "../alerts/types.js";
import type { SecretBox } from "../response/enforcement/secret-box.js";
import { DEFAULT_DKIM_SELECTORS } from "./dkim.js";
import {
  type Breach,
  type HibpClient,
  hibpClient,
  type LeakCheckClient,
  leakCheckClient,
  Pacer,
  type ProviderHttp,
} from "./leak-providers.js";
import { checkDomainPosture, type DomainPosture } from "./posture.js";
import type { DnsLookup } from "./resolver.js";
import type { Clients, VigimailRepo } from "./vigimail-repo.js";

/**
 * Vigimail's work: check a domain's DNS posture, check a mailbox with the leak providers, and run
 * everything visible to a caller (or everything, for the scheduled run) with progress. Alerts: a
 * breach seen for the first time on a mailbox, and a domain scoring worse than its previous check.
 */
export const HIBP_URL = "https://haveibeenpwned.com/api/v3";
export const LEAKCHECK_URL = "https://leakcheck.io/api/v2";
/** LeakCheck's documented default: 3 requests per second on any plan. */
const LEAKCHECK_INTERVAL_MS = 350;

export type ProviderName = "hibp" | "leakcheck";

export interface ProviderEnv {
  key: string | null;
  url: string | null;
}

export interface VigimailServiceOptions {
  repo: VigimailRepo;
  dns: DnsLookup;
  box: SecretBox;
  env: { hibp: ProviderEnv; leakcheck: ProviderEnv };
  userAgent: string;
  raise: (alert: NewAlert) => Promise<unknown>;
  /** A site of the client, so the client's users see the alert (alerts are scoped by site). */
  siteFor: (client: string) => string | undefined;
  log: Pick<Logger, "warn" | "info" | "error">;
  http?: ProviderHttp;
}

export interface ProviderState {
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

export interface RunProgress {
  running: boolean;
  done: number;
  total: number;
  failed: number;
  started_at: string;
  finished_at: string | null;
}

export interface MailboxCheckOutcome {
  ok: boolean;
  error: string | null;
  new_breaches: string[];
}

type DomainRow = Awaited<ReturnType<VigimailRepo["listDomains"]>>[number];
type MailboxRow = Awaited<ReturnType<VigimailRepo["listMailboxes"]>>[number];

export function createVigimailService(o: VigimailServiceOptions) {
  const hibpPacer = new Pacer(6_000);
  const leakPacer = new Pacer(LEAKCHECK_INTERVAL_MS);
  const providerState: Record<ProviderName, ProviderState> = {
    hibp: { last_success_at: null, last_error: null, last_error_at: null },
    leakcheck: { last_success_at: null, last_error: null, last_error_at: null },
  };
  const runs = new Map<string, RunProgress>();

  const open = (sealed: string | null) => {
    if (!sealed) return null;
    try {
      return o.box.open(sealed);
    } catch (err) {
      o.log.error({ err }, "a Vigimail provider key cannot be opened");
      return null;
    }
  };

  /** The providers that can answer now: enabled, with a key (console first, then environment). */
  async function providers(): Promise<{ hibp: HibpClient | null; leakcheck: LeakCheckClient | null }> {
    const s = await o.repo.settings();
    hibpPacer.intervalMs = Math.ceil(60_000 / Math.max(1, s.hibp_rpm));
    const hibpKey = open(s.hibp_key_sealed) ?? o.env.hibp.key;
    const leakKey = open(s.leakcheck_key_sealed) ?? o.env.leakcheck.key;
    return {
      hibp:
        s.hibp_enabled && hibpKey
          ? hibpClient({
              baseUrl: o.env.hibp.url ?? HIBP_URL,
              key: hibpKey,
              userAgent: o.userAgent,
              pacer: hibpPacer,
              ...o.http,
            })
          : null,
      leakcheck:
        s.leakcheck_enabled && leakKey
          ? leakCheckClient({
              baseUrl: o.env.leakcheck.url ?? LEAKCHECK_URL,
              key: leakKey,
              pacer: leakPacer,
              ...o.http,
            })
          : null,
    };
  }

  const succeeded = (p: ProviderName) => {
    providerState[p].last_success_at = new Date().toISOString();
  };
  const failed = (p: ProviderName, err: unknown) => {
    providerState[p].last_error = (err as Error).message;
    providerState[p].last_error_at = new Date().toISOString();
  };

  async function alertBreaches(m: { email: string; client: string }, fresh: Breach[]) {
    if (fresh.length === 0) return;
    const site = o.siteFor(m.client);
    const names = fresh.map((b) => b.title);
    await o.raise({
      source: "system",
      rule_name: "vigimail:new_breach",
      title: `Mailbox ${m.email} found in ${fresh.length === 1 ? "a new breach" : `${fresh.length} new breaches`}: ${names.join(", ")}`,
      severity: fresh.some((b) => b.data_classes.some((c) => /password/i.test(c))) ? "high" : "medium",
      ...(site ? { site } : {}),
      group_by: "mailbox",
      group_value: m.email,
      details: {
        email: m.email,
        client: m.client,
        breaches: fresh.map((b) => ({
          source: b.source,
          name: b.name,
          date: b.date,
          data_classes: b.data_classes,
        })),
      },
    });
  }

  async function checkMailbox(m: Pick<MailboxRow, "id" | "email" | "client">): Promise<MailboxCheckOutcome> {
    const at = new Date();
    const p = await providers();
    const errors: string[] = [];
    const fresh: Breach[] = [];
    let anyOk = false;
    for (const [name, client] of [
      ["hibp", p.hibp],
      ["leakcheck", p.leakcheck],
    ] as const) {
      if (!client) continue;
      try {
        const found = await client.breachedAccount(m.email);
        fresh.push(...(await o.repo.recordBreaches(m.id, found, at)));
        succeeded(name);
        anyOk = true;
      } catch (err) {
        failed(name, err);
        errors.push((err as Error).message);
      }
    }
    if (!p.hibp && !p.leakcheck)
      errors.push("No leak provider is configured: set a Have I Been Pwned or LeakCheck key");
    // A failure keeps the breaches already stored; last_success_at says how current they are.
    const error = errors.length > 0 ? errors.join("; ") : null;
    await o.repo.markMailbox(m.id, at, anyOk, error);
    await alertBreaches(m, fresh);
    return { ok: anyOk && error === null, error, new_breaches: fresh.map((b) => b.name) };
  }

  /** HIBP's domain search, where the key is allowed it: every breached alias becomes a mailbox. */
  async function domainSearch(d: DomainRow, client: HibpClient): Promise<void> {
    const aliases = await client.breachedDomain(d.domain);
    if (!aliases) return;
    const details = new Map<string, Breach | null>();
    for (const [alias, names] of Object.entries(aliases)) {
      const mailbox = await o.repo.addMailbox(`${alias.toLowerCase()}@${d.domain}`, d.client, true);
      const found: Breach[] = [];
      for (const name of names) {
        if (!details.has(name)) details.set(name, await client.breach(name));
        const b = details.get(name);
        found.push(
          b ?? {
            source: "hibp",
            name,
            title: name,
            domain: null,
            date: null,
            data_classes: [],
            verified: true,
            sensitive: false,
            description: "",
          },
        );
      }
      const fresh = await o.repo.recordBreaches(mailbox.id, found, new Date());
      await o.repo.markMailbox(mailbox.id, new Date(), true, null);
      await alertBreaches(mailbox, fresh);
    }
  }

  async function checkDomain(d: DomainRow): Promise<DomainPosture> {
    const s = await o.repo.settings();
    const selectors = [...(s.dkim_selectors ?? DEFAULT_DKIM_SELECTORS), ...d.dkim_selectors];
    const posture = await checkDomainPosture(d.domain, o.dns, selectors);
    const at = new Date();
    await o.repo.recordCheck(d.id, posture, at);
    if (d.last_score !== null && posture.score < d.last_score) {
      const site = o.siteFor(d.client);
      await o.raise({
        source: "system",
        rule_name: "vigimail:posture_worse",
        title: `Mail domain ${d.domain} scores ${posture.score}/100, down from ${d.last_score}`,
        severity: posture.status === "critical" ? "high" : "medium",
        ...(site ? { site } : {}),
        group_by: "domain",
        group_value: d.domain,
        details: {
          domain: d.domain,
          client: d.client,
          score: posture.score,
          previous_score: d.last_score,
          status: posture.status,
          issues: [
            ...posture.spf.issues,
            ...posture.dkim.issues,
            ...posture.dmarc.issues,
            ...posture.mx.issues,
          ]
            .filter((i) => i.severity !== "info")
            .map((i) => i.message),
        },
      });
    }
    if (s.hibp_domain_search) {
      const p = await providers();
      if (p.hibp) {
        await domainSearch(d, p.hibp).catch((err: unknown) => {
          failed("hibp", err);
          o.log.warn({ err, domain: d.domain }, "HIBP domain search failed");
        });
      }
    }
    return posture;
  }

  /** Checks every domain and mailbox `clients` sees; one run per key at a time. */
  function startRun(key: string, clients: Clients): { progress: RunProgress; done: Promise<void> } {
    const current = runs.get(key);
    if (current?.running) return { progress: current, done: Promise.resolve() };
    const progress: RunProgress = {
      running: true,
      done: 0,
      total: 0,
      failed: 0,
      started_at: new Date().toISOString(),
      finished_at: null,
    };
    runs.set(key, progress);
    const done = (async () => {
      try {
        const [domains, mailboxes] = await Promise.all([
          o.repo.listDomains(clients),
          o.repo.listMailboxes(clients),
        ]);
        progress.total = domains.length + mailboxes.length;
        for (const d of domains) {
          await checkDomain(d).catch((err: unknown) => {
            progress.failed++;
            o.log.warn({ err, domain: d.domain }, "Vigimail domain check failed");
          });
          progress.done++;
        }
        for (const m of mailboxes) {
          const r = await checkMailbox(m).catch((err: unknown) => ({
            ok: false,
            error: (err as Error).message,
          }));
          if (!r.ok) progress.failed++;
          progress.done++;
        }
      } catch (err) {
        o.log.error({ err }, "Vigimail run failed");
      } finally {
        progress.running = false;
        progress.finished_at = new Date().toISOString();
      }
    })();
    return { progress, done };
  }

  return {
    providers,
    providerState: () => providerState,
    checkDomain,
    checkMailbox,
    startRun,
    run: (key: string) => runs.get(key) ?? null,
  };
}

export type VigimailService = ReturnType<typeof createVigimailService>;
