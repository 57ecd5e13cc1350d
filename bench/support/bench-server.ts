/**
 * What the end-to-end benchmarks share: a Vigil started from the sources (tsx) with embedded stores in
 * a fresh data directory, signed in as admin; RFC 3164 headers; TCP syslog sockets; percentiles.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, REPO_ROOT } from "../../e2e/support/server-process.js";

export const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};

export interface BenchServer {
  /** The server process, e.g. to sample its memory. */
  pid: number;
  /** True when the built server (dist) runs, false when the sources run through tsx. */
  built: boolean;
  url: string;
  httpPort: number;
  syslogPort: number;
  token: string;
  /** JSON request with the admin token. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

const PASSWORD = "bench-admin-password";

export async function startBenchServer(
  name: string,
  env: Record<string, string> = {},
  opts: { preferBuilt?: boolean } = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `vigil-bench-${name}-`));
  const httpPort = await freePort();
  const syslogPort = await freePort();
  const built = opts.preferBuilt === true && existsSync(join(REPO_ROOT, "packages/server/dist/main.js"));
  const entry = built ? ["packages/server/dist/main.js"] : ["--import", "tsx", "packages/server/src/main.ts"];
  const server: ChildProcess = spawn(process.execPath, entry, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      VIGIL_DATA_DIR: dataDir,
      VIGIL_HTTP_PORT: String(httpPort),
      VIGIL_HTTP_HOST: "127.0.0.1",
      VIGIL_SYSLOG_PORT: String(syslogPort),
      VIGIL_SYSLOG_HOST: "127.0.0.1",
      VIGIL_ADMIN_PASSWORD: PASSWORD,
      VIGIL_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch {
        // starting
      }
      if (i > 600) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
    };
    return { pid: server.pid ?? 0, built, url, httpPort, syslogPort, token, api, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 3164 header in UTC (the server's default sender zone). */
export function syslogHeader(pri: number, host: string, app: string): string {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, " ");
  return `<${pri}>${MONTHS[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${host} ${app}:`;
}

export function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    s.setNoDelay(true);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
