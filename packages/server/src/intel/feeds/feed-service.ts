import type { Kysely } from "kysely";
import { redactUrlCredentials } from "../../auth/redact.js";
import {
  maskUrlCredentials,
  openUrlCredentials,
  sealUrlCredentials,
  splitUrlCredentials,
  URL_CREDENTIALS_MASK,
  withUrlCredentials,
} from "../../auth/url-credentials.js";
import { HttpProblem } from "../../http/problem.js";
import type { SecretBox } from "../../response/enforcement/secret-box.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { type FetchOptions, fetchFeed } from "./feed-fetch.js";
import { parseFeed } from "./feed-parse.js";
import { type FeedInput, type FeedPatch, type FeedRow, FeedStore } from "./feed-store.js";
import { countByKey, type FeedView, feedView } from "./feed-view.js";
import { type IpAddr, IpSet, parseIp, parseNet, v4Text } from "./ip-set.js";

/**
 * Blocklist feeds ("Neural-Sync"): subscriptions refreshed on a schedule with conditional GETs,
 * membership held in memory (see ip-set.ts) for the reputation provider, entries persisted in
 * PostgreSQL so a restart needs no network and every node of a cluster serves the same sets.
 *
 * Each node reloads a feed's set when its `entries_version` changes (checked every tick); the
 * scheduled download itself runs once per cluster (FeedStore.claimDue).
 */

/** Country (ISO alpha-2, "" unknown) of an address: `(ip) => geoIp.lookup(ip)?.country ?? ""`. */
export type CountryLookup = (ip: string) => string;

export interface FeedLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface FeedServiceDeps {
  db: Kysely<StateDatabase>;
  log: FeedLog;
  country?: CountryLookup;
  fetch?: FetchOptions;
  /** How often to look for due feeds and for sets changed by other nodes (default 60 s). */
  tickMs?: number;
  /** Seals credentials written inside a feed URL (without one they are stored as written). */
  box?: SecretBox;
}

interface Loaded {
  name: string;
  enabled: boolean;
  version: number;
  set: IpSet;
  countries: { key: string; count: number }[];
}

export type { FeedView } from "./feed-view.js";

export class FeedService {
  private readonly store: FeedStore;
  private readonly loaded = new Map<string, Loaded>();
  private readonly inFlight = new Map<string, Promise<FeedView | null>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();
  private ticking: Promise<void> | null = null;
  private closing = new AbortController();

  private constructor(private readonly deps: FeedServiceDeps) {
    this.store = new FeedStore(deps.db);
  }

  /** Open over the state store, loading every feed's stored set (no network). */
  static async open(deps: FeedServiceDeps): Promise<FeedService> {
    const s = new FeedService(deps);
    await s.reloadChanged();
    return s;
  }

  /** Start the schedule: every tick, reload sets changed elsewhere, then refresh due feeds. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? 60_000);
    this.timer.unref();
    void this.tick();
  }

  /** Stop the schedule and wait for running refreshes. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A download can take up to the fetch timeout: cut it short rather than hold up shutdown.
    this.closing.abort();
    await this.ticking;
    await this.idle();
    // Closed means stopped, not dead: a later start() or refresh() works again.
    this.closing = new AbortController();
  }

  /** Settles when no refresh is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        await this.reloadChanged();
        for (const id of await this.store.claimDue()) await this.refresh(id);
      } catch (err) {
        this.deps.log.error({ err }, "blocklist feeds: scheduled refresh failed");
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /** `revealCredentials`: show the credentials written in a feed URL (admins only). */
  async list(revealCredentials = false): Promise<FeedView[]> {
    return (await this.store.all()).map((r) => this.view(r, revealCredentials));
  }

  async get(id: string, revealCredentials = false): Promise<FeedView | null> {
    const row = await this.store.get(id);
    return row ? this.view(row, revealCredentials) : null;
  }

  /**
   * The URL to store: credentials written in it sealed; sent back as `********@`, the stored ones kept;
   * the very URL already stored (as an admin reads it back), the stored text itself, so it is not a change.
   */
  private storedUrl(url: string, previous: string | undefined): string {
    const { box } = this.deps;
    const { url: bare, credentials } = splitUrlCredentials(url);
    if (previous !== undefined) {
      const before = splitUrlCredentials(previous);
      if (credentials === URL_CREDENTIALS_MASK && before.url === bare) return previous;
      if (credentials === URL_CREDENTIALS_MASK)
        return before.credentials === null ? bare : withUrlCredentials(bare, before.credentials);
      if (openUrlCredentials(previous, box) === url) return previous;
    } else if (credentials === URL_CREDENTIALS_MASK) {
      throw new HttpProblem(400, "url: there are no stored credentials to keep");
    }
    return box ? sealUrlCredentials(url, box) : url;
  }

  async create(input: FeedInput): Promise<FeedView> {
    const row = await this.store.create({ ...input, url: this.storedUrl(input.url, undefined) });
    this.loaded.set(row.id, {
      name: row.name,
      enabled: row.enabled,
      version: 0,
      set: IpSet.empty(),
      countries: [],
    });
    return this.view(row, true);
  }

  async update(id: string, patch: FeedPatch): Promise<FeedView | null> {
    if (patch.url !== undefined) {
      const before = await this.store.get(id);
      if (!before) return null;
      patch = { ...patch, url: this.storedUrl(patch.url, before.url) };
    }
    const row = await this.store.update(id, patch);
    if (!row) return null;
    this.changed();
    const l = this.loaded.get(id);
    if (l) {
      l.name = row.name;
      l.enabled = row.enabled;
    }
    return this.view(row, true);
  }

