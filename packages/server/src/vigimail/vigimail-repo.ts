import { type Kysely, sql } from "kysely";
import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { Breach } from "./leak-providers.js";
import type { DomainPosture } from "./posture.js";

/**
 * The only code that reads and writes Vigimail's tables. `clients` is the caller's visibility: null
 * for operator staff (every client), else the clients whose rows they may see — a row outside it is
 * answered exactly like a row that does not exist.
 */
export type Clients = readonly string[] | null;
export const HISTORY_DAYS = 90;

const isUnique = (err: unknown) => (err as { code?: unknown }).code === "23505";

export function createVigimailRepo(db: Kysely<StateDatabase>) {
  return {
    settings() {
      return db.selectFrom("vigimail_settings").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    },
    async updateSettings(
      patch: Partial<{
        interval_hours: number;
        dkim_selectors: string[] | null;
        hibp_enabled: boolean;
        hibp_key_sealed: string | null;
        hibp_rpm: number;
        hibp_domain_search: boolean;
        leakcheck_enabled: boolean;
        leakcheck_key_sealed: string | null;
      }>,
      by: string | null,
    ) {
      await db
        .updateTable("vigimail_settings")
        .set({ ...patch, updated_at: new Date(), updated_by: by })
        .where("id", "=", 1)
        .execute();
    },
    /** Claims the scheduled run for this node until `leaseMs` from now; false when another holds it. */
    async claimRun(leaseMs: number, dueBefore: Date): Promise<boolean> {
      const r = await db
        .updateTable("vigimail_settings")
        .set({ lease_until: new Date(Date.now() + leaseMs) })
        .where("id", "=", 1)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", new Date())]))
        .where((eb) => eb.or([eb("last_run_at", "is", null), eb("last_run_at", "<", dueBefore)]))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async finishRun(): Promise<void> {
      await db
        .updateTable("vigimail_settings")
        .set({ lease_until: null, last_run_at: new Date() })
        .where("id", "=", 1)
        .execute();
    },

    listDomains(clients: Clients) {
      let q = db.selectFrom("vigimail_domains").selectAll().orderBy("domain");
      if (clients) q = q.where("client", "in", clients.length ? [...clients] : [""]);
      return q.execute();
    },
    findDomain(domain: string, clients: Clients) {
      let q = db.selectFrom("vigimail_domains").selectAll().where("domain", "=", domain);
      if (clients) q = q.where("client", "in", clients.length ? [...clients] : [""]);
      return q.executeTakeFirst();
    },
    async addDomain(domain: string, client: string) {
      try {
        return await db
          .insertInto("vigimail_domains")
          .values({ id: uuidv7(), domain, client })
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (err) {
        if (isUnique(err)) throw new HttpProblem(409, `The domain ${domain} is already monitored`);
        if ((err as { code?: unknown }).code === "23503")
          throw new HttpProblem(400, `client: no client named ${client}`);
        throw err;
      }
    },
    async deleteDomain(id: string) {
      await db.deleteFrom("vigimail_domains").where("id", "=", id).execute();
    },
    async learnSelectors(id: string, selectors: string[]) {
      await db
        .updateTable("vigimail_domains")
        .set({
          dkim_selectors: sql<
            string[]
          >`(select array(select distinct unnest(dkim_selectors || ${selectors}::text[])))`,
        })
        .where("id", "=", id)
        .execute();
    },
    /** Stores a check, updates the domain's summary, and forgets checks older than 90 days. */
    async recordCheck(domainId: string, posture: DomainPosture, at: Date) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto("vigimail_domain_checks")
          .values({
            id: uuidv7(),
            domain_id: domainId,
            checked_at: at,
            overall_score: posture.score,
            overall_status: posture.status,
            result: JSON.stringify(posture),
          })
          .execute();
        await tx
          .updateTable("vigimail_domains")
          .set({ last_check_at: at, last_score: posture.score, last_status: posture.status })
          .where("id", "=", domainId)
          .execute();
        await tx
          .deleteFrom("vigimail_domain_checks")
          .where("checked_at", "<", new Date(at.getTime() - HISTORY_DAYS * 86_400_000))
          .execute();
      });
    },
    /** The newest check of each domain named. */
    latestChecks(domainIds: string[]) {
      if (domainIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom("vigimail_domain_checks")
        .selectAll()
        .distinctOn("domain_id")
        .where("domain_id", "in", domainIds)
        .orderBy("domain_id")
        .orderBy("checked_at", "desc")
        .execute();
    },
    checks(domainId: string, limit: number) {
      return db
        .selectFrom("vigimail_domain_checks")
        .selectAll()
        .where("domain_id", "=", domainId)
        .orderBy("checked_at", "desc")
        .limit(limit)
        .execute();
    },

    listMailboxes(clients: Clients) {
      let q = db
        .selectFrom("vigimail_mailboxes as m")
        .selectAll("m")
        .select(
          sql<number>`(select count(*)::int from vigimail_breaches b where b.mailbox_id = m.id)`.as(
            "leak_count",
          ),
        )
        .orderBy("m.email");
      if (clients) q = q.where("m.client", "in", clients.length ? [...clients] : [""]);
      return q.execute();
    },
    findMailbox(email: string, clients: Clients) {
      let q = db.selectFrom("vigimail_mailboxes").selectAll().where("email", "=", email);
      if (clients) q = q.where("client", "in", clients.length ? [...clients] : [""]);
      return q.executeTakeFirst();
    },
    async addMailbox(email: string, client: string, ifAbsent = false) {
      try {
        const q = db
          .insertInto("vigimail_mailboxes")
          .values({ id: uuidv7(), email, domain: email.slice(email.lastIndexOf("@") + 1), client });
        if (ifAbsent) {
          await q.onConflict((oc) => oc.column("email").doNothing()).execute();
          return db
            .selectFrom("vigimail_mailboxes")
            .selectAll()
            .where("email", "=", email)
            .executeTakeFirstOrThrow();
        }
        return await q.returningAll().executeTakeFirstOrThrow();
      } catch (err) {
        if (isUnique(err)) throw new HttpProblem(409, `The mailbox ${email} is already monitored`);
        if ((err as { code?: unknown }).code === "23503")
          throw new HttpProblem(400, `client: no client named ${client}`);
        throw err;
      }
    },
    async deleteMailbox(id: string) {
      await db.deleteFrom("vigimail_mailboxes").where("id", "=", id).execute();
    },
    async markMailbox(id: string, at: Date, ok: boolean, error: string | null) {
      await db
        .updateTable("vigimail_mailboxes")
        .set(
          ok
            ? { last_check_at: at, last_success_at: at, last_error: error }
            : { last_check_at: at, last_error: error },
        )
        .where("id", "=", id)
        .execute();
    },
    breaches(mailboxId: string) {
      return db
        .selectFrom("vigimail_breaches")
        .selectAll()
        .where("mailbox_id", "=", mailboxId)
        .orderBy("breach_date", "desc")
        .orderBy("name")
        .execute();
    },
    /** Upserts what one provider reported for a mailbox; returns the breaches seen for the first time. */
    async recordBreaches(mailboxId: string, found: Breach[], at: Date): Promise<Breach[]> {
      if (found.length === 0) return [];
      const fresh: Breach[] = [];
      await db.transaction().execute(async (tx) => {
        const known = new Set(
          (
            await tx
              .selectFrom("vigimail_breaches")
              .select(["source", "name"])
              .where("mailbox_id", "=", mailboxId)
              .execute()
          ).map((r) => `${r.source}\u0000${r.name}`),
        );
        for (const b of found) {
          const values = {
            title: b.title,
            breach_domain: b.domain,
            breach_date: b.date,
            data_classes: b.data_classes,
            verified: b.verified,
            sensitive: b.sensitive,
            description: b.description,
            last_seen: at,
          };
          if (known.has(`${b.source}\u0000${b.name}`)) {
            await tx
              .updateTable("vigimail_breaches")
              .set(values)
              .where("mailbox_id", "=", mailboxId)
              .where("source", "=", b.source)
              .where("name", "=", b.name)
              .execute();
          } else {
            await tx
              .insertInto("vigimail_breaches")
              .values({
                id: uuidv7(),
                mailbox_id: mailboxId,
                source: b.source,
                name: b.name,
                first_seen: at,
                ...values,
              })
              .execute();
            known.add(`${b.source}\u0000${b.name}`);
            fresh.push(b);
          }
        }
      });
      return fresh;
    },
    async counts(clients: Clients) {
      const where = clients
        ? sql`where client = any(${clients.length ? [...clients] : [""]}::text[])`
        : sql``;
      const r = await sql<{ domains: number; mailboxes: number; leaked: number; breaches: number }>`
        select
          (select count(*)::int from vigimail_domains ${where}) as domains,
          (select count(*)::int from vigimail_mailboxes ${where}) as mailboxes,
          (select count(distinct b.mailbox_id)::int from vigimail_breaches b
             join vigimail_mailboxes m on m.id = b.mailbox_id ${clients ? sql`where m.client = any(${clients.length ? [...clients] : [""]}::text[])` : sql``}) as leaked,
          (select count(*)::int from vigimail_breaches b
             join vigimail_mailboxes m on m.id = b.mailbox_id ${clients ? sql`where m.client = any(${clients.length ? [...clients] : [""]}::text[])` : sql``}) as breaches
      `.execute(db);
      return r.rows[0] ?? { domains: 0, mailboxes: 0, leaked: 0, breaches: 0 };
    },
  };
}

export type VigimailRepo = ReturnType<typeof createVigimailRepo>;
