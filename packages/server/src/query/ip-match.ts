import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** One value of an `src_ip` / `dst_ip` filter: a single address or a network. */
export type IpMatch =
  | {
      kind: "ip";
      family: 4 | 6 /** the text as given and its canonical form (they differ for IPv6) */;
      forms: string[];
    }
  | { kind: "cidr"; family: 4 | 6 /** canonical network/prefix, host bits cleared */; cidr: string };

/**
 * Parse an IP address or CIDR, strictly: `node:net` decides what an address is (ipaddr.js alone
 * would take "1" or "0x7f.1" as IPv4), ipaddr.js canonicalises. Returns null when it is neither.
 */
export function parseIpMatch(text: string): IpMatch | null {
  const slash = text.indexOf("/");
  if (slash === -1) {
    const family = isIP(text);
    if (family !== 4 && family !== 6) return null;
    const canonical = ipaddr.parse(text).toString();
    const forms = canonical === text ? [text] : [text, canonical];
    return { kind: "ip", family, forms };
  }
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = isIP(address);
  if ((family !== 4 && family !== 6) || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  const network =
    family === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`);
  return { kind: "cidr", family, cidr: `${network.toString()}/${prefix}` };
}
