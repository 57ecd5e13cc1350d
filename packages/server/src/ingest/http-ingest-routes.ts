import { type Static, Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { HttpFeature } from "../http/app.js";
import { principalOf, siteScopeOf } from "../http/guard.js";
import { HttpProblem, ProblemSchema } from "../http/problem.js";
import type { Metrics } from "../ops/metrics.js";
import { canSee } from "../tenancy/scope.js";
import type { Event, ModSecDraft } from "./event.js";
import { checkIngestRecord } from "./http-record.js";
import { finishEventChecked, type GeoLookup } from "./normalise.js";
import { fromObject } from "./parsers/json.js";
import { finishModSec, type Ingest } from "./pipeline.js";
import { applySocFields, checkSocFields, recordSite } from "./soc-record.js";
import { DEFAULT_SITE } from "./sources/source-registry.js";

/**
 * HTTP ingest: one JSON event, or a batch as a JSON array or NDJSON. Records use Vigil's Event names, common
 * shipper aliases, or the SOC-30 shape (soc-record.ts). Authenticated by an API key with the `ingest` scope:
 * a key bound to a site forces that site, and refuses a record whose `site_id` names another (403 for one
 * event, a per-record rejection in a batch). The reply comes only after the events are in the store, so a
 * 2xx means stored; 429 with Retry-After when the store is behind.
 */
export interface HttpIngestOptions {
  ingest: Ingest;
  geo: GeoLookup | null;
  metrics: Metrics;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
}

const Rejected = Type.Object({ index: Type.Integer(), reason: Type.String() });
const IngestReply = Type.Object({
  accepted: Type.Integer({ description: "Records stored." }),
  rejected: Type.Array(Rejected, { description: "Records not stored, by index, with the reason." }),
});
type IngestReplyT = Static<typeof IngestReply>;

/** An NDJSON line that was not JSON: kept in its place so the index in the reply is the line's. */
class InvalidLine {
  constructor(readonly reason: string) {}
}

const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "application/jsonl", "text/plain"];

