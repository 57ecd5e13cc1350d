import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  markedLine,
  markerOf,
  openInput,
  type Rsyslog,
  rsyslogMissing,
  startRsyslog,
} from "../packages/server/src/ingest/relp/test-rsyslog.js";
import { freePort, killHard, startServerProcess } from "./support/server-process.js";

/**
 * "Nothing lost" for RELP: Debian's rsyslog (omrelp, an in-memory action queue that retries forever)
 * sends steadily to Vigil; Vigil is killed with SIGKILL mid-stream and started again on the same data
 * directory. Every line rsyslog was given must be in the store. RELP is at-least-once: lines that were
 * stored but not yet acknowledged when Vigil died are sent again, so duplicates are counted and reported,
 * not failed.
 */
const PASSWORD = "relp-crash-admin-password";
const RUN = `relpcrash${process.pid}`;
const TOTAL = 6000;
const KILL_AFTER = 1500;
const dataDir = mkdtempSync(join(tmpdir(), "vigil-relp-crash-"));
const children: ChildProcess[] = [];
let rsyslog: Rsyslog | null = null;

afterAll(async () => {
  await rsyslog?.stop();
  for (const c of children) await killHard(c);
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Every stored event of this run: how many rows, and how many distinct markers. */
async function countStored(url: string, token: string): Promise<{ rows: number; distinct: number }> {
  const seen = new Set<string>();
  let rows = 0;
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ q: RUN, from: "2000-01-01T00:00:00Z", limit: "1000" });
    if (cursor) q.set("cursor", cursor);
    const res = await fetch(`${url}/api/v1/events?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`events: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as {
      items: Array<{ raw_log?: string; message?: string }>;
      next_cursor: string | null;
    };
    for (const e of page.items) {
      const m = markerOf(e.raw_log ?? e.message ?? "", RUN);
      if (m === null) continue;
      rows++;
      seen.add(m);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return { rows, distinct: seen.size };
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  what: string,
  limitMs: number,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null && done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const missing = rsyslogMissing();
describe.skipIf(missing !== null)(
  `crash during RELP ingest${missing ? ` — skipped: ${missing}` : ""}`,
  () => {
    it("loses no line rsyslog sent across kill -9 and restart (duplicates counted)", async () => {
      const relpPort = await freePort();
      const env = {
        VIGIL_DATA_DIR: dataDir,
        VIGIL_HTTP_PORT: String(await freePort()),
        VIGIL_SYSLOG_PORT: String(await freePort()),
        VIGIL_RELP_PORT: String(relpPort),
        VIGIL_ADMIN_PASSWORD: PASSWORD,
      };
      const first = await startServerProcess(env);
      children.push(first.child);
      const token = await login(first.url);

      const rsDir = join(dataDir, "rsyslog");
      rsyslog = await startRsyslog({ dir: rsDir, relpPort, inputPort: await freePort() });
      const input = await openInput(rsyslog.inputPort);

      // A steady sender: 20 lines every 50 ms into rsyslog, which forwards them over RELP.
      let sent = 0;
      const sending = (async () => {
        while (sent < TOTAL) {
          const n = Math.min(20, TOTAL - sent);
          await input.send(Array.from({ length: n }, (_, k) => markedLine(RUN, sent + k)));
          sent += n;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      const beforeKill = await waitFor(
        () => countStored(first.url, token),
        (c) => c.distinct >= KILL_AFTER,
        `${KILL_AFTER} lines stored before the kill`,
        120_000,
      );
      await killHard(first.child);
      const sentAtKill = sent;

      const second = await startServerProcess(env);
      children.push(second.child);
      const token2 = await login(second.url);
      await sending;
      await input.close();

      const after = await waitFor(
        () => countStored(second.url, token2),
        (c) => c.distinct >= TOTAL,
        `all ${TOTAL} lines after the restart`,
        180_000,
      );
      const figures = {
        sent: TOTAL,
        sentAtKill,
        storedBeforeKill: beforeKill.distinct,
        stored: after.distinct,
        lost: TOTAL - after.distinct,
        duplicates: after.rows - after.distinct,
      };
      console.log(`RELP across kill -9: ${JSON.stringify(figures)}`);
      expect(figures.lost).toBe(0);
      expect(sentAtKill).toBeLessThan(TOTAL); // the kill really happened mid-stream
    }, 420_000);
  },
);
