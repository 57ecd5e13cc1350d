import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import { CHECKPOINT_FILE, createCheckpointer } from "./checkpoint.js";
import { createDetectionEngine } from "./engine.js";
import { testScenario } from "./test-scenarios.js";
import type { Detection } from "./types.js";

const T0 = Date.UTC(2026, 4, 18, 12, 0, 0);
const SSH = testScenario("ssh", { log_type: "SSH" }, 5, 120_000);
const SCAN = testScenario("scan", { action: "drop" }, 3, 60_000, { distinct: "dst_port" });
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function node(dataDir: string, clock: { t: number }, scenarios = [SSH, SCAN]) {
  const fired: Detection[] = [];
  const engine = createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), now: () => clock.t });
  const checkpoints = createCheckpointer({ engine, dataDir, intervalMs: 60_000 });
  return { engine, fired, checkpoints };
}

const ssh = (ip: string, t: number) => makeEvent({ log_type: "SSH", src_ip: ip, timestamp: t, action: "" });

describe("detection checkpoints", () => {
  it("a restart remembers an attack in progress, and forgets windows that emptied meanwhile", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-detect-"));
    dirs.push(dir);
    const clock = { t: T0 };
    const first = node(dir, clock);
    first.engine.process([0, 1, 2, 3].map((i) => ssh("203.0.113.5", T0 + i * 1000)));
    first.engine.process([makeEvent({ action: "drop", src_ip: "203.0.113.6", dst_port: 22, timestamp: T0 })]);
    first.engine.process([
      makeEvent({ action: "drop", src_ip: "203.0.113.6", dst_port: 23, timestamp: T0 + 1 }),
    ]);
    await first.checkpoints.close();
    expect(await readdir(dir)).toEqual([CHECKPOINT_FILE]); // no temp file left behind

    // Back 30 s later: the ssh window (2 min) is still open, the scan window (1 min) too.
    clock.t = T0 + 30_000;
    const second = node(dir, clock);
    expect(await second.checkpoints.restore()).toBe(2);
    second.engine.process([ssh("203.0.113.5", clock.t)]);
    expect(second.fired.map((d) => [d.scenario, d.value, d.count])).toEqual([["ssh", "203.0.113.5", 5]]);
    second.engine.process([
      makeEvent({ action: "drop", src_ip: "203.0.113.6", dst_port: 24, timestamp: clock.t }),
    ]);
    expect(second.fired.map((d) => d.scenario)).toEqual(["ssh", "scan"]);

    // Back 5 minutes after the first checkpoint: both windows emptied, nothing to restore.
    clock.t = T0 + 5 * 60_000;
    const third = node(dir, clock);
    expect(await third.checkpoints.restore(T0 + 5 * 60_000)).toBe(0);
  });

  it("drops the state of scenarios whose definition changed, and survives a missing or corrupt file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-detect-"));
    dirs.push(dir);
    const clock = { t: T0 };
    const empty = node(dir, clock);
    expect(await empty.checkpoints.restore()).toBe(0);
    empty.engine.process([0, 1, 2].map((i) => ssh("203.0.113.7", T0 + i)));
    await empty.checkpoints.save();
    const saved = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), "utf8")) as { scenarios: unknown[] };
    expect(saved.scenarios).toHaveLength(2);

    const changed = node(dir, clock, [{ ...SSH, detection: { ...SSH.detection, threshold: 3 } }]);
    expect(await changed.checkpoints.restore()).toBe(0);

    await writeFile(join(dir, CHECKPOINT_FILE), "{ not json");
    expect(await node(dir, clock).checkpoints.restore()).toBe(0);
  });
});
