import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";
import { parseScenarioYaml, ScenarioYamlError } from "./scenario-yaml.js";

const SEED = `# scenarios/waf_attacks.yaml
name: waf_attacks
description: "Ban IPs with multiple WAF events"
enabled: true

detection:
  source: events
  filter:
    log_type: "WAF"
  threshold: 5
  window: 5m
  group_by: src_ip

action:
  type: ban
  duration: 4h
  validate_threat: false
`;

function issuesOf(text: string, file = "scenarios/x.yaml") {
  try {
    parseScenarioYaml(text, { file });
  } catch (err) {
    if (err instanceof ScenarioYamlError) return err;
  }
  throw new Error("expected a ScenarioYamlError");
}

describe("scenario YAML", () => {
  it("reads the seed's format with defaults for our extensions", () => {
    const s = parseScenarioYaml(SEED, { origin: "builtin:waf.yaml" });
    expect(s).toMatchObject({
      name: "waf_attacks",
      enabled: true,
      severity: "medium",
      labels: [],
      detection: {
        source: "events",
        filter: { log_type: "WAF" },
        threshold: 5,
        windowMs: 300_000,
        group_by: "src_ip",
      },
      action: { type: "ban", durationMs: 4 * 3600_000, validate_threat: false },
      origin: "builtin:waf.yaml",
    });
  });

  it("reads distinct, severity and labels", () => {
    const s = parseScenarioYaml(
      "name: scan\nseverity: high\nlabels: [T1046, recon]\ndetection:\n  filter: {action: drop}\n  threshold: 20\n  window: 1m\n  distinct: dst_port\naction:\n  type: alert\n",
    );
    expect(s.detection.distinct).toBe("dst_port");
    expect(s.severity).toBe("high");
    expect(s.labels).toEqual(["T1046", "recon"]);
    expect(s.action.durationMs).toBeUndefined();
    expect(s.action.ban_internal).toBeUndefined();
  });

  it("reads action.ban_internal (internal addresses are banned only when a scenario says so)", () => {
    const s = parseScenarioYaml(
      SEED.replace("validate_threat: false", "validate_threat: false\n  ban_internal: true"),
    );
    expect(s.action.ban_internal).toBe(true);
    const bad = issuesOf(
      SEED.replace("validate_threat: false", "validate_threat: false\n  ban_internal: yes please"),
    );
    expect(bad.issues).toMatchObject([{ field: "action.ban_internal", message: "must be true or false" }]);
  });

  it("names file, line and field for a bad threshold", () => {
    const err = issuesOf(SEED.replace("threshold: 5", "threshold: 2.5"), "scenarios/ssh.yaml");
    expect(err.issues).toEqual([
      { field: "detection.threshold", message: "must be a whole number ≥ 1", line: 10 },
    ]);
    expect(err.message).toBe("scenarios/ssh.yaml:10: detection.threshold: must be a whole number ≥ 1");
  });

  it("refuses unknown fields at every level, at the key's line", () => {
    const err = issuesOf(
      SEED.replace("  group_by: src_ip", "  group_by: src_ip\n  treshold: 3").replace(
        "enabled: true",
        "enabeld: true",
      ),
    );
    expect(err.issues.map((i) => [i.field, i.line])).toEqual([
      ["enabeld", 4],
      ["detection.treshold", 13],
    ]);
  });

  it("reports filter problems at their line", () => {
    const err = issuesOf(SEED.replace('log_type: "WAF"', 'user_agent: { regex: "(" }'));
    expect(err.issues[0]).toMatchObject({ field: "detection.filter.user_agent.regex", line: 9 });
    const unknown = issuesOf(SEED.replace('log_type: "WAF"', 'log_typ: "WAF"'));
    expect(unknown.issues[0]).toMatchObject({ field: "detection.filter.log_typ", line: 9 });
    expect(unknown.issues[0]?.message).toMatch(/unknown field/);
  });

  it("reports several problems at once, and YAML syntax errors with their line", () => {
    const err = issuesOf(
      "name: Bad Name\ndetection:\n  filter: {}\n  threshold: 0\n  window: soon\naction:\n  type: kill\n",
    );
    expect(err.issues.map((i) => i.field)).toEqual([
      "name",
      "detection.threshold",
      "detection.window",
      "action.type",
    ]);
    expect(err.issues.map((i) => i.line)).toEqual([1, 4, 5, 7]);
    const syntax = issuesOf("name: x\ndetection:\n  filter: [\n");
    expect(syntax.issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(issuesOf("- a\n- b\n").issues[0]?.message).toMatch(/mapping/);
  });

  it("parses and prints durations", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("0s")).toBeNull();
    expect(parseDuration("5 minutes")).toBeNull();
    expect(formatDuration(300_000)).toBe("5m");
    expect(formatDuration(5_400_000)).toBe("1h30m");
  });
});
