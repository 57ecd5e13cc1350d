import type { ProviderVerdict } from "./provider.js";

/**
 * Shared pieces of reading a provider's answer. Providers differ in their success shapes, but a 429,
 * a 5xx page from a proxy, an HTML login page or a cut-off body mean the same thing everywhere.
 */

/** Header lookup that ignores case: fetch lowercases names, recorded fixtures may not. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * `Retry-After` as seconds from now. The header is either delta-seconds or an HTTP date; a date in
 * the past or an unreadable value gives undefined so the caller falls back to its fixed back-off.
 */
export function retryAfterSeconds(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  const s = Math.ceil((at - nowMs) / 1000);
  return s > 0 ? s : undefined;
}

/** The start of a body for an error line, on one line and short. */
export function snippet(body: string, max = 80): string {
  const one = body.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}

/** A 429 as a quota verdict, keeping the provider's own message when it sent one. */
export function quotaVerdict(body: string, headers: Record<string, string>): ProviderVerdict {
  const retry = retryAfterSeconds(headerValue(headers, "retry-after"));
  const text = looksLikeHtml(body) ? "" : snippet(body);
  const detail = text ? `rate limited (HTTP 429): ${text}` : "rate limited (HTTP 429)";
  return retry === undefined ? { status: "quota", detail } : { status: "quota", detail, retryAfterS: retry };
}

/** A non-success HTTP answer that no provider treats specially, as an error verdict. */
export function httpErrorVerdict(status: number, body: string): ProviderVerdict {
  if (looksLikeHtml(body))
    return { status: "error", detail: `HTTP ${status} with an HTML page instead of JSON` };
  const text = snippet(body);
  return { status: "error", detail: text ? `HTTP ${status}: ${text}` : `HTTP ${status} with an empty body` };
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; verdict: ProviderVerdict };

/** Parses a body that should be JSON; HTML and garbage become error verdicts naming what arrived. */
export function readJson(body: string): JsonRead {
  if (looksLikeHtml(body))
    return { ok: false, verdict: { status: "error", detail: "HTML page instead of JSON" } };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    const detail = body.trim() ? `not JSON: ${snippet(body, 40)}` : "empty body";
    return { ok: false, verdict: { status: "error", detail } };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function unexpected(what: string): ProviderVerdict {
  return { status: "error", detail: `unexpected answer: ${what}` };
}

/** Clamps and rounds a mapped score onto 0–100. */
export function clampScore(n: number): number {
  if (!Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}

/**
 * Category a provider puts on an "ok" verdict when its evidence says the IP is known benign (OTX
 * whitelist validation, GreyNoise RIOT, AbuseIPDB whitelist, CrowdSec "safe"). The aggregator caps
 * the score when it sees it (docs/THREAT-INTEL.md); it is not shown as a threat category.
 */
export const KNOWN_BENIGN = "known_benign";
