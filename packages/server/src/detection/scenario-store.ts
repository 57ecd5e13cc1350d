import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { formatDuration } from "./duration.js";
import { createFireCounts } from "./fire-counts.js";
import { builtinScenariosDir, type FileScenario, loadScenarioFolder } from "./scenario-files.js";
import { parseScenarioYaml } from "./scenario-yaml.js";
import "./scenario-tables.js";
import type { Detection, Scenario } from "./types.js";

/**
 * Where scenarios come from, in order of precedence (a later source overrides an earlier one by name):
 * 1. the shipped folder (`scenarios/` at the repository root), origin "builtin:<file>";
 * 2. an operator folder (VIGIL_SCENARIOS_DIR), origin "dir:<file>";
 * 3. PostgreSQL table `scenarios`, written through the API, origin "api" (an edit of a file scenario
 *    is an override row; deleting a file scenario stores a disabled override — files are never touched).
 * Any change (API write, or a file changed on disk: fs.watch, debounced) recomputes the list and hands it
 * to the engine at once. A broken file is reported and skipped; the rest keep running.
 */
export interface ScenarioItem {
  name: string;
  description: string;
  enabled: boolean;
  severity: Scenario["severity"];
  labels: string[];
  origin: string;
  action_type: Scenario["action"]["type"];
  threshold: number;
  window: string;
  group_by: string;
  distinct?: string;
  yaml: string;
  fired_24h: number;
  last_fired: string | null;
}

export class ScenarioStoreError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "ScenarioStoreError";
  }
}

export interface ScenarioStoreOptions {
  db: Kysely<StateDatabase>;
  /** Receives the enabled list on every change (the live engine's replaceScenarios). */
  onChange?: (scenarios: Scenario[]) => void;
  builtinDir?: string | null;
  /** The operator folder (env VIGIL_SCENARIOS_DIR); absent = none. */
  extraDir?: string | null;
  /** Watch the folders for changes (default true). */
  watch?: boolean;
  debounceMs?: number;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  now?: () => number;
}

interface Entry {
  scenario: Scenario;
  yaml: string;
  fromFile: boolean;
}

export type ScenarioStore = Awaited<ReturnType<typeof createScenarioStore>>;

