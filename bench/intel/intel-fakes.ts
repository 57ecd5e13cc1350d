/**
 * What the threat-intel benchmarks share: distinct public attacker IPs in three classes, a local fake
 * of every provider (packages/server/src/intel/lookup/provider-fakes.ts, the documented wire formats)
 * told what it knows of each class, a fake of the IPsum file, the `VIGIL_TI_*` environment pointing
 * Vigil at them, and a state store in a fresh directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type ThreatIntelConfig } from "../../packages/server/src/config/config.js";
import {
  type FakeProvider,
  startFakeProvider,
} from "../../packages/server/src/intel/lookup/fake-provider.js";
import {
  closeProviderFakes,
  type FakeVerdict,
  PER_IP_PROVIDERS,
  type PerIpProvider,
  type ProviderFakes,
  providerFakesEnv,
  startProviderFakes,
} from "../../packages/server/src/intel/lookup/provider-fakes.js";
import { createStateStore, type StateStore } from "../../packages/server/src/storage/state-store.js";

export type AttackerClass = "unknown" | "mid" | "malicious";

/**
 * What each provider knows of an IP of each class. `unknown`: no source lists it (a one-off scanner
 * or a residential bot). `mid`: a few OTX pulses, a low-confidence ThreatFox IOC, a Shodan scanner tag
 * and two IPsum lists, then middling tier-2 answers: tier 1 gives 44, above 30, and tier 2 leaves it at
 * 47, below 60. `malicious`: every provider's strongest answer and six IPsum lists.
 */
const KNOWS: Record<AttackerClass, Partial<Record<PerIpProvider, FakeVerdict>> & { ipsum?: number }> = {
  unknown: {},
  mid: {
    otx: "suspicious",
    threatfox: "suspicious",
    internetdb: "suspicious",
    abuseipdb: "suspicious",
    greynoise: "suspicious",
    crowdsec: "suspicious",
    virustotal: "suspicious",
    criminalip: "suspicious",
    pulsedive: "suspicious",
    ipsum: 2,
  },
  malicious: { ...Object.fromEntries(PER_IP_PROVIDERS.map((p) => [p, "malicious"])), ipsum: 6 },
};

/** `--mix 70,20,10`: percent unknown, mid, malicious. */
export function parseMix(text: string): Record<AttackerClass, number> {
  const [unknown = 0, mid = 0, malicious = 0] = text.split(",").map(Number);
  if (unknown + mid + malicious !== 100) throw new Error(`--mix must add up to 100: ${text}`);
  return { unknown, mid, malicious };
}

/** `n` distinct public addresses (45.0.0.0/8 and up), each with its class, interleaved by the mix. */
export function attackers(
  n: number,
  mix: Record<AttackerClass, number>,
): Array<{ ip: string; cls: AttackerClass }> {
  const out: Array<{ ip: string; cls: AttackerClass }> = [];
  for (let i = 0; i < n; i++) {
    const v = i + 1;
    const ip = `${45 + (v >> 16)}.${(v >> 8) & 255}.${v & 255}.${(i * 7 + 11) & 255 || 1}`;
    // Spread the classes along the list (1 in 10 malicious, not the last 100).
    const slot = (i * 37) % 100;
    const cls: AttackerClass =
      slot < mix.unknown ? "unknown" : slot < mix.unknown + mix.mid ? "mid" : "malicious";
    out.push({ ip, cls });
  }
  return out;
}

export interface IntelFakes {
  fakes: ProviderFakes;
  /** The IPsum file server (one request per download). */
  ipsum: FakeProvider;
  /** `VIGIL_TI_<NAME>_URL` / `_KEY` for all eleven providers. */
  env: Record<string, string>;
  config(): ThreatIntelConfig;
  /** Provider → requests received so far (IPsum: file downloads). */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

export async function startIntelFakes(ips: Array<{ ip: string; cls: AttackerClass }>): Promise<IntelFakes> {
  const fakes = await startProviderFakes();
  const lists: string[] = [];
  for (const { ip, cls } of ips) {
    const knows = KNOWS[cls];
    for (const p of PER_IP_PROVIDERS) {
      const v = knows[p];
      if (v) fakes[p].verdicts.set(ip, v);
    }
    if (knows.ipsum) lists.push(`${ip}\t${knows.ipsum}`);
  }
  const file = [
    "# IPsum Threat Intelligence Feed",
    `# Last update: ${new Date().toUTCString()}`,
    "# IP\tnumber of (black)lists",
    ...lists,
    "",
  ].join("\n");
  const ipsum = await startFakeProvider((req) =>
    req.path === "/stamparm/ipsum/master/ipsum.txt"
      ? { status: 200, body: file, headers: { "Content-Type": "text/plain; charset=utf-8" } }
      : { status: 404, body: "404: Not Found", headers: { "Content-Type": "text/plain" } },
  );
  const env = {
    ...providerFakesEnv(fakes),
    VIGIL_TI_IPSUM_URL: ipsum.url,
    VIGIL_TI_IPSUM_ENABLED: "true",
  };
  return {
    fakes,
    ipsum,
    env,
    config: () => loadConfig({ VIGIL_CONFIG: undefined, ...env } as NodeJS.ProcessEnv).threatIntel,
    calls: () => ({
      ipsum: ipsum.requests.length,
      ...Object.fromEntries(PER_IP_PROVIDERS.map((p) => [p, fakes[p].requests.length])),
    }),
    async close() {
      await closeProviderFakes(fakes);
      await ipsum.close();
    },
  };
}

export async function openBenchState(name: string): Promise<{ store: StateStore; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `vigil-bench-${name}-`));
  const store = await createStateStore({ dataDir, log: { info() {}, warn() {}, error() {} } });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `task` over `items` with `parallel` workers. */
export async function pool<T>(items: readonly T[], parallel: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

export const quietLog = { info() {}, warn() {} };
