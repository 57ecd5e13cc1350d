import { formatDuration, parseDuration } from "../../detection/duration.js";
import { isEventField } from "../../detection/event-fields.js";
import { checkFilter } from "../../detection/filter.js";
import type { Filter } from "../../detection/types.js";
import { SEVERITIES, type Severity } from "../types.js";

/**
 * An alert rule as written in the API (AlertRuleInput, JSON) → a normalised definition, or every
 * problem found, each naming its field path as the console editor shows it (`detection.window`,
 * `channels[1]`, `detection.filter.log_typ`). Pure: the channel ids and user names that exist are
 * passed in (see rule-known.ts), so the rules are testable without a store.
 */
export interface RuleProblem {
  /** Body-relative path: "name", "detection.window", "channels[1]", "escalation.users[0]". */
  field: string;
  message: string;
}

/** What the store keeps: every default filled in, durations checked and in canonical text. */
export interface RuleDefinition {
  name: string;
  description: string;
  enabled: boolean;
  sites: string[];
  /** As written (null when left out); the routes settle the rule's client from the caller's scope. */
  client: string | null;
  severity: Severity;
  channels: string[];
  detection: { filter: Filter; threshold: number; window: string; group_by: string; distinct?: string };
  cooldownMs: number;
  escalation: { after: string; channels: string[]; users: string[] } | null;
}

export interface KnownRefs {
  channels: ReadonlySet<string>;
  users: ReadonlySet<string>;
}

export type RuleValidation = { ok: true; rule: RuleDefinition } | { ok: false; problems: RuleProblem[] };

const TOP_KEYS = new Set([
  "name",
  "description",
  "enabled",
  "sites",
  "client",
  "severity",
  "channels",
  "detection",
  "cooldown",
  "escalation",
]);
const DETECTION_KEYS = new Set(["filter", "threshold", "window", "group_by", "distinct"]);
const ESCALATION_KEYS = new Set(["after", "channels", "users"]);
const SECOND = 1000;
const DAY = 86_400_000;
export const DEFAULT_COOLDOWN = "15m";
const MAX_THRESHOLD = 1_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Duration text → ms. Unlike parseDuration, "0"/"0s" is 0 (a cooldown may be off); whole seconds only,
 * because the store keeps cooldowns in seconds and windows below a second make no sense for alerts.
 */
export function durationMs(text: string): number | null {
  if (/^\s*0+(ms|s|m|h|d|w)?\s*$/.test(text)) return 0;
  const ms = parseDuration(text);
  return ms !== null && ms % SECOND === 0 ? ms : null;
}

/** Field-path helpers: "detection" + "window" → "detection.window"; "channels" + 1 → "channels[1]". */
const at = (base: string, key: string | number): string =>
  typeof key === "number" ? `${base}[${key}]` : base === "" ? key : `${base}.${key}`;

export function validateRule(input: unknown, known: KnownRefs): RuleValidation {
  const problems: RuleProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  if (!isRecord(input)) return { ok: false, problems: [{ field: "", message: "a rule is a JSON object" }] };

  for (const key of Object.keys(input)) if (!TOP_KEYS.has(key)) bad(key, "unknown field");

  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (typeof input.name !== "string") bad("name", "is required (text)");
  else if (name === "" || name.length > 100) bad("name", "must be 1 to 100 characters");

  let description = "";
  if (input.description !== undefined) {
    if (typeof input.description !== "string" || input.description.length > 2000)
      bad("description", "must be text of at most 2000 characters");
    else description = input.description;
  }

  let enabled = true;
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== "boolean") bad("enabled", "must be true or false");
    else enabled = input.enabled;
  }

  const sites = stringList(input.sites, "sites", bad, (s, field) => {
    if (s.trim() === "" || s.length > 100) bad(field, "must be a site name of 1 to 100 characters");
  });

  let client: string | null = null;
  if (input.client !== undefined && input.client !== null) {
    if (typeof input.client !== "string" || input.client.trim() === "")
      bad("client", "must be a client name or null");
    else client = input.client;
  }

  const severity = input.severity;
  if (typeof severity !== "string" || !SEVERITIES.includes(severity as Severity))
    bad("severity", `must be one of ${SEVERITIES.join(", ")}`);

  const channels = channelList(input.channels, "channels", known, bad);
  const detection = validateDetection(input.detection, bad);

  let cooldownMs = durationMs(DEFAULT_COOLDOWN) as number;
  if (input.cooldown !== undefined) {
    const ms = typeof input.cooldown === "string" ? durationMs(input.cooldown) : null;
    if (ms === null || ms > 7 * DAY)
      bad("cooldown", `${JSON.stringify(input.cooldown)} is not a duration from 0s to 7d (e.g. 15m, 1h)`);
    else cooldownMs = ms;
  }

  const escalation = validateEscalation(input.escalation, known, bad);

  if (problems.length > 0 || !detection) return { ok: false, problems };
  return {
    ok: true,
    rule: {
      name,
      description,
      enabled,
      sites: [...new Set(sites)],
      client,
      severity: severity as Severity,
      channels: [...new Set(channels)],
      detection,
      cooldownMs,
      escalation,
    },
  };
}

