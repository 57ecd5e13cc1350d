import { type Kysely, sql } from "kysely";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";

export interface ClientRow {
  name: string;
  description: string | null;
  created_at: Date;
  site_count: number;
  user_count: number;
}

export interface SiteRow {
  name: string;
  client: string;
  description: string | null;
  created_at: Date;
  source_count: number;
}

/** PostgreSQL's unique-violation and foreign-key-violation codes. */
const UNIQUE_VIOLATION = "23505";
const FK_VIOLATION = "23503";

function pgCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** The only code that writes the clients and sites tables. */
export function createTenancyRepo(db: Kysely<StateDatabase>) {
  const siteSelect = () =>
    db
      .selectFrom("sites")
      .select([
        "sites.name",
        "sites.client",
        "sites.description",
        "sites.created_at",
        sql<number>`(select count(*)::int from sources where sources.site = sites.name)`.as("source_count"),
      ]);

  async function counted(what: string, q: Promise<{ n: number } | undefined>): Promise<[string, number]> {
    const row = await q;
    return [what, Number(row?.n ?? 0)];
  }

  return {
    /** Every client with its counts, or the one named. */
    async listClients(name?: string): Promise<ClientRow[]> {
      let q = db
        .selectFrom("clients")
        .select([
          "name",
          "description",
          "created_at",
          sql<number>`(select count(*)::int from sites where sites.client = clients.name)`.as("site_count"),
          sql<number>`(select count(*)::int from users where users.client = clients.name)`.as("user_count"),
        ]);
      if (name !== undefined) q = q.where("name", "=", name);
      return q.orderBy("name").execute();
    },

    async getClient(name: string): Promise<ClientRow | undefined> {
      return (await this.listClients(name))[0];
    },

    async createClient(input: { name: string; description?: string | null | undefined }): Promise<void> {
      try {
        await db
          .insertInto("clients")
          .values({ name: input.name, description: input.description ?? null })
          .execute();
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION)
          throw new HttpProblem(409, `A client named ${input.name} already exists`);
        throw err;
      }
    },

    /** Renames cascade to sites, users, keys, rules and channels (foreign keys ON UPDATE CASCADE). */
    async updateClient(
      name: string,
      input: { name?: string | undefined; description?: string | null | undefined },
    ) {
      try {
        const row = await db
          .updateTable("clients")
          .set({
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
          })
          .where("name", "=", name)
          .returning("name")
          .executeTakeFirst();
        if (!row) throw new HttpProblem(404, `No client named ${name}`);
        return row.name;
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION)
          throw new HttpProblem(409, `A client named ${input.name} already exists`);
        throw err;
      }
    },

    /** What still belongs to a client, by kind; a client is deleted only when all are zero. */
    async clientHolders(name: string): Promise<Array<[string, number]>> {
      return Promise.all([
        counted(
          "sites",
          db
            .selectFrom("sites")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
        counted(
          "users",
          db
            .selectFrom("users")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
        counted(
          "API keys",
          db
            .selectFrom("api_keys")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .where("revoked_at", "is", null)
            .executeTakeFirst(),
        ),
        counted(
          "alert rules",
          db
            .selectFrom("alert_rules")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
        counted(
          "channels",
          db
            .selectFrom("notification_channels")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
        // Vigimail's rows would go with the client (cascade): they are named first, like the rest.
        counted(
          "Vigimail domains",
          db
            .selectFrom("vigimail_domains")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
        counted(
          "Vigimail mailboxes",
          db
            .selectFrom("vigimail_mailboxes")
            .select(sql<number>`count(*)::int`.as("n"))
            .where("client", "=", name)
            .executeTakeFirst(),
        ),
      ]);
    },

    async deleteClient(name: string): Promise<boolean> {
      // Revoked keys keep their client for the record; they go with it.
      await db
        .updateTable("api_keys")
        .set({ client: null })
        .where("client", "=", name)
        .where("revoked_at", "is not", null)
        .execute();
      const res = await db.deleteFrom("clients").where("name", "=", name).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async listSites(sites: readonly string[] | null): Promise<SiteRow[]> {
      let q = siteSelect();
      if (sites !== null) {
        if (sites.length === 0) return [];
        q = q.where("sites.name", "in", [...sites]);
      }
      return q.orderBy("sites.name").execute();
    },

    async getSite(name: string): Promise<SiteRow | undefined> {
      return siteSelect().where("sites.name", "=", name).executeTakeFirst();
    },

    async clientExists(name: string): Promise<boolean> {
      return (
        (await db.selectFrom("clients").select("name").where("name", "=", name).executeTakeFirst()) !==
        undefined
      );
    },

    async createSite(input: {
      name: string;
      client: string;
      description?: string | null | undefined;
    }): Promise<void> {
      if (!(await this.clientExists(input.client)))
        throw new HttpProblem(400, `client: no client named ${input.client}`);
      try {
        await db
          .insertInto("sites")
          .values({ name: input.name, client: input.client, description: input.description ?? null })
          .execute();
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION)
          throw new HttpProblem(409, `A site named ${input.name} already exists`);
        throw err;
      }
    },

    async updateSite(
      name: string,
      input: {
        name?: string | undefined;
        client?: string | undefined;
        description?: string | null | undefined;
      },
    ): Promise<string> {
      if (input.client !== undefined && !(await this.clientExists(input.client))) {
        throw new HttpProblem(400, `client: no client named ${input.client}`);
      }
      try {
        const row = await db
          .updateTable("sites")
          .set({
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.client !== undefined ? { client: input.client } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
          })
          .where("name", "=", name)
          .returning("name")
          .executeTakeFirst();
        if (!row) throw new HttpProblem(404, `No site named ${name}`);
        return row.name;
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION)
          throw new HttpProblem(409, `A site named ${input.name} already exists`);
        throw err;
      }
    },

    async deleteSite(name: string): Promise<boolean> {
      try {
        const res = await db.deleteFrom("sites").where("name", "=", name).executeTakeFirst();
        return Number(res.numDeletedRows) > 0;
      } catch (err) {
        if (pgCode(err) === FK_VIOLATION)
          throw new HttpProblem(
            409,
            `Site ${name} is still referenced (sources or API keys); move or remove them first`,
          );
        throw err;
      }
    },

    /** Adds sites seen in the event store but never registered, to the client `default`. */
    async adoptSites(names: readonly string[]): Promise<number> {
      const fresh = names.filter((n) => n !== "");
      if (fresh.length === 0) return 0;
      await db
        .insertInto("clients")
        .values({ name: "default", description: "Sites that existed before clients" })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      const added = await db
        .insertInto("sites")
        .values(fresh.map((name) => ({ name, client: "default" })))
        .onConflict((oc) => oc.column("name").doNothing())
        .returning("name")
        .execute();
      return added.length;
    },
  };
}

export type TenancyRepo = ReturnType<typeof createTenancyRepo>;
