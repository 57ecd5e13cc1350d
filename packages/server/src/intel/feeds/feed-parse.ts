import { type IpNet, parseNet } from "./ip-set.js";

/**
 * Feed bodies → normalised IP/CIDR entries. Bad lines are counted and sampled, never fatal: one typo
 * in a 100k-line list must not cost the other 99,999 entries.
 */
export type FeedFormat = "plain" | "crowdsec_json";

export interface ParsedFeed {
  /** Unique entries, in first-seen order. */
  nets: IpNet[];
  invalid: number;
  /** The first few invalid lines or values, for the feed's error column. */
  invalidSamples: string[];
}

const SAMPLE_MAX = 5;

class Collector {
  readonly nets: IpNet[] = [];
  private readonly seen = new Set<string>();
  invalid = 0;
  readonly invalidSamples: string[] = [];

  /** `shown` is what an invalid sample quotes (the whole line, not just its first token). */
  add(value: string, shown = value): void {
    const net = parseNet(value);
    if (!net) {
      this.invalid++;
      if (this.invalidSamples.length < SAMPLE_MAX) this.invalidSamples.push(shown.slice(0, 80));
      return;
    }
    if (this.seen.has(net.text)) return;
    this.seen.add(net.text);
    this.nets.push(net);
  }

  remove(value: string): void {
    const net = parseNet(value);
    if (net) this.seen.delete(net.text);
  }

  result(): ParsedFeed {
    // `remove` only forgets the key; drop the matching entries here, once.
    const nets = this.nets.filter((n) => this.seen.has(n.text));
    return { nets, invalid: this.invalid, invalidSamples: this.invalidSamples };
  }
}

/** One IP or CIDR a line; `#` and `;` start comments (whole-line or trailing); blank lines skipped. */
export function parsePlainFeed(text: string): ParsedFeed {
  const out = new Collector();
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl === -1) nl = text.length;
    let line = text.slice(pos, nl);
    pos = nl + 1;
    const hash = line.indexOf("#");
    if (hash !== -1) line = line.slice(0, hash);
    const semi = line.indexOf(";");
    if (semi !== -1) line = line.slice(0, semi);
    line = line.trim();
    if (line.length === 0) continue;
    // Some lists append a tab- or space-separated note ("1.2.3.4  spamhaus"): the first token is the entry.
    const ws = line.search(/\s/);
    out.add(ws === -1 ? line : line.slice(0, ws), line);
  }
  return out.result();
}

interface DecisionLike {
  value?: unknown;
  scope?: unknown;
  type?: unknown;
  /** `cscli decisions list -o json` prints alerts, each carrying its decisions. */
  decisions?: unknown;
}

function isDecisionArray(v: unknown): v is DecisionLike[] {
  return Array.isArray(v);
}

/** Alerts are flattened to their decisions; plain decisions pass through. */
function flatten(items: DecisionLike[]): DecisionLike[] {
  const out: DecisionLike[] = [];
  for (const d of items) {
    if (typeof d === "object" && d !== null && Array.isArray(d.decisions) && d.value === undefined)
      out.push(...(d.decisions as DecisionLike[]));
    else out.push(d);
  }
  return out;
}

/**
 * CrowdSec decisions: a plain array (the LAPI `/v1/decisions` answer), alerts carrying decisions
 * (`cscli decisions list -o json`), or the stream shape `{"new": […], "deleted": […]}` taken as a
 * snapshot (deleted removed). Decisions of other scopes (Country, AS, Username) or of types other
 * than `ban` (captcha, throttle) do not make an IP hostile: they are counted as invalid.
 */
export function parseCrowdsecFeed(text: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  const out = new Collector();
  let added: DecisionLike[] = [];
  let deleted: DecisionLike[] = [];
  if (doc === null) added = [];
  else if (isDecisionArray(doc)) added = flatten(doc);
  else if (typeof doc === "object") {
    const o = doc as { new?: unknown; deleted?: unknown };
    if (!("new" in o) && !("deleted" in o))
      throw new Error('expected an array of decisions or {"new": […], "deleted": […]}');
    if (isDecisionArray(o.new)) added = o.new;
    if (isDecisionArray(o.deleted)) deleted = o.deleted;
  } else throw new Error("expected an array of decisions");
  const ipOf = (d: DecisionLike): string | null => {
    if (typeof d !== "object" || d === null || typeof d.value !== "string") return null;
    if (typeof d.type === "string" && d.type.toLowerCase() !== "ban") return null;
    const scope = typeof d.scope === "string" ? d.scope.toLowerCase() : "ip";
    return scope === "ip" || scope === "range" ? d.value : null;
  };
  for (const d of added) {
    const v = ipOf(d);
    if (v === null) {
      out.invalid++;
      if (out.invalidSamples.length < SAMPLE_MAX) out.invalidSamples.push(JSON.stringify(d).slice(0, 80));
    } else out.add(v);
  }
  for (const d of deleted) {
    const v = ipOf(d);
    if (v !== null) out.remove(v);
  }
  return out.result();
}

export function parseFeed(format: FeedFormat, text: string): ParsedFeed {
  switch (format) {
    case "plain":
      return parsePlainFeed(text);
    case "crowdsec_json":
      return parseCrowdsecFeed(text);
  }
}
