import { type Kysely, type Selectable, sql } from "kysely";
import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../../http/problem.js";
import type { SecretBox } from "../../response/enforcement/secret-box.js";
import { fieldError } from "../../response/response-schemas.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { NotificationChannelsTable } from "./channel-tables.js";
import { SECRET_FIELDS, validateConfig, validateInput } from "./channel-validation.js";
import { type Allowlist, parseAllowlist } from "./outbound-guard.js";
import type { Channel, ChannelInput, ChannelView, SendResult, Severity } from "./types.js";

/**
 * Notification channels in the state store. Secrets (SMTP password, webhook secret, Slack URL) are
 * sealed with the server's secret box before they reach the database and opened only to send; the
 * API view leaves them out of `config` and names them in `secrets_set`.
 */
type Row = Selectable<NotificationChannelsTable>;

/** A channel ready to send on (secrets opened), with what picks it for an alert. */
export type StoredChannel = Channel & {
  enabled: boolean;
  min_severity: Severity | null;
  client: string | null;
};

/** A stored channel whose secret cannot be opened (the server secret changed). */
export interface UnreadableChannel {
  id: string;
  name: string;
  enabled: boolean;
  min_severity: Severity | null;
  client: string | null;
  error: Error;
}

export interface Delivery {
  at: string;
  alert_id: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

export interface ChannelStoreOptions {
  db: Kysely<StateDatabase>;
  secretBox: SecretBox;
  /** Private destinations permitted at save time; default `VIGIL_WEBHOOK_ALLOWLIST`. */
  allow?: Allowlist;
  /** Rate-limited sends per channel since start (the notifier's count). */
  suppressed?: () => ReadonlyMap<string, number>;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

function configOf(row: Row): Record<string, unknown> {
  const c: unknown = typeof row.config === "string" ? JSON.parse(row.config) : row.config;
  return c !== null && typeof c === "object" ? (c as Record<string, unknown>) : {};
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}

const taken = (name: string) => new HttpProblem(409, `A notification channel named "${name}" already exists`);
const missing = (id: string) => new HttpProblem(404, `No notification channel with id ${id}`);

export function createChannelStore(opts: ChannelStoreOptions) {
  const { db, secretBox: box } = opts;
  const allow = opts.allow ?? parseAllowlist(process.env.VIGIL_WEBHOOK_ALLOWLIST);

  /** Validated config with its secrets sealed; secrets the input leaves out are kept from `previous`. */
  function sealedConfig(input: ChannelInput, previous: Record<string, unknown> | undefined) {
    const secrets = SECRET_FIELDS[input.type];
    const merged: Record<string, unknown> = { ...input.config };
    // An email channel whose username was removed no longer logs in: its old password is not kept.
    const keep = input.type !== "email" || (typeof merged.username === "string" && merged.username !== "");
    for (const f of secrets)
      if (keep && merged[f] === undefined && typeof previous?.[f] === "string")
        merged[f] = box.open(previous[f] as string);
    const config: Record<string, unknown> = { ...validateConfig(input.type, merged, allow) };
    for (const f of secrets) if (typeof config[f] === "string") config[f] = box.seal(config[f] as string);
    return config;
  }

  async function row(id: string): Promise<Row | undefined> {
    return db.selectFrom("notification_channels").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async function mustRow(id: string): Promise<Row> {
    const r = await row(id);
    if (!r) throw missing(id);
    return r;
  }

  /** Last delivery and failures in 24 h for the given channels (all when ids is undefined). */
  async function deliveryStats(ids?: string[]) {
    if (ids?.length === 0) return { last: new Map(), failures: new Map() };
    let lastQ = db
      .selectFrom("notification_deliveries")
      .select(["channel_id", "created_at", "ok", "error"])
      .distinctOn("channel_id")
      .orderBy("channel_id")
      .orderBy("created_at", "desc");
    let failQ = db
      .selectFrom("notification_deliveries")
      .select(["channel_id", db.fn.countAll<string>().as("n")])
      .where("ok", "=", false)
      .where("created_at", ">", sql<Date>`now() - interval '24 hours'`)
      .groupBy("channel_id");
    if (ids) {
      lastQ = lastQ.where("channel_id", "in", ids);
      failQ = failQ.where("channel_id", "in", ids);
    }
    const [last, fails] = await Promise.all([lastQ.execute(), failQ.execute()]);
    return {
      last: new Map(last.map((d) => [d.channel_id, { at: iso(d.created_at), ok: d.ok, error: d.error }])),
      failures: new Map(fails.map((f) => [f.channel_id, Number(f.n)])),
    };
  }

  function toView(r: Row, stats: Awaited<ReturnType<typeof deliveryStats>>): ChannelView {
    const secrets = SECRET_FIELDS[r.type];
    const config = configOf(r);
    const shown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (!secrets.includes(k)) shown[k] = v;
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      enabled: r.enabled,
      min_severity: r.min_severity,
      client: r.client,
      config: shown,
      secrets_set: secrets.filter((f) => typeof config[f] === "string"),
      last_delivery: stats.last.get(r.id) ?? null,
      failures_24h: stats.failures.get(r.id) ?? 0,
      suppressed: opts.suppressed?.().get(r.id) ?? 0,
      created_at: iso(r.created_at),
      updated_at: iso(r.updated_at),
    };
  }

  async function view(r: Row): Promise<ChannelView> {
    return toView(r, await deliveryStats([r.id]));
  }

  /** The channel with its secrets opened, for sending only. */
  function open(r: Row): StoredChannel {
    const config = configOf(r);
    for (const f of SECRET_FIELDS[r.type])
      if (typeof config[f] === "string") config[f] = box.open(config[f] as string);
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      enabled: r.enabled,
      min_severity: r.min_severity,
      client: r.client,
      config,
    } as unknown as StoredChannel;
  }

