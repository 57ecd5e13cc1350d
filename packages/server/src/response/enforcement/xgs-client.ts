import http from "node:http";
import https from "node:https";
import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";
import {
  asNode,
  groupXml,
  hostXml,
  nodes,
  parseGroup,
  parseHost,
  requestXml,
  text,
  type XgsGroup,
  type XgsHost,
  type XmlNode,
  xmlEscape,
  xmlParser,
} from "./xgs-xml.js";

/**
 * A client for the Sophos XGS / SFOS XML API. Every request carries the login (the API is stateless);
 * writes are batched (many IPHost entities in one Set or Remove) so thousands of bans take a few
 * requests, and every entity's own status is checked.
 */

export const GROUP_TEMPORARY = "grp_VGX-BannedIP";
export const GROUP_PERMANENT = "grp_VGX-BannedPerm";
export const HOST_PREFIX = "VGX";

export interface XgsConfig {
  /** Base URL, e.g. https://fw:4444 */
  url: string;
  username: string;
  password: string;
  /** Firewalls usually present self-signed certificates; false accepts them. */
  verify_tls: boolean;
}

export type XgsErrorKind = "auth" | "api" | "transport";

export class XgsError extends Error {
  constructor(
    readonly kind: XgsErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "XgsError";
  }
}

/** `VGX_1_2_3_4`, `VGX_2001_db8__1`, `VGX_10_0_0_0_8`: the IP with every separator turned into `_`. */
export function xgsHostName(ip: string, prefix = HOST_PREFIX): string {
  return `${prefix}_${ip.replace(/[.:/]/g, "_")}`;
}

/** The IPHost object for a banned IP or CIDR range, in `group`. Throws on text that is neither. */
export function xgsHostFor(ip: string, group: string, prefix = HOST_PREFIX): XgsHost {
  const name = xgsHostName(ip, prefix);
  if (isIPv4(ip)) return { name, family: "IPv4", hostType: "IP", address: ip, groups: [group] };
  if (isIPv6(ip)) return { name, family: "IPv6", hostType: "IP", address: ip, groups: [group] };
  const [addr, bits] = ipaddr.parseCIDR(ip);
  const network = ipaddr.IPv4.isValid(addr.toString()) && addr.kind() === "ipv4";
  if (network) {
    const mask = ipaddr.IPv4.subnetMaskFromPrefixLength(bits).toString();
    return {
      name,
      family: "IPv4",
      hostType: "Network",
      address: addr.toString(),
      subnet: mask,
      groups: [group],
    };
  }
  return {
    name,
    family: "IPv6",
    hostType: "Network",
    address: addr.toString(),
    subnet: String(bits),
    groups: [group],
  };
}

export interface XgsClientOptions {
  timeoutMs?: number;
  /** Entities per Set/Remove request. */
  batchSize?: number;
}

