import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import type { EventDraft, ParseContext } from "../event.js";
import { parseLine } from "./registry.js";
import { FAIL2BAN_NOW, FAIL2BAN_ZONE } from "./registry-fail2ban.js";
import { createSshdCorrelator } from "./sshd.js";

/**
 * fail2ban's own sshd test logs, judged the way Vigil counts: a line is "counted" when the event
 * made from it has log_type SSH, category authentication, sub_category failure — the filter of
 * scenarios/ssh-bruteforce.yaml. Lines go through `parseLine` and then one sshd correlator per file,
 * in file order, as the ingest stream would.
 *
 * Vigil runs as fail2ban's most complete mode, "aggressive" (normal + ddos + extra). So a case counts
 * when its block (`# filterOptions`) runs in aggressive mode, and `constraint`s are evaluated for it
 * (`opts.get('mode') != 'aggressive'` cases do not apply). Cases in blocks run only in normal mode
 * still apply — aggressive counts everything normal does — except a no-match whose `desc` says it is
 * no failure *in normal mode*: aggressive counts it, and so does Vigil (listed as `modeDependent`).
 *
 * A counted line with no address in it may keep src_ip "" only if nothing earlier named it; the
 * detection engine skips an empty `group_by` value, so such a failure is counted in the event store
 * and the console but cannot be attributed to (or ban) anyone. In these files none is left: the
 * correlator attributes every one.
 */
interface Case {
  file: string;
  lineNo: number;
  line: string;
  match: boolean;
  host: string;
  desc: string;
  applies: boolean;
  modeDependent: boolean;
}

const AGGRESSIVE_ONLY = "opts.get('mode') == 'aggressive'";
const NOT_AGGRESSIVE = "opts.get('mode') != 'aggressive'";

function modesOf(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((o: unknown) => {
    const mode = typeof o === "object" && o !== null ? (o as Record<string, unknown>).mode : undefined;
    return typeof mode === "string" ? mode : "normal";
  });
}

function readCases(file: string): Case[] {
  const cases: Case[] = [];
  let modes = ["normal"];
  let expected: Record<string, unknown> | null = null;
  const lines = readFileSync(corpusPath(file), "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.startsWith("# filterOptions:")) modes = modesOf(line.slice("# filterOptions:".length));
    else if (line.startsWith("# failJSON:")) {
      expected = JSON.parse(line.slice("# failJSON:".length)) as Record<string, unknown>;
    }
    if (line.startsWith("#") || line.trim() === "") return;
    const e: Record<string, unknown> = expected ?? {};
    expected = null;
    const constraint = typeof e.constraint === "string" ? e.constraint : "";
    const desc = typeof e.desc === "string" ? e.desc : "";
    const aggressive = modes.includes("aggressive");
    const host = [e.host, e.ip4, e.ip6].find((h): h is string => typeof h === "string") ?? "";
    cases.push({
      file,
      lineNo: i + 1,
      line,
      match: e.match === true,
      host,
      desc,
      applies: constraint !== NOT_AGGRESSIVE && (constraint !== AGGRESSIVE_ONLY || aggressive),
      modeDependent: !aggressive && e.match !== true && /normal mode/.test(desc),
    });
  });
  return cases;
}

const ctx: ParseContext = { receivedAt: FAIL2BAN_NOW, timezone: FAIL2BAN_ZONE };
const isFailure = (e: EventDraft | undefined) =>
  e?.log_type === "SSH" && e.category === "authentication" && e.sub_category === "failure";

function run(file: string) {
  const correlate = createSshdCorrelator();
  const out = readCases(file).map((c) => {
    const parsed = parseLine(c.line, ctx).event;
    return { c, e: parsed ? correlate(parsed, ctx) : undefined };
  });
  return out.filter(({ c }) => c.applies);
}

// fail2ban also matches a success that follows PAM failures for other users in the same connection
// (the earlier attempts are reported then). Vigil never counts a login as a failure: it keeps the
// success, raises it to high severity and names the users tried in `reason`.
const SUCCESS_AFTER_FAILURES = /sshd\[155[89]\]: Accepted password for known from /;

describe.skipIf(!hasCorpus)("sshd against fail2ban's sshd test logs (aggressive mode)", () => {
  for (const file of ["sshd/sshd", "sshd/sshd-journal"]) {
    it(`${file}: every match is an authentication failure with its address; no no-match is`, () => {
      const results = run(file);
      const wrong: string[] = [];
      let matched = 0;
      let failures = 0;
      let noMatch = 0;
      let notFailures = 0;
      let modeDependent = 0;
      let kept = 0;
      for (const { c, e } of results) {
        const where = `${c.file}:${c.lineNo} ${c.line}`;
        if (c.match && SUCCESS_AFTER_FAILURES.test(c.line)) {
          expect(e, where).toMatchObject({ sub_category: "success", severity: "high" });
          expect(e?.reason, where).toMatch(/after failed PAM logins/);
          kept++;
          continue;
        }
        if (c.match || c.modeDependent) {
          matched++;
          if (c.modeDependent) modeDependent++;
          if (!isFailure(e)) wrong.push(`not counted: ${where}`);
          else failures++;
          const host = c.host;
          if (isIP(host) && e?.src_ip !== host) wrong.push(`src_ip ${e?.src_ip} ≠ ${host}: ${where}`);
          if (host && !isIP(host) && !(e?.src_ip === "" && e.reason?.includes(host))) {
            wrong.push(`DNS host ${host} not kept in reason: ${where}`);
          }
        } else {
          noMatch++;
          if (isFailure(e)) wrong.push(`counted: ${where}`);
          else notFailures++;
        }
      }
      console.log(
        `${file}: matched ${matched} → failures ${failures} (${modeDependent} aggressive-only); ` +
          `no-match ${noMatch} → not failures ${notFailures}; successes after failures kept as successes ${kept}`,
      );
      expect(wrong).toEqual([]);
      expect(matched).toBeGreaterThan(50);
      expect(noMatch).toBeGreaterThan(20);
    });
  }

  it("prints what parseLine alone gives, before the correlator (figure, not an assertion)", () => {
    for (const file of ["sshd/sshd", "sshd/sshd-journal"]) {
      const cases = readCases(file).filter((c) => c.applies);
      const alone = cases.map((c) => ({ c, counted: isFailure(parseLine(c.line, ctx).event) }));
      const hit = alone.filter(({ c, counted }) => (c.match || c.modeDependent) && counted).length;
      const clean = alone.filter(({ c, counted }) => !c.match && !c.modeDependent && !counted).length;
      const matched = cases.filter((c) => c.match || c.modeDependent).length;
      console.log(
        `${file} per line only: matched ${matched} → failures ${hit}; no-match ${cases.length - matched} → not failures ${clean}`,
      );
    }
  });

  it("leaves no counted line of these files without an address", () => {
    for (const file of ["sshd/sshd", "sshd/sshd-journal"]) {
      const unattributed = run(file).filter(({ c, e }) => isFailure(e) && e?.src_ip === "" && isIP(c.host));
      expect(unattributed.map(({ c }) => c.line)).toEqual([]);
    }
  });
});