  async remove(id: string): Promise<boolean> {
    const ok = await this.store.remove(id);
    this.loaded.delete(id);
    if (ok) this.changed();
    return ok;
  }

  /**
   * Called after any change to what feeds hold or which feeds count (refresh with new entries, edit,
   * delete) on this node — e.g. for the XGS reconciler to re-sync grp_VGX-CrowdSBlockL. Returns an
   * unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.deps.log.error({ err }, "blocklist feeds: change listener failed");
      }
    }
  }

  /** Start a refresh without waiting for it (the route answers 202); failures land in the feed row. */
  kick(id: string): void {
    this.refresh(id).catch((err) => this.deps.log.error({ err, feed: id }, "blocklist feed refresh failed"));
  }

  /** Download and apply a feed now; one refresh per feed at a time on this node. */
  refresh(id: string): Promise<FeedView | null> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.doRefresh(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  private async doRefresh(id: string): Promise<FeedView | null> {
    const row = await this.store.get(id);
    if (!row) return null;
    const { log } = this.deps;
    const signal = this.closing.signal;
    try {
      const t0 = performance.now();
      const res = await fetchFeed(openUrlCredentials(row.url, this.deps.box), {
        ...this.deps.fetch,
        signal,
        etag: row.etag,
        lastModified: row.last_modified,
      });
      if (res.status === "not_modified") {
        await this.store.recordAttempt(id, "not_modified", null);
        return this.get(id);
      }
      const t1 = performance.now();
      const parsed = parseFeed(row.format, res.body);
      if (parsed.nets.length === 0 && parsed.invalid > 0) {
        // An HTML error page or a wrong format: keep the last good set rather than empty the feed.
        throw new Error(
          `no valid entries (${parsed.invalid} invalid, e.g. ${JSON.stringify(parsed.invalidSamples[0])})`,
        );
      }
      const country = this.deps.country ?? (() => "");
      const values = parsed.nets.map((n) => n.text);
      const countries = parsed.nets.map((n) =>
        n.family === 4 ? country(v4Text(n.start)) : country(n.text.split("/")[0] ?? ""),
      );
      const note =
        parsed.invalid > 0
          ? `${parsed.invalid} invalid line(s) skipped, e.g. ${parsed.invalidSamples.map((s) => JSON.stringify(s)).join(", ")}`
          : null;
      const t2 = performance.now();
      const updated = await this.store.replaceEntries(id, {
        values,
        countries,
        invalid: parsed.invalid,
        etag: res.etag,
        lastModified: res.lastModified,
        note,
      });
      if (!updated) return null;
      this.loaded.set(id, {
        name: updated.name,
        enabled: updated.enabled,
        version: updated.entries_version,
        set: IpSet.from(parsed.nets),
        countries: countByKey(countries),
      });
      this.changed();
      log.info(
        {
          feed: row.name,
          entries: values.length,
          invalid: parsed.invalid,
          bytes: res.bytes,
          // Where the time went, for operators with very large lists.
          fetchMs: Math.round(t1 - t0),
          parseMs: Math.round(t2 - t1),
          storeMs: Math.round(performance.now() - t2),
        },
        "blocklist feed refreshed",
      );
      return this.view(updated);
    } catch (err) {
      // Cut short by close(): not the feed's fault, so its status is left as it was.
      if (signal.aborted) return null;
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ feed: row.name, err: message }, "blocklist feed refresh failed; previous entries kept");
      await this.store.recordAttempt(id, "error", message.slice(0, 500));
      return this.get(id);
    }
  }

  /** Load sets written by another node (or at start), drop feeds deleted elsewhere. */
  async reloadChanged(): Promise<void> {
    const rows = await this.store.all();
    const ids = new Set(rows.map((r) => r.id));
    let changed = false;
    for (const id of this.loaded.keys()) {
      if (!ids.has(id)) {
        this.loaded.delete(id);
        changed = true;
      }
    }
    for (const r of rows) {
      const l = this.loaded.get(r.id);
      if (l && l.version === r.entries_version) {
        changed ||= l.enabled !== r.enabled;
        l.name = r.name;
        l.enabled = r.enabled;
        continue;
      }
      changed = true;
      const values = await this.store.values(r.id);
      const nets = values.map(parseNet).filter((n) => n !== null);
      this.loaded.set(r.id, {
        name: r.name,
        enabled: r.enabled,
        version: r.entries_version,
        set: IpSet.from(nets),
        countries: await this.store.countries(r.id),
      });
    }
    if (changed) this.changed();
  }

  /** Names of the enabled feeds listing this address (sorted); [] for unknown or invalid input. */
  feedsContaining(ip: string | IpAddr): string[] {
    const addr = typeof ip === "string" ? parseIp(ip) : ip;
    if (!addr) return [];
    const names: string[] = [];
    for (const l of this.loaded.values()) if (l.enabled && l.set.contains(addr)) names.push(l.name);
    return names.sort();
  }

  /**
   * For the XGS reconciler: every IP/CIDR of the enabled feeds marked `sync_to_xgs`, de-duplicated
   * and sorted, to mirror into the group grp_VGX-CrowdSBlockL with host prefix "CS".
   */
  xgsMembers(): Promise<string[]> {
    return this.store.xgsValues();
  }

  private view(r: FeedRow, revealCredentials = false): FeedView {
    const url = revealCredentials ? openUrlCredentials(r.url, this.deps.box) : maskUrlCredentials(r.url);
    const lastError =
      r.last_error === null || revealCredentials ? r.last_error : redactUrlCredentials(r.last_error);
    return feedView({ ...r, url, last_error: lastError }, this.loaded.get(r.id)?.countries ?? []);
  }
}
