import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup as dnsLookupAsync } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { isPublicAddress } from "../../response/enforcement/webhook-target.js";

/**
 * Outgoing notification requests must not become a way to probe the operator's network (SSRF), so
 * private, loopback, link-local and metadata destinations are refused unless the operator listed the
 * host or a CIDR holding the address (`VIGIL_WEBHOOK_ALLOWLIST`, comma-separated). The check runs on
 * the address actually connected to (through the socket's DNS lookup), so DNS rebinding cannot slip
 * past it. The ban webhook's guard has no allow-list, hence this small wrapper over its address test.
 */
export interface Allowlist {
  hosts: Set<string>;
  cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export function parseAllowlist(value: string | undefined): Allowlist {
  const list: Allowlist = { hosts: new Set(), cidrs: [] };
  for (const raw of (value ?? "").split(",")) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item.includes("/") && ipaddr.isValidCIDR(item)) list.cidrs.push(ipaddr.parseCIDR(item));
    else if (ipaddr.isValid(item))
      list.cidrs.push(ipaddr.parseCIDR(`${item}/${item.includes(":") ? 128 : 32}`));
    else list.hosts.add(item);
  }
  return list;
}

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    return (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed;
}

export function isAllowedAddress(address: string, allow: Allowlist): boolean {
  if (isPublicAddress(address)) return true;
  if (!ipaddr.isValid(address)) return false;
  const ip = normalise(address);
  return allow.cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** Throws when the URL is unusable or names a refused literal address; returns the lookup to use. */
export function guardUrl(url: URL, allow: Allowlist): LookupFunction | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`refused: ${url.protocol} is not http(s)`);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allow.hosts.has(host)) return undefined;
  if (isIP(host)) {
    if (!isAllowedAddress(host, allow)) throw new Error(`refused: ${host} is not a public address`);
    return undefined;
  }
  return guardedLookup(allow);
}

/**
 * The address to connect to for a host that is not reached through a URL (an SMTP relay): an allowed
 * literal, an allow-listed name as is, or the name resolved once here, every address checked, and the
 * first one returned so the connection goes to the address that was checked (no DNS rebinding).
 */
export async function guardHost(hostname: string, allow: Allowlist): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allow.hosts.has(host)) return host;
  if (isIP(host)) {
    if (!isAllowedAddress(host, allow)) throw new Error(`refused: ${host} is not a public address`);
    return host;
  }
  const addresses = await dnsLookupAsync(host, { all: true });
  const bad = addresses.find((a) => !isAllowedAddress(a.address, allow));
  if (bad) throw new Error(`refused: ${host} resolves to non-public ${bad.address}`);
  const first = addresses[0];
  if (!first) throw new Error(`${host}: no address`);
  return first.address;
}

function guardedLookup(allow: Allowlist): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const bad = addresses.find((a) => !isAllowedAddress(a.address, allow));
      if (bad)
        return callback(new Error(`refused: ${hostname} resolves to non-public ${bad.address}`), "", 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      return first ? callback(null, first.address, first.family) : callback(new Error("no address"), "", 0);
    });
  };
}
