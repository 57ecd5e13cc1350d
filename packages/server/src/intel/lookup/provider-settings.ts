import type { Kysely } from "kysely";
import type { ThreatIntelConfig } from "../../config/config.js";
import type { SecretBox } from "../../response/enforcement/secret-box.js";
import type { StateDatabase } from "../../storage/state-schema.js";

/**
 * Provider keys and daily limits set in the console, over the environment's: a console key wins over
 * `VIGIL_TI_<NAME>_KEY`, a console limit over the provider's default. Keys are sealed at rest with the
 * server secret and opened only into this in-memory cache, which the lookup reads synchronously; the
 * cache is re-read on every write here and by `refresh()` (each lookup run and providers listing), so
 * every node of a cluster sees another's change at its next lookup.
 */
export type KeySource = "env" | "console";

/** What the console may change: `key` null removes the console key, `daily_limit` "default" resets. */
export interface ProviderSettingsChange {
  key?: string | null;
  daily_limit?: number | null | "default";
}

interface Stored {
  /** Null also when the stored key cannot be opened (the server secret changed): treated as none. */
  key: string | null;
  limitSet: boolean;
  limit: number | null;
}

export interface ProviderSettings {
  /** The key to send (console first, then environment), or null. */
  keyOf(name: string): string | null;
  keySource(name: string): KeySource | null;
  /** The console's limit when set (null = none), else `fallback` (the spec's default or an override). */
  limitOf(name: string, fallback: number | null): number | null;
  /** Whether the limit was set in the console (else it is the default). */
  limitSet(name: string): boolean;
  update(name: string, change: ProviderSettingsChange, by: string | null): Promise<void>;
  refresh(): Promise<void>;
}

export interface ProviderSettingsOptions {
  db: Kysely<StateDatabase>;
  config: ThreatIntelConfig;
  box: SecretBox;
  log: { warn(obj: object, msg?: string): void };
  now?: () => Date;
}

/**
 * Starts empty (the environment's keys and default limits): the lookup calls `refresh()` before each
 * run and each providers listing, so no caller reads it before the stored settings are in.
 */
export function createProviderSettings(o: ProviderSettingsOptions): ProviderSettings {
  const now = o.now ?? (() => new Date());
  let stored = new Map<string, Stored>();
  const warned = new Set<string>();

  const envKey = (name: string): string | null =>
    o.config.providers[name as keyof ThreatIntelConfig["providers"]]?.key ?? null;

  async function refresh(): Promise<void> {
    const rows = await o.db.selectFrom("threat_provider_settings").selectAll().execute();
    const next = new Map<string, Stored>();
    for (const r of rows) {
      let key: string | null = null;
      if (r.key_sealed !== null) {
        try {
          key = o.box.open(r.key_sealed);
        } catch (err) {
          // Once per provider and process: a lookup runs this often and the cause does not change.
          if (!warned.has(r.provider)) {
            warned.add(r.provider);
            o.log.warn(
              { provider: r.provider, err: (err as Error).message },
              "threat-intel provider key set in the console cannot be opened; set it again",
            );
          }
        }
      }
      next.set(r.provider, { key, limitSet: r.limit_set, limit: r.daily_limit });
    }
    stored = next;
  }

  return {
    keyOf: (name) => stored.get(name)?.key ?? envKey(name),
    keySource(name) {
      if (stored.get(name)?.key) return "console";
      return envKey(name) ? "env" : null;
    },
    limitOf(name, fallback) {
      const s = stored.get(name);
      return s?.limitSet ? s.limit : fallback;
    },
    limitSet: (name) => stored.get(name)?.limitSet ?? false,
    async update(name, change, by) {
      const set: {
        key_sealed?: string | null;
        daily_limit?: number | null;
        limit_set?: boolean;
        updated_at: Date;
        updated_by: string | null;
      } = { updated_at: now(), updated_by: by };
      if (change.key !== undefined) set.key_sealed = change.key === null ? null : o.box.seal(change.key);
      if (change.daily_limit !== undefined) {
        set.limit_set = change.daily_limit !== "default";
        set.daily_limit = change.daily_limit === "default" ? null : change.daily_limit;
      }
      await o.db
        .insertInto("threat_provider_settings")
        .values({ provider: name, key_sealed: null, daily_limit: null, limit_set: false, ...set })
        .onConflict((oc) => oc.column("provider").doUpdateSet(set))
        .execute();
      warned.delete(name);
      await refresh();
    },
    refresh,
  };
}