export function createXgsClient(config: XgsConfig, options: XgsClientOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 100;
  const endpoint = new URL("/webconsole/APIController", config.url);
  const agent =
    endpoint.protocol === "https:"
      ? new https.Agent({ rejectUnauthorized: config.verify_tls, keepAlive: true })
      : new http.Agent({ keepAlive: true });

  function post(xml: string): Promise<string> {
    const body = new URLSearchParams({ reqxml: xml }).toString();
    const lib = endpoint.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        endpoint,
        {
          method: "POST",
          agent,
          timeout: timeoutMs,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(new XgsError("transport", `reading the reply: ${e.message}`)));
          res.on("end", () => {
            const reply = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200)
              reject(new XgsError("transport", `HTTP ${res.statusCode} from ${endpoint.host}`));
            else resolve(reply);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (e) =>
        reject(e instanceof XgsError ? e : new XgsError("transport", `${endpoint.host}: ${e.message}`)),
      );
      req.end(body);
    });
  }

  /** Sends one request; returns the `<Response>` node once the login and any global status are fine. */
  async function call(body: string): Promise<XmlNode> {
    const reply = await post(requestXml(config.username, config.password, body));
    let parsed: XmlNode;
    try {
      parsed = asNode(xmlParser.parse(reply));
    } catch (e) {
      throw new XgsError("api", `unreadable XML reply: ${(e as Error).message}`);
    }
    const response = asNode(parsed.Response);
    if (!("Response" in parsed)) throw new XgsError("api", "the reply has no <Response> element");
    const globalStatus = response.Status;
    if (globalStatus !== undefined) {
      const code = asNode(globalStatus)["@_code"];
      throw new XgsError(
        "api",
        text(globalStatus) || "request refused",
        typeof code === "string" ? code : undefined,
      );
    }
    const login = text(asNode(response.Login).status);
    if (login !== "Authentication Successful")
      throw new XgsError("auth", `login refused by the firewall: ${login || "no login status"}`);
    return response;
  }

  /** Throws when any entity in a write reply did not get code 200 (or an allowed code). */
  function checkStatuses(
    entities: XmlNode[],
    what: string,
    tolerate: (msg: string) => boolean = () => false,
  ) {
    const failures: string[] = [];
    let lastCode: string | undefined;
    for (const e of entities) {
      const status = e.Status;
      const code = asNode(status)["@_code"];
      const msg = text(status);
      if (code === "200" || tolerate(msg)) continue;
      lastCode = typeof code === "string" ? code : undefined;
      failures.push(`${lastCode ?? "?"} ${msg}`.trim());
    }
    if (failures.length > 0)
      throw new XgsError("api", `${what}: ${failures.length} failed (${failures[0]})`, lastCode);
  }

  async function inBatches<T>(items: T[], fn: (batch: T[]) => Promise<void>): Promise<void> {
    for (let i = 0; i < items.length; i += batchSize) await fn(items.slice(i, i + batchSize));
  }

  return {
    /** Checks the credentials (a request with the login only). */
    async login(): Promise<void> {
      await call("");
    },

    /** Every IPHost, or those whose name contains `nameLike`. */
    async getHosts(nameLike?: string): Promise<XgsHost[]> {
      const filter = nameLike
        ? `<Filter><key name="Name" criteria="like">${xmlEscape(nameLike)}</key></Filter>`
        : "";
      const response = await call(`<Get><IPHost>${filter}</IPHost></Get>`);
      return nodes(response.IPHost)
        .filter((n) => n.Status === undefined)
        .map(parseHost);
    },

    async getGroups(): Promise<XgsGroup[]> {
      const response = await call("<Get><IPHostGroup></IPHostGroup></Get>");
      return nodes(response.IPHostGroup)
        .filter((n) => n.Status === undefined)
        .map(parseGroup);
    },

    async setHosts(operation: "add" | "update", hosts: XgsHost[]): Promise<void> {
      await inBatches(hosts, async (batch) => {
        const response = await call(`<Set operation="${operation}">${batch.map(hostXml).join("")}</Set>`);
        checkStatuses(nodes(response.IPHost), `${operation} IPHost`);
      });
    },

    /** Removes hosts by name; one already gone counts as removed (idempotent). */
    async removeHosts(names: string[]): Promise<void> {
      await inBatches(names, async (batch) => {
        const body = batch.map((n) => `<IPHost><Name>${xmlEscape(n)}</Name></IPHost>`).join("");
        const response = await call(`<Remove>${body}</Remove>`);
        checkStatuses(nodes(response.IPHost), "remove IPHost", (m) => /not (exist|found)/i.test(m));
      });
    },

    async setGroup(operation: "add" | "update", group: XgsGroup): Promise<void> {
      const response = await call(`<Set operation="${operation}">${groupXml(group)}</Set>`);
      checkStatuses(nodes(response.IPHostGroup), `${operation} IPHostGroup`);
    },

    /** Creates the groups that are missing (empty, with a description); leaves existing ones alone. */
    async ensureGroups(wanted: { name: string; description: string }[]): Promise<void> {
      const have = new Set((await this.getGroups()).map((g) => g.name));
      for (const g of wanted) {
        if (!have.has(g.name)) await this.setGroup("add", { ...g, family: "IPv4", hosts: [] });
      }
    },

    close(): void {
      agent.destroy();
    },
  };
}

export type XgsClient = ReturnType<typeof createXgsClient>;
