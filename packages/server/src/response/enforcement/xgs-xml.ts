import { XMLParser } from "fast-xml-parser";

/**
 * The Sophos XGS / SFOS XML API wire format (`/webconsole/APIController?reqxml=<Request>…`): building
 * requests by hand (every value escaped) and parsing responses with fast-xml-parser. Shared by the
 * client and the fake firewall used in tests, so both speak exactly the same documented shape.
 */

export const API_VERSION = "1905.1";

/** XML 1.0 forbids most control characters even escaped: drop them, then escape the five specials. */
export function xmlEscape(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping what XML cannot carry
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** `<tag>escaped text</tag>`. */
export function el(tag: string, text: string): string {
  return `<${tag}>${xmlEscape(text)}</${tag}>`;
}

export function requestXml(username: string, password: string, body: string): string {
  return `<Request APIVersion="${API_VERSION}"><Login>${el("Username", username)}${el("Password", password)}</Login>${body}</Request>`;
}

export interface XgsHost {
  name: string;
  family: "IPv4" | "IPv6";
  /** "IP" for a single address, "Network" for a CIDR range. */
  hostType: "IP" | "Network";
  address: string;
  /** Network only: dotted mask (IPv4) or prefix length (IPv6). */
  subnet?: string;
  groups: string[];
}

export interface XgsGroup {
  name: string;
  description: string;
  family: "IPv4" | "IPv6";
  hosts: string[];
}

export function hostXml(h: XgsHost): string {
  const groups = h.groups.map((g) => el("HostGroup", g)).join("");
  const subnet = h.hostType === "Network" ? el("Subnet", h.subnet ?? "") : "";
  return `<IPHost>${el("Name", h.name)}${el("IPFamily", h.family)}${el("HostType", h.hostType)}${el("IPAddress", h.address)}${subnet}<HostGroupList>${groups}</HostGroupList></IPHost>`;
}

export function groupXml(g: XgsGroup): string {
  const hosts = g.hosts.map((h) => el("Host", h)).join("");
  return `<IPHostGroup>${el("Name", g.name)}${el("Description", g.description)}${el("IPFamily", g.family)}<HostList>${hosts}</HostList></IPHostGroup>`;
}

const ARRAYS = new Set(["IPHost", "IPHostGroup", "HostGroup", "Host", "key"]);

export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Keep every value as text: an IP like "10.0.0.1" or a name like "0012" must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

export type XmlNode = Record<string, unknown>;

export function asNode(value: unknown): XmlNode {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as XmlNode) : {};
}

export function nodes(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.map(asNode);
  return value === undefined ? [] : [asNode(value)];
}

/** The text of an element (a plain string, or `#text` when it has attributes). */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const t = asNode(value)["#text"];
  return typeof t === "string" ? t : "";
}

export function parseHost(n: XmlNode): XgsHost {
  const family = text(n.IPFamily) === "IPv6" ? "IPv6" : "IPv4";
  const hostType = text(n.HostType) === "Network" ? "Network" : "IP";
  const groups = nodes(asNode(n.HostGroupList).HostGroup).length
    ? (asNode(n.HostGroupList).HostGroup as unknown[]).map(text)
    : [];
  const host: XgsHost = { name: text(n.Name), family, hostType, address: text(n.IPAddress), groups };
  if (hostType === "Network") host.subnet = text(n.Subnet);
  return host;
}

export function parseGroup(n: XmlNode): XgsGroup {
  const list = asNode(n.HostList).Host;
  return {
    name: text(n.Name),
    description: text(n.Description),
    family: text(n.IPFamily) === "IPv6" ? "IPv6" : "IPv4",
    hosts: Array.isArray(list) ? list.map(text) : [],
  };
}