  return {
    async list(): Promise<ChannelView[]> {
      const rows = await db.selectFrom("notification_channels").selectAll().orderBy("name").execute();
      const stats = await deliveryStats();
      return rows.map((r) => toView(r, stats));
    },

    async view(id: string): Promise<ChannelView> {
      return view(await mustRow(id));
    },

    /** The client a channel belongs to (null: the operator's), or undefined when there is none. */
    async owner(id: string): Promise<string | null | undefined> {
      const r = await db
        .selectFrom("notification_channels")
        .select("client")
        .where("id", "=", id)
        .executeTakeFirst();
      return r?.client;
    },

    /** `client`: whose channel it is (the routes settle it from the caller's scope). */
    async create(input: ChannelInput, client: string | null = null): Promise<ChannelView> {
      validateInput(input);
      const config = sealedConfig(input, undefined);
      try {
        const r = await db
          .insertInto("notification_channels")
          .values({
            id: uuidv7(),
            name: input.name,
            type: input.type,
            enabled: input.enabled ?? true,
            min_severity: input.min_severity ?? null,
            client,
            config: JSON.stringify(config),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return view(r);
      } catch (e) {
        if (isUniqueViolation(e)) throw taken(input.name);
        throw e;
      }
    },

    /** `client` undefined keeps the channel's client. */
    async update(id: string, input: ChannelInput, client?: string | null): Promise<ChannelView> {
      validateInput(input);
      const old = await mustRow(id);
      if (input.type !== old.type)
        throw fieldError("body", "type", `cannot change (it is ${old.type}); create a new channel instead`);
      const config = sealedConfig(input, configOf(old));
      try {
        const r = await db
          .updateTable("notification_channels")
          .set({
            name: input.name,
            enabled: input.enabled ?? old.enabled,
            min_severity: input.min_severity === undefined ? old.min_severity : input.min_severity,
            client: client === undefined ? old.client : client,
            config: JSON.stringify(config),
            updated_at: new Date(),
          })
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst();
        if (!r) throw missing(id);
        return view(r);
      } catch (e) {
        if (isUniqueViolation(e)) throw taken(input.name);
        throw e;
      }
    },

    async remove(id: string): Promise<void> {
      const res = await db.deleteFrom("notification_channels").where("id", "=", id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw missing(id);
    },

    /** One channel with its secrets opened (undefined when unknown), for sending. */
    async get(id: string): Promise<StoredChannel | undefined> {
      const r = await row(id);
      return r ? open(r) : undefined;
    },

    /** Every channel, secrets opened; a channel whose secret cannot be opened comes back as an Error. */
    async all(): Promise<(StoredChannel | UnreadableChannel)[]> {
      const rows = await db.selectFrom("notification_channels").selectAll().execute();
      return rows.map((r) => {
        try {
          return open(r);
        } catch (e) {
          return {
            id: r.id,
            name: r.name,
            enabled: r.enabled,
            min_severity: r.min_severity,
            client: r.client,
            error: e as Error,
          };
        }
      });
    },

    async recordDelivery(channelId: string, alertId: string, result: SendResult): Promise<void> {
      await db
        .insertInto("notification_deliveries")
        .values({
          channel_id: channelId,
          alert_id: alertId,
          ok: result.ok,
          attempts: result.attempts,
          error: result.ok ? null : (result.error ?? "failed"),
        })
        .execute();
    },

    /** Finished deliveries on a channel, newest first. */
    async deliveries(id: string, limit = 50): Promise<Delivery[]> {
      await mustRow(id);
      const rows = await db
        .selectFrom("notification_deliveries")
        .selectAll()
        .where("channel_id", "=", id)
        .orderBy("created_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((d) => ({
        at: iso(d.created_at),
        alert_id: d.alert_id,
        ok: d.ok,
        attempts: d.attempts,
        error: d.error,
      }));
    },
  };
}

export type ChannelStore = ReturnType<typeof createChannelStore>;
