import ipaddr from "ipaddr.js";
import type { Kysely } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { liveEntries } from "./ban-policy.js";
import { ipInRange } from "./internal-address.js";
import type { WhitelistEntry } from "./types.js";
import "../ingest/sources/source-tables.js";

/**
 * Why a manual ban may hurt the one who makes it: banning a private or loopback address, one of the
 * organisation's own log senders or a whitelisted address usually cuts off something of ours, not
 * an attacker. Such a ban needs an explicit `confirm`; a hard whitelist entry still refuses it.
 */
export interface BanRisk {
  kind: "private" | "loopback" | "link_local" | "source_network" | "whitelisted";
  detail: string;
}

/** The special-purpose ranges an analyst almost never means to ban (pure). */
export function addressRisk(ip: string): BanRisk | null {
  if (!ipaddr.isValid(ip)) return null;
  let parsed = ipaddr.parse(ip);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  switch (range) {
    case "private":
    case "uniqueLocal":
      return {
        kind: "private",
        detail: `${ip} is a private address (${range === "private" ? "RFC 1918" : "IPv6 unique local"})`,
      };
    case "loopback":
      return { kind: "loopback", detail: `${ip} is a loopback address` };
    case "linkLocal":
      return { kind: "link_local", detail: `${ip} is a link-local address` };
    default:
      return null;
  }
}

/** Shared with the automatic-ban policy (internal-address.ts); kept here for existing callers. */
export { ipInRange };

/** The registered IP senders whose address or network holds `ip` (sources are few: read them all). */
export async function sourceNetworksHolding(
  db: Kysely<StateDatabase>,
  ip: string,
): Promise<{ match_value: string; name: string; site: string }[]> {
  const rows = await db
    .selectFrom("sources")
    .select(["match_value", "name", "site"])
    .where("registered", "=", true)
    .where("match_type", "=", "ip")
    .execute();
  return rows.filter((r) => ipInRange(ip, r.match_value));
}

/** Every reason to ask first, in the order a reader needs them; `whitelist` as `whitelistFor` gives it. */
export async function manualBanRisks(
  db: Kysely<StateDatabase>,
  ip: string,
  whitelist: WhitelistEntry[],
  now: number,
): Promise<BanRisk[]> {
  const risks: BanRisk[] = [];
  const address = addressRisk(ip);
  if (address) risks.push(address);
  for (const s of await sourceNetworksHolding(db, ip)) {
    const who = s.name ? `"${s.name}" (${s.match_value})` : s.match_value;
    risks.push({
      kind: "source_network",
      detail: `${ip} is inside registered log source ${who} of site ${s.site}`,
    });
  }
  for (const e of liveEntries(whitelist, now)) {
    if (e.type === "hard") continue; // refused outright by the caller
    risks.push({ kind: "whitelisted", detail: `${ip} is whitelisted (${e.type}) by ${e.ip} (${e.reason})` });
  }
  return risks;
}
