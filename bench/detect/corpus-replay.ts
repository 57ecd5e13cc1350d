/**
 * Detection quality on the shared corpus (`../shared/corpus`, or VIGIL_CORPUS_DIR): replays
 * - every CrowdSec hub scenario test (a `scenario.assert` beside its log) through Vigil's own path —
 *   syslog header, `parseLine`, the sshd correlator, `finishEvent`, the engine with every shipped
 *   scenario on event time — and compares the IPs Vigil flags with the IPs the hub's assertions expect
 *   (`"IP" in results[N].Overflow.GetSources()`; `len(results) == 0` expects none);
 * - every fail2ban filter test log (sshd, nginx, apache): each `"match": true` line is parsed in file
 *   order (so sshd's multi-line connections are attributed as in the server) and counts when a
 *   shipped scenario's filter takes its event with the host fail2ban expects as the group key;
 *   `"match": false` lines a ban scenario takes are listed too.
 *
 *   npx tsx bench/detect/corpus-replay.ts [--corpus DIR] [--json]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDetectionEngine } from "../../packages/server/src/detection/engine.js";
import type { EventField } from "../../packages/server/src/detection/event-fields.js";
import { fieldText } from "../../packages/server/src/detection/event-fields.js";
import { compileFilter } from "../../packages/server/src/detection/filter.js";
import {
  builtinScenariosDir,
  loadScenarioFolder,
} from "../../packages/server/src/detection/scenario-files.js";
import type { Detection } from "../../packages/server/src/detection/types.js";
import type { Event } from "../../packages/server/src/ingest/event.js";
import { finishEvent } from "../../packages/server/src/ingest/normalise.js";
import { parseLine } from "../../packages/server/src/ingest/parsers/registry.js";
import {
  FAIL2BAN_NOW,
  FAIL2BAN_ZONE,
  readFail2ban,
} from "../../packages/server/src/ingest/parsers/registry-fail2ban.js";
import { createSshdCorrelator } from "../../packages/server/src/ingest/parsers/sshd.js";
import { parseSyslogHeader } from "../../packages/server/src/ingest/syslog/header.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const CORPUS = resolve(
  arg("corpus", process.env.VIGIL_CORPUS_DIR ?? join(import.meta.dirname, "../../../shared/corpus")),
);
if (!existsSync(CORPUS)) {
  console.log(`corpus not found at ${CORPUS}: nothing to replay (pass --corpus DIR)`);
  process.exit(0);
}

const folder = await loadScenarioFolder(builtinScenariosDir(), "builtin");
if (folder.errors.length > 0) throw new Error(folder.errors.map((e) => e.message).join("\n"));
const scenarios = folder.scenarios.map((f) => f.scenario);
const compiled = scenarios.map((s) => ({ s, match: compileFilter(s.detection.filter) }));

/** Lines → Events as the ingest pipeline makes them. */
function toEvents(lines: string[], receivedAt: number, timezone: string): Event[] {
  const correlate = createSshdCorrelator();
  const out: Event[] = [];
  for (const line of lines) {
    const ctx = { receivedAt, timezone };
    const h = parseSyslogHeader(line, ctx);
    const c = { ...ctx, syslog: h.meta };
    let draft = parseLine(h.message, c).event;
    if (draft?.source_type === "sshd") draft = correlate(draft, c);
    if (draft)
      out.push(
        finishEvent({ ...draft, raw_log: line }, { site: "corpus", sender: "192.0.2.1" }, null, receivedAt),
      );
  }
  return out;
}