export const httpIngestRoutes =
  (o: HttpIngestOptions): HttpFeature =>
  async (app) => {
    const bodyLimit = o.bodyLimit ?? 32 << 20;
    app.addContentTypeParser(NDJSON_TYPES, { parseAs: "string", bodyLimit }, (_req, body, done) =>
      done(null, body),
    );

    /**
     * `mayWrite`: a key of one client (bound to no single site) writes only to that client's sites;
     * a record naming another site is refused like a bound key's (403 for a single event).
     */
    const convert = (
      records: unknown[],
      boundSite: string,
      sender: string,
      mayWrite: (site: string) => boolean = () => true,
    ) => {
      const events: Event[] = [];
      /** The record index of each event, to report one the store refuses by its record's index. */
      const indexOf: number[] = [];
      const modsec: ReturnType<typeof finishModSec>[] = [];
      const rejected: { index: number; reason: string }[] = [];
      /** Records refused because the key may not write to the site they name (403 for a single event). */
      let forbidden = 0;
      const now = Date.now();
      records.forEach((rec, index) => {
        if (rec instanceof InvalidLine) {
          rejected.push({ index, reason: rec.reason });
          return;
        }
        const problem = checkIngestRecord(rec) ?? checkSocFields(rec as Record<string, unknown>);
        if (problem) {
          rejected.push({ index, reason: problem });
          return;
        }
        const r = rec as Record<string, unknown>;
        const named = recordSite(r);
        // `site_id` is the SOC-30 sender saying where it is: a key bound elsewhere may not write there.
        // (A `site` field under a bound key is overridden as before, so existing senders keep working.)
        if (
          boundSite &&
          typeof r.site_id === "string" &&
          r.site_id.toLowerCase() !== boundSite.toLowerCase()
        ) {
          forbidden++;
          rejected.push({
            index,
            reason: `site_id: this API key may only send events for site "${boundSite}", not "${r.site_id}"`,
          });
          return;
        }
        const text = JSON.stringify(r);
        // Always the JSON mapping: a record's text may contain words another parser would claim.
        const result = {
          event: applySocFields(fromObject(r, text, { receivedAt: now, timezone: "UTC" }), r),
          modsec: [] as ModSecDraft[],
        };
        const origin = { site: boundSite || named || DEFAULT_SITE, sender };
        if (!boundSite && !mayWrite(origin.site)) {
          forbidden++;
          rejected.push({
            index,
            reason: `site: this API key may not send events for site "${origin.site}"`,
          });
          return;
        }
        if (result.event) {
          const { event: e, problems } = finishEventChecked(
            { ...result.event, raw_log: typeof r.raw_log === "string" ? r.raw_log : text },
            origin,
            o.geo,
            now,
          );
          // A syslog line with a value out of range is stored fixed and flagged (there is no one to tell);
          // an HTTP sender gets an answer, so its record is refused by index, saying why, not altered.
          if (problems.length > 0) {
            rejected.push({ index, reason: `not storable as sent: ${problems.join("; ")}` });
            return;
          }
          // The request carried an ingest key or a session: an authenticated channel.
          e.arrival = { channel: "http", trusted: true };
          events.push(e);
          indexOf.push(index);
        }
        for (const m of result.modsec ?? []) modsec.push(finishModSec(m, origin.site, now));
      });
      if (rejected.length > 0) {
        // Received too, so received = stored + rejected + dead-lettered adds up on the Status page.
        o.metrics.received.inc({ source: "http" }, rejected.length);
        o.metrics.failed.inc({ source: "http", reason: "invalid_record" }, rejected.length);
      }
      return { events, indexOf, modsec, rejected, forbidden };
    };

    const store = async (records: unknown[], req: FastifyRequest) => {
      const p = principalOf(req);
      const site = p.kind === "apikey" ? (p.site ?? "") : "";
      const sender = p.kind === "apikey" ? p.name : p.username;
      const scope = siteScopeOf(req);
      const { events, indexOf, modsec, rejected, forbidden } = convert(records, site, sender, (s) =>
        canSee(scope, s),
      );
      const { deadLettered } = await o.ingest.storeEvents(events, modsec);
      // Refused by the store (and kept in the dead-letter file): not acknowledged as stored.
      for (const d of deadLettered) {
        rejected.push({ index: indexOf[d.index] ?? -1, reason: `not stored: ${d.reason}` });
      }
      if (deadLettered.length > 0) rejected.sort((a, b) => a.index - b.index);
      const accepted = events.length - deadLettered.length;
      return { reply: { accepted, rejected } satisfies IngestReplyT, forbidden };
    };

    const refuseWhenBehind = () => {
      if (o.ingest.pressured) {
        throw new HttpProblem(
          429,
          "The event store is behind; retry after the number of seconds in Retry-After.",
          {
            "retry-after": "1",
          },
        );
      }
    };

    app.post(
      "/api/v1/ingest",
      {
        bodyLimit,
        config: { access: { scope: "ingest" }, audit: false },
        schema: {
          tags: ["ingest"],
          summary:
            "Ingest one event (JSON object with Event field names, common aliases, or the SOC-30 record shape)",
          description:
            "SOC-30 records map as: source → log_type (firewall → Firewall, ids → IPS, waf → WAF, vpn → VPN; others as given), event_type → event_type, description → message, site_id → site, metadata → metadata. A site_id other than the API key's own site is refused with 403; a bad field with 400 naming it.",
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: IngestReply, 400: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => {
        refuseWhenBehind();
        const { reply, forbidden } = await store([req.body], req);
        const reason = reply.rejected[0]?.reason;
        if (reason !== undefined) throw new HttpProblem(forbidden > 0 ? 403 : 400, reason);
        return reply;
      },
    );

    app.post(
      "/api/v1/ingest/batch",
      {
        bodyLimit,
        config: { access: { scope: "ingest" }, audit: false },
        schema: {
          tags: ["ingest"],
          summary:
            "Ingest a batch: a JSON array, or NDJSON (one JSON object per line, Content-Type application/x-ndjson)",
          description:
            "Each bad record is reported by index with the reason; the good ones are stored. The reply comes after they are stored.",
          // Not a union of array|string: Fastify's validator would coerce an NDJSON string into a one-item array.
          body: Type.Unknown({ description: "A JSON array of event objects, or NDJSON text" }),
          response: { 200: IngestReply, 429: ProblemSchema },
        },
      },
      async (req) => {
        refuseWhenBehind();
        const body = req.body;
        const records: unknown[] = Array.isArray(body) ? body : splitNdjson(String(body));
        return (await store(records, req)).reply;
      },
    );
  };

/** NDJSON lines → values; a line that is not JSON becomes an InvalidLine naming the problem (rejected by index). */
export function splitNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line.length > 0) {
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        out.push(new InvalidLine(`not valid JSON: ${(err as Error).message}`));
      }
    }
    start = end + 1;
  }
  return out;
}
