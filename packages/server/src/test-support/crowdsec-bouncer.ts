import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Debian's CrowdSec custom bouncer (`apt-get install --no-install-recommends crowdsec-custom-bouncer`),
 * run as a child process against a Vigil under test. It polls `/v1/decisions/stream` like every
 * stock bouncer and runs a script for each decision; ours appends "add|del <ip> <seconds> <scenario>"
 * to a file the test reads.
 */
export const CUSTOM_BOUNCER_BIN =
  process.env.VIGIL_CROWDSEC_CUSTOM_BOUNCER ?? "/usr/bin/crowdsec-custom-bouncer";
export const hasCustomBouncer = existsSync(CUSTOM_BOUNCER_BIN);

export interface BouncerAction {
  action: "add" | "del";
  value: string;
  seconds: number;
  scenario: string;
}

export interface RunningBouncer {
  /** What the bouncer has applied so far, in order. */
  actions(): Promise<BouncerAction[]>;
  /** Poll the actions until `predicate` holds (every 100 ms, up to `timeoutMs`). */
  waitFor(predicate: (actions: BouncerAction[]) => boolean, timeoutMs?: number): Promise<BouncerAction[]>;
  /** The bouncer's own log, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startCustomBouncer(options: {
  apiUrl: string;
  apiKey: string;
  /** YAML lists, e.g. ["waf"]. */
  scenariosContaining?: string[];
}): Promise<RunningBouncer> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-cs-bouncer-"));
  const actionsFile = join(dir, "actions.log");
  const script = join(dir, "apply.sh");
  await writeFile(script, `#!/bin/sh\nprintf '%s %s %s %s\\n' "$1" "$2" "$3" "$4" >> '${actionsFile}'\n`);
  await chmod(script, 0o755);
  await writeFile(actionsFile, "");
  const config = join(dir, "bouncer.yaml");
  await writeFile(
    config,
    [
      `bin_path: ${script}`,
      "feed_via_stdin: false",
      "total_retries: 0",
      `scenarios_containing: ${JSON.stringify(options.scenariosContaining ?? [])}`,
      "scenarios_not_containing: []",
      "origins: []",
      `piddir: ${dir}/`,
      "update_frequency: 200ms",
      // The bouncer skips an "add" for a value it applied within this long (even if deleted since).
      "cache_retention_duration: 1s",
      "daemonize: false",
      "log_mode: stdout",
      "log_level: debug",
      `api_url: ${options.apiUrl}`,
      `api_key: ${options.apiKey}`,
      "",
    ].join("\n"),
  );

  let log = "";
  const child: ChildProcess = spawn(CUSTOM_BOUNCER_BIN, ["-c", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  async function actions(): Promise<BouncerAction[]> {
    const text = await readFile(actionsFile, "utf8");
    return text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => {
        const [action, value = "", seconds = "0", scenario = ""] = line.split(" ");
        return { action: action === "del" ? "del" : "add", value, seconds: Number(seconds), scenario };
      });
  }

  return {
    actions,
    output: () => log,
    async waitFor(predicate, timeoutMs = 8000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = await actions();
        if (predicate(seen)) return seen;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`bouncer did not get there; actions: ${JSON.stringify(seen)}\nits log:\n${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
