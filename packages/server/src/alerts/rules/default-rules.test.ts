import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileFilter } from "../../detection/filter.js";
import { makeEvent } from "../../events/test-events.js";
import type { Event } from "../../ingest/event.js";
import { parseSophos } from "../../ingest/parsers/sophos.js";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import { DEFAULT_RULES } from "./default-rules.js";

/** The shipped rules' filters against what Vigil's Sophos parser really produces. */
const here = dirname(fileURLToPath(import.meta.url));
const legacy = readFileSync(join(here, "../../ingest/parsers/fixtures/sophos/legacy.txt"), "utf8")
  .split("\n")
  .filter((l) => l !== "");

function parse(line: string): Event {
  const draft = parseSophos(line, { receivedAt: Date.now(), timezone: "UTC" })?.event;
  if (!draft) throw new Error(`not parsed: ${line}`);
  return { ...makeEvent(), ...draft } as Event;
}

const matcher = (name: string) => {
  const rule = DEFAULT_RULES.find((r) => r.name === name);
  if (!rule) throw new Error(`no default ${name}`);
  return compileFilter(rule.detection.filter);
};

describe("default alert rules on parsed Sophos lines", () => {
  const vpnFailure = matcher("VPN login failures for one user");

  it("the VPN rule matches a Sophos VPN login failure and not a success", () => {
    const failed = legacy.find((l) => l.includes('status="Failed"') && l.includes("VPN Authentication"));
    if (!failed) throw new Error("fixture changed");
    expect(vpnFailure(parse(failed))).toBe(true);
    const ok = failed
      .replace('status="Failed"', 'status="Successful"')
      .replace('reason="wrong credentials"', 'reason=""')
      .replace(
        /message="[^"]*"/,
        'message="User mallory authenticated successfully to login to SSLVPN through Local authentication mechanism"',
      );
    expect(vpnFailure(parse(ok))).toBe(false);
    expect(parse(failed).user_name).toBe("mallory");
  });

  it("the firewall surge rule counts drops only", () => {
    const surge = matcher("Firewall drop surge");
    const parsed = legacy.map(parse);
    const drops = parsed.filter(surge);
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.log_type === "Firewall" && e.action === "drop")).toBe(true);
  });

  describe.skipIf(!hasCorpus)("on the Sophos XG corpus", () => {
    it("the VPN rule picks exactly the failed VPN authentications", () => {
      const lines = readFileSync(corpusPath("sophos-xg", "test-sophos-xg.log"), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "");
      const picked = lines.filter((l) => vpnFailure(parse(l)));
      const expected = lines.filter(
        (l) => /log_component="(SSL )?VPN Authentication"/.test(l) && l.includes('status="Failed"'),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(picked).toEqual(expected);
    });
  });
});
