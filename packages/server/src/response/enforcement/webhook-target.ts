import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import type { Ban } from "../types.js";
import type { TargetRepo } from "./target-repo.js";

/**
 * The ban webhook: POSTs `{type: "ban"|"unban", ban}` with `X-Vigil-Signature: sha256=<HMAC of the body>`.
 * It is reconciled like a firewall: what each webhook was told is stored per IP, so after an outage it
 * gets exactly the bans and unbans it missed. Destinations on private, loopback or link-local
 * addresses are refused (a ban webhook must not become a way to probe the internal network), checked
 * on the address actually connected to, so DNS rebinding cannot get around it.
 */
export interface WebhookConfig {
  url: string;
  secret: string;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) return callback(new Error(`refused: ${hostname} resolves to non-public ${bad.address}`), "", 0);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    return first ? callback(null, first.address, first.family) : callback(new Error("no address"), "", 0);
  });
};

export async function postWebhook(
  config: WebhookConfig,
  message: { type: "ban" | "unban"; ban: Ban },
  opts: { allowPrivate: boolean; timeoutMs?: number },
): Promise<void> {
  const url = new URL(config.url);
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!opts.allowPrivate && isIP(literal) && !isPublicAddress(literal))
    throw new Error(`refused: ${literal} is not a public address`);
  const body = JSON.stringify(message);
  const lib = url.protocol === "https:" ? https : http;
  await new Promise<void>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "POST",
        timeout: opts.timeoutMs ?? 10_000,
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "vigil-enforcement",
          "x-vigil-signature": signBody(config.secret, body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else reject(new Error(`HTTP ${code} from ${url.host}`));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in time")));
    req.on("error", (e) => reject(new Error(`${url.host}: ${e.message}`)));
    req.end(body);
  });
}

/** Sends what the webhook has not been told yet; returns how many IPs it now agrees on. */
export async function syncWebhook(
  repo: TargetRepo,
  targetId: string,
  config: WebhookConfig,
  desired: Ban[],
  current: (ips: string[]) => Promise<Map<string, Ban>>,
  opts: { allowPrivate: boolean; timeoutMs?: number },
): Promise<{ inSync: number; pending: number }> {
  const told = new Map((await repo.delivered(targetId)).map((d) => [d.ip, d]));
  const wanted = new Set(desired.map((b) => b.ip));
  const toBan = desired.filter((b) => {
    const d = told.get(b.ip);
    return !d || d.status !== b.status || (d.expires_at?.toISOString() ?? null) !== b.expires_at;
  });
  const gone = [...told.keys()].filter((ip) => !wanted.has(ip));
  let pending = toBan.length + gone.length;
  for (const ban of toBan) {
    await postWebhook(config, { type: "ban", ban }, opts);
    await repo.markDelivered(targetId, ban.ip, ban.status, ban.expires_at ? new Date(ban.expires_at) : null);
    pending--;
  }
  const rows = await current(gone);
  for (const ip of gone) {
    const ban = rows.get(ip) ?? unknownBan(ip);
    await postWebhook(config, { type: "unban", ban }, opts);
    await repo.forget(targetId, ip);
    pending--;
  }
  return { inSync: desired.length, pending };
}

/** The ban row was deleted outright: tell the webhook what is known. */
function unknownBan(ip: string): Ban {
  const now = new Date().toISOString();
  return {
    ip,
    status: "expired",
    ban_count: 0,
    current_tier: 0,
    first_ban: now,
    last_ban: now,
    expires_at: now,
    reason: "",
    source: "manual",
    trigger_rule: "",
    site: "",
    sites: [],
    country: "",
    geo_zone: "neutral",
    threat_score_at_ban: 0,
    threat_sources: [],
    immune_until: null,
    created_by: "",
  };
}
