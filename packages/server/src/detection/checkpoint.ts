import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DetectionEngine, EngineSnapshot } from "./engine.js";

/**
 * Window state on disk, so a restart does not forget an attack in progress: `<dataDir>/detection-state.json`,
 * written every few seconds and on close. Writes go to a temp file then rename (atomic on one file
 * system), so a crash mid-write leaves the previous checkpoint intact. At start, windows that emptied
 * while Vigil was down, and scenarios whose definition changed, are dropped (engine.restore).
 */
export const CHECKPOINT_FILE = "detection-state.json";

export interface CheckpointLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CheckpointerOptions {
  engine: Pick<DetectionEngine, "snapshot" | "restore">;
  dataDir: string;
  /** Default 5 s. */
  intervalMs?: number;
  log?: CheckpointLog;
}

export interface Checkpointer {
  /** Loads the saved state into the engine; returns the number of keys restored (0 when none). */
  restore(at?: number): Promise<number>;
  /** Starts periodic saving. */
  start(): void;
  save(): Promise<void>;
  /** Stops the timer and writes a final checkpoint. */
  close(): Promise<void>;
}

function isSnapshot(v: unknown): v is EngineSnapshot {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { version?: unknown }).version === 1 &&
    Array.isArray((v as { scenarios?: unknown }).scenarios)
  );
}

export function createCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const path = join(opts.dataDir, CHECKPOINT_FILE);
  const interval = opts.intervalMs ?? 5000;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    await mkdir(opts.dataDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(opts.engine.snapshot()));
    await rename(tmp, path);
  }

  function save(): Promise<void> {
    // One write at a time: a slow disk must not interleave two renames.
    writing = writing.then(write, write).catch((err: unknown) => {
      opts.log?.warn({ err, path }, "detection checkpoint not written");
    });
    return writing;
  }

  return {
    async restore(at?: number) {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw err;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        opts.log?.warn({ path }, "detection checkpoint unreadable: starting with empty windows");
        return 0;
      }
      if (!isSnapshot(parsed)) return 0;
      const n = opts.engine.restore(parsed, at);
      opts.log?.info(
        { keys: n, saved_at: new Date(parsed.saved_at).toISOString() },
        "detection windows restored",
      );
      return n;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void save(), interval);
      timer.unref();
    },
    save,
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await save();
    },
  };
}