export async function createScenarioStore(opts: ScenarioStoreOptions) {
  const { db } = opts;
  const builtinDir = opts.builtinDir === undefined ? builtinScenariosDir() : opts.builtinDir;
  const extraDir = opts.extraDir ?? null;
  const fires = createFireCounts(opts.now);
  let files = new Map<string, FileScenario>();
  let entries = new Map<string, Entry>();
  let fileErrors: { file: string; message: string }[] = [];
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  let reloading: Promise<void> = Promise.resolve();

  async function loadFiles(): Promise<void> {
    const next = new Map<string, FileScenario>();
    const errors: typeof fileErrors = [];
    for (const [dir, kind] of [
      [builtinDir, "builtin"],
      [extraDir, "dir"],
    ] as const) {
      if (!dir) continue;
      const loaded = await loadScenarioFolder(dir, kind);
      for (const s of loaded.scenarios) next.set(s.scenario.name, s);
      for (const e of loaded.errors) {
        // A file that loaded before and now fails (an edit with a typo, a refused regex) keeps its
        // last good version running: a bad edit never silently removes a scenario.
        const prev = [...files.values()].find(
          (f) =>
            f.scenario.origin === `${kind}:${f.file}` &&
            e.file === (kind === "builtin" ? `scenarios/${f.file}` : join(dir, f.file)),
        );
        if (prev && !next.has(prev.scenario.name)) {
          next.set(prev.scenario.name, prev);
          errors.push({
            ...e,
            message: `${e.message}\n(the previous version of '${prev.scenario.name}' keeps running)`,
          });
        } else errors.push(e);
      }
    }
    for (const e of errors) opts.log?.warn({ file: e.file }, e.message);
    files = next;
    fileErrors = errors;
  }

  async function rebuild(): Promise<void> {
    const next = new Map<string, Entry>();
    for (const [name, f] of files) next.set(name, { scenario: f.scenario, yaml: f.yaml, fromFile: true });
    const rows = await db.selectFrom("scenarios").selectAll().execute();
    for (const row of rows) {
      try {
        const s = parseScenarioYaml(row.yaml, { file: `scenario ${row.name}`, origin: "api" });
        next.set(row.name, {
          scenario: { ...s, name: row.name, enabled: row.enabled, origin: row.origin },
          yaml: row.yaml,
          fromFile: files.has(row.name),
        });
      } catch (err) {
        // Rows are validated on write; this guards against a YAML extension being removed later.
        opts.log?.warn({ name: row.name, err }, "stored scenario no longer valid: skipped");
      }
    }
    entries = next;
    opts.onChange?.(enabled());
  }

  function enabled(): Scenario[] {
    return [...entries.values()].map((e) => e.scenario).filter((s) => s.enabled);
  }

  function item(e: Entry): ScenarioItem {
    const s = e.scenario;
    return {
      name: s.name,
      description: s.description,
      enabled: s.enabled,
      severity: s.severity,
      labels: s.labels,
      origin: s.origin,
      action_type: s.action.type,
      threshold: s.detection.threshold,
      window: formatDuration(s.detection.windowMs),
      group_by: s.detection.group_by,
      ...(s.detection.distinct !== undefined ? { distinct: s.detection.distinct } : {}),
      yaml: e.yaml,
      ...fires.get(s.name),
    };
  }

  /** Serialised so a file event and an API write never rebuild concurrently. */
  function reload(withFiles: boolean): Promise<void> {
    reloading = reloading.then(async () => {
      if (withFiles) await loadFiles();
      await rebuild();
    });
    return reloading;
  }

  async function write(name: string, yaml: string, scenario: Scenario, actor: string): Promise<void> {
    const origin = files.get(name)?.scenario.origin ?? "api";
    await db
      .insertInto("scenarios")
      .values({ name, yaml, enabled: scenario.enabled, origin, updated_by: actor, updated_at: new Date() })
      .onConflict((oc) =>
        oc.column("name").doUpdateSet({
          yaml,
          enabled: scenario.enabled,
          origin,
          updated_by: actor,
          updated_at: new Date(),
        }),
      )
      .execute();
    await reload(false);
  }

  function watchDir(dir: string | null): void {
    if (!dir || opts.watch === false) return;
    try {
      const w = watch(dir, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          reload(true).catch((err: unknown) => opts.log?.warn({ err }, "scenario reload failed"));
        }, opts.debounceMs ?? 300);
      });
      w.on("error", () => w.close());
      watchers.push(w);
    } catch {
      // A missing folder is simply not watched.
    }
  }

  await reload(true);
  watchDir(builtinDir);
  watchDir(extraDir);

  return {
    list: (): ScenarioItem[] => [...entries.values()].map(item).sort((a, b) => a.name.localeCompare(b.name)),
    get(name: string): ScenarioItem | null {
      const e = entries.get(name);
      return e ? item(e) : null;
    },
    /** The running definition (for backtests). */
    scenario: (name: string): Scenario | null => entries.get(name)?.scenario ?? null,
    enabled,
    fileErrors: () => fileErrors,
    async create(yaml: string, actor: string): Promise<ScenarioItem> {
      const s = parseScenarioYaml(yaml);
      if (entries.has(s.name))
        throw new ScenarioStoreError(409, `scenario '${s.name}' already exists: PUT to change it`);
      await write(s.name, yaml, s, actor);
      return item(entries.get(s.name) as Entry);
    },
    async put(name: string, yaml: string, actor: string): Promise<ScenarioItem> {
      if (!entries.has(name)) throw new ScenarioStoreError(404, `no scenario named '${name}'`);
      const s = parseScenarioYaml(yaml);
      if (s.name !== name) {
        throw new ScenarioStoreError(
          400,
          `the YAML names '${s.name}' but the URL names '${name}': renaming is not supported`,
        );
      }
      await write(name, yaml, s, actor);
      return item(entries.get(name) as Entry);
    },
    /** An API scenario is deleted; a file scenario is disabled (its file is left alone). */
    async remove(name: string, actor: string): Promise<"deleted" | "disabled"> {
      const e = entries.get(name);
      if (!e) throw new ScenarioStoreError(404, `no scenario named '${name}'`);
      if (!e.fromFile) {
        await db.deleteFrom("scenarios").where("name", "=", name).execute();
        await reload(false);
        return "deleted";
      }
      await write(name, e.yaml, { ...e.scenario, enabled: false }, actor);
      return "disabled";
    },
    /** Feed every detection here (fired_24h, last_fired). */
    recordDetection(d: Pick<Detection, "scenario">): void {
      fires.record(d.scenario);
    },
    reload: () => reload(true),
    async close(): Promise<void> {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      await reloading;
    },
  };
}