// --- CrowdSec hub scenario tests ---------------------------------------------------------------
interface HubRow {
  test: string;
  expected: string[];
  flagged: string[];
  banned: string[];
  caught: string[];
  missed: string[];
  extra: string[];
  scenarios: string[];
}
const hubRows: HubRow[] = [];
const hubDir = join(CORPUS, "crowdsec-hub");
for (const test of existsSync(hubDir) ? readdirSync(hubDir).sort() : []) {
  const dir = join(hubDir, test);
  const assertFile = join(dir, "scenario.assert");
  if (!existsSync(assertFile)) continue;
  const asserts = readFileSync(assertFile, "utf8");
  const expected = new Set(
    [...asserts.matchAll(/"([0-9a-fA-F:.]+)" in results\[\d+\]\.Overflow\.GetSources\(\)/g)].map(
      (m) => m[1] as string,
    ),
  );
  const log = readdirSync(dir).find((f) => f.endsWith(".log"));
  if (!log) continue;
  const lines = readFileSync(join(dir, log), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const fired: Detection[] = [];
  createDetectionEngine({ scenarios, maxSkewMs: null, onDetection: (d) => fired.push(d) }).process(
    toEvents(lines, Date.now(), "UTC"),
  );
  const bySrc = fired.filter((d) => d.group_by === "src_ip");
  const flagged = new Set(bySrc.map((d) => d.value));
  const banned = new Set(bySrc.filter((d) => d.action === "ban").map((d) => d.value));
  hubRows.push({
    test,
    expected: [...expected],
    flagged: [...flagged],
    banned: [...banned],
    caught: [...expected].filter((ip) => flagged.has(ip)),
    missed: [...expected].filter((ip) => !flagged.has(ip)),
    extra: [...flagged].filter((ip) => !expected.has(ip)),
    scenarios: [...new Set(bySrc.map((d) => `${d.scenario}:${d.action}`))],
  });
}

// --- fail2ban filter test logs -------------------------------------------------------------------
interface F2bRow {
  file: string;
  match_lines: number;
  counted: number;
  not_counted: string[];
  nomatch_lines_taken: string[];
  by_scenario: Record<string, number>;
}
const f2bRows: F2bRow[] = [];
for (const sub of ["sshd", "nginx", "apache"]) {
  const dir = join(CORPUS, sub);
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith(".md")) continue;
    const cases = readFail2ban(join(dir, file));
    const events = toEvents(
      cases.map((c) => c.line),
      FAIL2BAN_NOW,
      FAIL2BAN_ZONE,
    );
    // toEvents keeps one event per parsed line; lines no parser took are absent, so map by raw_log.
    const byLine = new Map<string, Event[]>();
    for (const e of events) byLine.set(e.raw_log, [...(byLine.get(e.raw_log) ?? []), e]);
    const row: F2bRow = {
      file: `${sub}/${file}`,
      match_lines: 0,
      counted: 0,
      not_counted: [],
      nomatch_lines_taken: [],
      by_scenario: {},
    };
    for (const c of cases) {
      const e = byLine.get(c.line)?.shift();
      const takers = e
        ? compiled.filter(({ s, match }) => {
            if (!match(e)) return false;
            const key = fieldText(e, s.detection.group_by as EventField);
            return (
              key !== "" &&
              (!c.host ||
                s.detection.group_by !== "src_ip" ||
                key === c.host ||
                !/^[\d.:a-f]+$/i.test(c.host))
            );
          })
        : [];
      if (c.match) {
        row.match_lines++;
        if (takers.length > 0) {
          row.counted++;
          for (const { s } of takers) row.by_scenario[s.name] = (row.by_scenario[s.name] ?? 0) + 1;
        } else row.not_counted.push(c.line.slice(0, 160));
      } else if (takers.some(({ s }) => s.action.type === "ban")) {
        row.nomatch_lines_taken.push(`${takers.map(({ s }) => s.name).join(",")}: ${c.line.slice(0, 140)}`);
      }
    }
    f2bRows.push(row);
  }
}

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ hub: hubRows, fail2ban: f2bRows }, null, 2));
} else {
  console.log(`scenarios: ${scenarios.length}; corpus: ${CORPUS}\n`);
  console.log("CrowdSec hub scenario tests (IPs the hub's assertions expect):");
  for (const r of hubRows)
    console.log(
      `  ${r.test}: expected [${r.expected.join(", ")}] caught [${r.caught.join(", ")}] missed [${r.missed.join(", ")}] extra [${r.extra.join(", ")}] banned [${r.banned.join(", ")}] by ${r.scenarios.join(" ")}`,
    );
  const exp = hubRows.reduce((n, r) => n + r.expected.length, 0);
  const caught = hubRows.reduce((n, r) => n + r.caught.length, 0);
  const banned = hubRows.reduce((n, r) => n + r.expected.filter((ip) => r.banned.includes(ip)).length, 0);
  const extra = hubRows.reduce((n, r) => n + r.extra.length, 0);
  console.log(
    `  total: caught ${caught}/${exp} expected IPs (${banned} by a ban scenario), ${extra} IPs flagged that the hub does not expect\n`,
  );
  console.log('fail2ban filter test logs ("match": true lines counted by a shipped scenario):');
  for (const r of f2bRows) {
    console.log(`  ${r.file}: ${r.counted}/${r.match_lines} ${JSON.stringify(r.by_scenario)}`);
    for (const l of r.not_counted) console.log(`      not counted: ${l}`);
    for (const l of r.nomatch_lines_taken) console.log(`      "match": false but taken: ${l}`);
  }
  const m = f2bRows.reduce((n, r) => n + r.match_lines, 0);
  const k = f2bRows.reduce((n, r) => n + r.counted, 0);
  console.log(`  total: ${k}/${m} match lines counted (${((100 * k) / Math.max(1, m)).toFixed(1)} %)`);
}
