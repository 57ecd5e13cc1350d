import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { CHECKPOINT_FILE } from "./checkpoint.js";
import { createDetection } from "./detection-service.js";
import { builtinScenariosDir } from "./scenario-files.js";
import type { Detection } from "./types.js";

const dataDir = mkdtempSync(join(tmpdir(), "vigil-detection-"));
let state: TestStateStore;
let events: EventStore;
const log = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  state = await openTestStateStore();
  events = await createEventStore({ dataDir, log: silentLog, retention: { eventsDays: 30, modsecDays: 30 } });
});
afterAll(async () => {
  await events?.close();
  await state?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const sshFail = (i: number) =>
  makeEvent({
    log_type: "SSH",
    category: "authentication",
    sub_category: "failure",
    src_ip: "45.155.205.233",
    timestamp: Date.now() + i,
  });

describe("detection service (as the composition root wires it)", () => {
  it("runs the shipped scenarios on ingested batches, publishes, counts, and survives a restart mid-attack", async () => {
    const fired: Detection[] = [];
    const published: string[] = [];
    const registry = new Registry();
    const options = {
      db: state.store.db,
      eventStore: events,
      dataDir,
      log,
      registry,
      hub: { publish: (type: string) => published.push(type) },
      onDetection: (d: Detection) => fired.push(d),
    };
    const first = await createDetection(options);
    // Every shipped scenario file is running (all are enabled).
    const shipped = readdirSync(builtinScenariosDir()).filter((f) => f.endsWith(".yaml")).length;
    expect(shipped).toBeGreaterThan(8);
    expect(first.engine.scenarios().length).toBe(shipped);
    first.consume([0, 1, 2].map(sshFail));
    await first.close();
    expect(existsSync(join(dataDir, CHECKPOINT_FILE))).toBe(true);

    const second = await createDetection({ ...options, registry: new Registry() });
    second.consume([3, 4].map(sshFail)); // 3 before the restart + 2 after = 5 in 2 minutes
    expect(fired.map((d) => [d.scenario, d.value, d.count])).toEqual([
      ["ssh-bruteforce", "45.155.205.233", 5],
    ]);
    expect(published).toEqual(["detection"]);
    expect(second.store.get("ssh-bruteforce")?.fired_24h).toBe(1);
    await second.close();
    expect(await registry.getSingleMetricAsString("vigil_detection_keys")).toContain("vigil_detection_keys");
  });
});
