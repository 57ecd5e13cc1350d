import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, killHard, REPO_ROOT, startServerProcess } from "./support/server-process.js";

/**
 * "Nothing lost": SIGKILL the server in the middle of a sustained HTTP batch ingest, start it again on
 * the same data directory, and check that every batch that was acknowledged with a 2xx is in the store,
 * each event exactly once.
 */
const PASSWORD = "crash-test-admin-password";
const dataDir = mkdtempSync(join(tmpdir(), "vigil-crash-"));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) await killHard(c);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Acked {
  batch: string;
  first: string;
  last: string;
  count: number;
  accepted: number;
}

async function api<T>(url: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe("crash during HTTP ingest", () => {
  it("keeps every acknowledged batch after kill -9 and restart, none twice", async () => {
    const env = {
      VIGIL_DATA_DIR: dataDir,
      VIGIL_HTTP_PORT: String(await freePort()),
      VIGIL_SYSLOG_PORT: String(await freePort()),
      VIGIL_ADMIN_PASSWORD: PASSWORD,
    };
    const first = await startServerProcess(env);
    children.push(first.child);
    const login = await fetch(`${first.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const { key } = await api<{ key: string }>(first.url, "/api/v1/api-keys", token, {
      name: "crash-load",
      scopes: ["ingest"],
    });

    const ackedFile = join(dataDir, "acked.ndjson");
    const load = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "bench/ingest/load-http.ts",
        "--url",
        first.url,
        "--key",
        key,
        "--events",
        "2000000",
        "--batch",
        "500",
        "--concurrency",
        "4",
        "--acked-file",
        ackedFile,
        "--run-id",
        "crash",
      ],
      { cwd: REPO_ROOT, stdio: "ignore" },
    );
    children.push(load);

    // Let batches flow, then kill the server mid-stream (and the client with it, so the acked list is final).
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const lines = existsSync(ackedFile)
        ? readFileSync(ackedFile, "utf8").split("\n").filter(Boolean).length
        : 0;
      if (lines >= 40) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await killHard(first.child);
    await killHard(load);
    const acked = readFileSync(ackedFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Acked);
    expect(acked.length).toBeGreaterThanOrEqual(40);

    // Restart on the same data directory.
    const second = await startServerProcess(env);
    children.push(second.child);
    const token2 = (
      (await (
        await fetch(`${second.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "admin", password: PASSWORD }),
        })
      ).json()) as { token: string }
    ).token;

    // The restarted server answers with what was acknowledged.
    const stats = await api<{ total: number }>(
      second.url,
      "/api/v1/events/stats?from=2000-01-01T00:00:00Z",
      token2,
    );
    const ackedEvents = acked.reduce((n, a) => n + a.accepted, 0);
    expect(stats.total).toBeGreaterThanOrEqual(ackedEvents);

    // Stop it, then count every marker in the store itself: each acknowledged event exactly once.
    second.child.kill("SIGTERM");
    await new Promise((r) => second.child.once("exit", r));
    const { Session } = await import("chdb");
    const session = new Session(join(dataDir, "events"));
    const rows = session
      .query(
        "SELECT unique_id, count() AS c FROM events WHERE startsWith(unique_id, 'crash-') GROUP BY unique_id",
        "JSONEachRow",
      )
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { unique_id: string; c: string | number });
    session.close();
    const counts = new Map(rows.map((r) => [r.unique_id, Number(r.c)]));
    let missing = 0;
    let twice = 0;
    for (const a of acked) {
      const lo = Number(a.first.split("-").pop());
      const hi = Number(a.last.split("-").pop());
      for (let seq = lo; seq <= hi; seq++) {
        const c = counts.get(`crash-${seq}`) ?? 0;
        if (c === 0) missing++;
        if (c > 1) twice++;
      }
    }
    expect({ batches: acked.length, events: ackedEvents, missing, twice }).toEqual({
      batches: acked.length,
      events: ackedEvents,
      missing: 0,
      twice: 0,
    });
  }, 240_000);
});
