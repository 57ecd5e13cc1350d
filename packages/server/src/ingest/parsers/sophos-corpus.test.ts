/**
 * The Sophos parser against real SFOS lines and Elastic's expected ECS output
 * (/work/shared/corpus/sophos-xg, read in place: the files are ELv2 and are not copied here).
 *
 * Where Vigil deliberately differs from Elastic, the comparison says so instead of matching blindly:
 * - trailing spaces: Vigil trims values (user agents, messages); Elastic keeps them.
 * - action: Elastic keeps Sophos words ("Virus", "alert", "detect") and calls every WAF and ATP line
 *   "denied"; Vigil normalises to allow/drop/reject/quarantine and says "" when nothing was done (an
 *   IPS "Detect", an ATP "Alert"). A WAF request without a blocking `reason` and spam that Sophos
 *   accepted (`spamaction="Accept"`, `"Prefix Subject"`) are "allow" in Vigil; those lines skip the "denied" checks.
 * - severity: Vigil raises IPS, ATP and virus events to a floor, so we check "not below Elastic's".
 * - time: Elastic reads a legacy wall clock as UTC unless Java knows the abbreviation as a zone id
 *   (CET, GMT): CEST, EDT come out wrong. Vigil honours unambiguous abbreviations, so the expected
 *   instant is Elastic's wall clock shifted by the offset below; ambiguous IST/BST use the sender zone,
 *   which here is UTC (the corpus configs set no time zone).
 * - rule: for anti-virus lines Vigil's rule is the virus (rule_name); Elastic's rule.id is fw_rule_id.
 * - url: for WAF lines Vigil appends `querystring` to the path; Elastic keeps only the path.
 * - log_type: IDP becomes IPS, and Event lines from VPN components become VPN.
 */

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import type { EventDraft, ParseContext } from "../event.js";
import { parseSophos } from "./sophos.js";

type Json = Record<string, unknown>;

function get(doc: Json, path: string): unknown {
  if (path in doc) return doc[path];
  let node: unknown = doc;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Json)[part];
  }
  return node;
}

const ctx: ParseContext = { receivedAt: Date.UTC(2024, 0, 1), timezone: "UTC" };
const CORPUS_OFFSETS_MIN: Record<string, number> = { CEST: 120, CET: 60, GMT: 0, EDT: -240, IST: 0, BST: 0 };
const VPN_COMPONENTS = new Set(["IPSec", "SSL VPN", "VPN Authentication", "SSL VPN Authentication"]);
const SEVERITY_RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const SYSLOG_TO_VIGIL = ["critical", "critical", "critical", "high", "medium", "low", "info", "info"];

function lines(file: string): string[] {
  return readFileSync(corpusPath("sophos-xg", file), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
}

function expectedTime(doc: Json, raw: string): number {
  const stamp = String(doc["@timestamp"]);
  const zone = /timezone="?([^"\s]+)/.exec(raw)?.[1];
  if (zone === undefined || get(doc, "event.timezone") !== undefined) return Date.parse(stamp);
  // Elastic read the wall clock as UTC: re-read it in the zone the line names.
  return Date.parse(stamp) - (CORPUS_OFFSETS_MIN[zone] ?? 0) * 60_000;
}

interface Tally {
  compared: number;
  matched: number;
}

