import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OFFLINE_THREAT_INTEL_ENV } from "../../packages/server/src/test-support/offline-threat-intel.js";

/**
 * Vigil as a separate process, started the way a user starts it (the server's main module), so a test
 * can kill it with SIGKILL and start it again on the same data directory.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<ServerProcess> {
  const httpPort = Number(env.VIGIL_HTTP_PORT);
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      VIGIL_LOG_LEVEL: "warn",
      VIGIL_HTTP_HOST: "127.0.0.1",
      VIGIL_SYSLOG_HOST: "127.0.0.1",
      // No provider on the internet is ever asked from a test (a test's fakes override these).
      ...OFFLINE_THREAT_INTEL_ENV,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`server did not start in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, url, output: () => out };
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