type Bad = (field: string, message: string) => void;

function stringList(
  value: unknown,
  field: string,
  bad: Bad,
  each: (s: string, field: string) => void,
): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 500) {
    bad(field, "must be a list of at most 500 strings");
    return [];
  }
  const out: string[] = [];
  value.forEach((v, i) => {
    if (typeof v !== "string") bad(at(field, i), "must be text");
    else {
      each(v, at(field, i));
      out.push(v);
    }
  });
  return out;
}

/** Channel ids are UUIDs, which PostgreSQL hands back in lower case. */
function channelList(value: unknown, field: string, known: KnownRefs, bad: Bad): string[] {
  const ids = stringList(value, field, bad, (id, f) => {
    if (!known.channels.has(id.toLowerCase())) bad(f, `no channel with id ${JSON.stringify(id)}`);
  });
  return ids.map((id) => id.toLowerCase());
}

function validateDetection(value: unknown, bad: Bad): RuleDefinition["detection"] | null {
  if (!isRecord(value)) {
    bad("detection", "is required: {filter, threshold, window, group_by?, distinct?}");
    return null;
  }
  let ok = true;
  const fail = (field: string, message: string) => {
    ok = false;
    bad(field, message);
  };
  for (const key of Object.keys(value))
    if (!DETECTION_KEYS.has(key)) fail(at("detection", key), "unknown field");

  const filter = value.filter;
  if (!isRecord(filter)) fail("detection.filter", "is required: a mapping of event field: condition");
  else {
    const problem = checkFilter(filter);
    if (problem)
      fail(
        problem.path.reduce<string>((f, k) => at(f, k), "detection.filter"),
        problem.message.startsWith("unknown field") ? "unknown event field" : problem.message,
      );
  }

  const threshold = value.threshold;
  if (
    typeof threshold !== "number" ||
    !Number.isInteger(threshold) ||
    threshold < 1 ||
    threshold > MAX_THRESHOLD
  )
    fail(
      "detection.threshold",
      `${JSON.stringify(threshold)} is not a whole number from 1 to ${MAX_THRESHOLD}`,
    );

  const windowMs = typeof value.window === "string" ? durationMs(value.window) : null;
  if (windowMs === null || windowMs < SECOND || windowMs > DAY)
    fail(
      "detection.window",
      `${JSON.stringify(value.window)} is not a duration like 30s, 5m, 1h (from 1s to 24h)`,
    );

  let groupBy = "src_ip";
  if (value.group_by !== undefined) {
    if (typeof value.group_by !== "string" || !isEventField(value.group_by))
      fail("detection.group_by", `${JSON.stringify(value.group_by)} is not an event field`);
    else groupBy = value.group_by;
  }
  let distinct: string | undefined;
  if (value.distinct !== undefined && value.distinct !== null && value.distinct !== "") {
    if (typeof value.distinct !== "string" || !isEventField(value.distinct))
      fail("detection.distinct", `${JSON.stringify(value.distinct)} is not an event field`);
    else distinct = value.distinct;
  }
  if (!ok) return null;
  return {
    filter: filter as Filter,
    threshold: threshold as number,
    window: formatDuration(windowMs as number),
    group_by: groupBy,
    ...(distinct !== undefined ? { distinct } : {}),
  };
}

function validateEscalation(value: unknown, known: KnownRefs, bad: Bad): RuleDefinition["escalation"] {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    bad("escalation", "must be {after, channels?, users?} or null");
    return null;
  }
  for (const key of Object.keys(value))
    if (!ESCALATION_KEYS.has(key)) bad(at("escalation", key), "unknown field");
  const ms = typeof value.after === "string" ? durationMs(value.after) : null;
  if (ms === null || ms < 60 * SECOND || ms > 7 * DAY)
    bad("escalation.after", `${JSON.stringify(value.after)} is not a duration from 1m to 7d (e.g. 15m)`);
  const channels = channelList(value.channels, "escalation.channels", known, bad);
  const users = stringList(value.users, "escalation.users", bad, (u, f) => {
    if (!known.users.has(u)) bad(f, `no user named ${JSON.stringify(u)}`);
  });
  if (channels.length === 0 && users.length === 0)
    bad("escalation", "names no channel and no user to escalate to");
  return {
    after: ms === null ? "" : formatDuration(ms),
    channels: [...new Set(channels)],
    users: [...new Set(users)],
  };
}

/** Every channel id and user name a rule body mentions, for the store to look up before validating. */
export function referencesOf(input: unknown): { channels: string[]; users: string[] } {
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  if (!isRecord(input)) return { channels: [], users: [] };
  const esc = isRecord(input.escalation) ? input.escalation : {};
  return {
    channels: [...strings(input.channels), ...strings(esc.channels)],
    users: strings(esc.users),
  };
}