describe.skipIf(!hasCorpus)("Sophos parser on the Elastic sophos.xg corpus", () => {
  const files = hasCorpus ? readdirSync(corpusPath("sophos-xg")).filter((f) => f.endsWith(".log")) : [];

  it("reads every line of every file as a sophos event with a time", () => {
    let total = 0;
    let withError = 0;
    for (const file of files) {
      for (const line of lines(file)) {
        total++;
        const event = parseSophos(line, ctx)?.event;
        expect(event, `${file}: ${line.slice(0, 80)}`).toBeDefined();
        expect(event?.source_type).toBe("sophos");
        expect(event?.log_type).not.toBe("");
        expect(event?.sophos_id).toMatch(/^\d{12}$/);
        expect(Number.isFinite(event?.timestamp)).toBe(true);
        if (event?.parse_error) withError++;
      }
    }
    console.log(
      `[sophos corpus] ${files.length} files, ${total} lines parsed, ${withError} flagged parse_error`,
    );
    expect(total).toBe(248);
    // Two corpus lines really are cut mid-quote: test-sophos-18-5-firewall.log:2 and test-sophos-xg.log:84.
    expect(withError).toBe(2);
  });

  it("agrees with Elastic's expected output on the fields Vigil has", () => {
    const tallies = new Map<string, Tally>();
    const mismatches: string[] = [];
    let pairedLines = 0;

    const check = (
      field: string,
      where: string,
      actual: unknown,
      expected: unknown,
      ok = actual === expected,
    ) => {
      const t = tallies.get(field) ?? { compared: 0, matched: 0 };
      t.compared++;
      if (ok) t.matched++;
      else
        mismatches.push(
          `${where} ${field}: got ${JSON.stringify(actual)}, Elastic ${JSON.stringify(expected)}`,
        );
      tallies.set(field, t);
    };

    for (const file of files.filter((f) =>
      readdirSync(corpusPath("sophos-xg")).includes(`${f}-expected.json`),
    )) {
      const docs = (
        JSON.parse(readFileSync(corpusPath("sophos-xg", `${file}-expected.json`), "utf8")) as {
          expected: Json[];
        }
      ).expected;
      const logLines = lines(file);
      // Documents follow the lines in order; test-sophos-xg.log has 3 lines without a document, so pair
      // each document with the next line equal to its event.original (README, "Verification").
      let cursor = 0;
      for (const doc of docs) {
        const original = String(get(doc, "event.original"));
        while (cursor < logLines.length && logLines[cursor] !== original) cursor++;
        expect(cursor, `${file}: no line for a document`).toBeLessThan(logLines.length);
        const line = logLines[cursor] ?? "";
        const where = `${file}:${cursor + 1}`;
        cursor++;
        pairedLines++;
        const e = parseSophos(line, ctx)?.event as EventDraft;

        check("@timestamp → timestamp", where, e.timestamp, expectedTime(doc, line));
        const optional: [string, keyof EventDraft, (v: unknown) => unknown][] = [
          ["source.ip", "src_ip", String],
          ["source.port", "src_port", Number],
          ["destination.ip", "dst_ip", String],
          ["destination.port", "dst_port", Number],
          ["network.transport", "protocol", (v) => String(v).trim().toUpperCase()],
          ["http.request.method", "http_method", String],
          ["http.response.status_code", "http_status", Number],
          ["user_agent.original", "user_agent", (v) => String(v).trim()],
          ["rule.name", "rule_name", String],
          ["sophos.xg.log_id", "sophos_id", String],
          ["sophos.xg.log_component", "category", String],
          ["sophos.xg.log_subtype", "sub_category", String],
          ["observer.serial_number", "device_serial", String],
          ["message", "message", (v) => String(v).trim()],
          ["event.reason", "reason", (v) => String(v).trim()],
        ];
        for (const [path, field, as] of optional) {
          const v = get(doc, path);
          if (v !== undefined) check(`${path} → ${field}`, where, e[field], as(v));
        }
        const user = get(doc, "user.name") ?? get(doc, "source.user.name");
        if (user !== undefined) check("user.name → user_name", where, e.user_name, String(user).trim());

        const rawType = String(get(doc, "sophos.xg.log_type"));
        const component = String(get(doc, "sophos.xg.log_component"));
        const vigilType =
          rawType === "IDP" ? "IPS" : rawType === "Event" && VPN_COMPONENTS.has(component) ? "VPN" : rawType;
        check("sophos.xg.log_type → log_type", where, e.log_type, vigilType);

        const ruleId = get(doc, "rule.id");
        if (ruleId !== undefined && e.log_type !== "Anti-Virus")
          check("rule.id → rule_id", where, e.rule_id, String(ruleId));

        const url = get(doc, "url.original") ?? get(doc, "url.full");
        if (url !== undefined) {
          const query = /querystring=(\S+)/.exec(line)?.[1] ?? "";
          const want = e.log_type === "WAF" && query.startsWith("?") ? `${String(url)}${query}` : String(url);
          check("url.original|url.full → url", where, e.url, want);
        }

        const types = get(doc, "event.type");
        // "Warned" (a warning page was served, nothing passed yet) is "" in Vigil, "allowed" in Elastic.
        const warned = get(doc, "sophos.xg.log_subtype") === "Warned";
        if (Array.isArray(types) && types.includes("allowed") && !warned)
          check("event.type allowed → action", where, e.action, "allow");

        const elasticAction = String(get(doc, "event.action") ?? "").toLowerCase();
        // Vigil follows the line where Elastic generalises: a WAF request that passed (no blocking
        // `reason`) is allow, and spam with spamaction "Accept" or "Prefix Subject" was delivered.
        const vigilSaysAllowed =
          e.log_type === "WAF" ||
          line.includes('spamaction="Accept"') ||
          line.includes('spamaction="Prefix Subject"');
        if ((elasticAction === "denied" || elasticAction === "drop") && !vigilSaysAllowed) {
          check("event.action denied|drop → action drop", where, e.action, "drop");
        }
        if (Array.isArray(types) && types.includes("denied") && !vigilSaysAllowed) {
          check("event.type denied → action not allow", where, e.action, "not allow", e.action !== "allow");
        }

        const level = get(doc, "event.severity");
        if (typeof level === "number") {
          const floor = SYSLOG_TO_VIGIL[level] ?? "info";
          const ok = (SEVERITY_RANK[e.severity ?? "info"] ?? 0) >= (SEVERITY_RANK[floor] ?? 0);
          check("event.severity → severity (not below)", where, e.severity, floor, ok);
        }
      }
    }

    let compared = 0;
    let matched = 0;
    const rows = [...tallies].map(([field, t]) => {
      compared += t.compared;
      matched += t.matched;
      return `  ${field.padEnd(44)} ${String(t.matched).padStart(4)} / ${t.compared}`;
    });
    console.log(
      `[sophos corpus] ${pairedLines} lines paired with Elastic documents; ${matched} of ${compared} field values match\n${rows.join("\n")}`,
    );
    if (mismatches.length > 0) console.log(`[sophos corpus] mismatches:\n  ${mismatches.join("\n  ")}`);
    expect(pairedLines).toBe(154);
    expect(mismatches).toEqual([]);
  });
});
