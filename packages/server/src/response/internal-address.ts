import ipaddr from "ipaddr.js";
import { parseIpOrCidr } from "./ip-address.js";

/**
 * Addresses an automatic ban must not touch unless a scenario says so (`action.ban_internal: true`):
 * special-purpose ranges that are never an outside attacker's own address, and the operator's own
 * networks. Pure: the ban policy and the manual-ban checks (ban-safety.ts) share it.
 */

/**
 * ipaddr.js range names that mean "not a routable outside host", with how to say so. Carrier-grade NAT
 * (100.64.0.0/10) is left out: it is an ISP's space as often as ours; list it in own networks if it is.
 */
const INTERNAL_RANGES: Readonly<Record<string, string>> = {
  private: "a private address (RFC 1918)",
  uniqueLocal: "a private address (IPv6 unique local)",
  loopback: "a loopback address",
  linkLocal: "a link-local address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  unspecified: "the unspecified address",
};

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(ip)) return null;
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    return (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed;
}

/** Why `ip` is not an outside host's address ("10.0.0.5 is a private address (RFC 1918)"), or null. */
export function internalAddress(ip: string): string | null {
  const parsed = parse(ip);
  if (!parsed) return null;
  const what = INTERNAL_RANGES[parsed.range()];
  return what ? `${ip} is ${what}` : null;
}

/** Whether `ip` equals or lies within `range` (an IP or a CIDR network), same family only. */
export function ipInRange(ip: string, range: string): boolean {
  const net = parseIpOrCidr(range);
  const addr = parse(ip);
  if (!net || !addr) return false;
  const [network, bits] = ipaddr.parseCIDR(net.cidr);
  return addr.kind() === network.kind() && addr.match(network, bits);
}

/** The first of `networks` (IPs or CIDRs) holding `ip`, or null. */
export function ownNetworkHolding(ip: string, networks: readonly string[]): string | null {
  return networks.find((n) => ipInRange(ip, n)) ?? null;
}
