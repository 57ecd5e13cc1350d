import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import {
  API_VERSION,
  asNode,
  el,
  groupXml,
  hostXml,
  nodes,
  parseGroup,
  parseHost,
  text,
  type XgsGroup,
  type XgsHost,
  type XmlNode,
  xmlParser,
} from "../response/enforcement/xgs-xml.js";

/**
 * A fake Sophos XGS for tests: a local HTTP server answering `/webconsole/APIController` in the
 * documented XML format (login in every request; Get / Set add|update / Remove of IPHost and
 * IPHostGroup), keeping its own objects, so a test asserts what the firewall ends up holding.
 * It can be told to fail: drop connections, answer an HTTP error, refuse with an API error, or be slow.
 */

export type FakeXgsFailure =
  | { mode: "down" }
  | { mode: "http"; status: number }
  | { mode: "api"; code: string; message: string };

export interface FakeXgs {
  url: string;
  hosts: Map<string, XgsHost>;
  groups: Map<string, XgsGroup>;
  /** Requests received (including refused ones). */
  requests: number;
  fail: FakeXgsFailure | null;
  delayMs: number;
  /** Members of a group, sorted. */
  members(group: string): string[];
  close(): Promise<void>;
}

export interface FakeXgsOptions {
  username?: string;
  password?: string;
  /** Serve HTTPS with this (e.g. self-signed) certificate, like a real appliance on port 4444. */
  tls?: { key: string; cert: string };
}

export async function startFakeXgs(opts: FakeXgsOptions = {}): Promise<FakeXgs> {
  const username = opts.username ?? "admin";
  const password = opts.password ?? "secret";
  const sockets = new Set<Socket>();

  const fake: FakeXgs = {
    url: "",
    hosts: new Map(),
    groups: new Map(),
    requests: 0,
    fail: null,
    delayMs: 0,
    members(group) {
      return [...fake.hosts.values()]
        .filter((h) => h.groups.includes(group))
        .map((h) => h.name)
        .sort();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const status = (code: string, message: string) => `<Status code="${code}">${escapeText(message)}</Status>`;

  function setHost(op: string, n: XmlNode): string {
    const h = parseHost(n);
    const exists = fake.hosts.has(h.name);
    if (op === "add" && exists)
      return status("502", "Operation failed. Entity having same name already exists.");
    if (op === "update" && !exists) return status("541", "Object does not exist.");
    const missing = h.groups.find((g) => !fake.groups.has(g));
    if (missing)
      return status("500", `Operation could not be performed on Entity: group ${missing} not found.`);
    if (!h.name || !h.address) return status("500", "Operation could not be performed on Entity.");
    fake.hosts.set(h.name, h);
    return status("200", "Configuration applied successfully.");
  }

  function setGroup(op: string, n: XmlNode): string {
    const g = parseGroup(n);
    const exists = fake.groups.has(g.name);
    if (op === "add" && exists)
      return status("502", "Operation failed. Entity having same name already exists.");
    if (op === "update" && !exists) return status("541", "Object does not exist.");
    // Membership lives on the hosts (as SFOS shows it both ways): a HostList replaces the members.
    fake.groups.set(g.name, { ...g, hosts: [] });
    if ("HostList" in n) {
      for (const h of fake.hosts.values()) {
        const inList = g.hosts.includes(h.name);
        h.groups = inList ? [...new Set([...h.groups, g.name])] : h.groups.filter((x) => x !== g.name);
      }
    }
    return status("200", "Configuration applied successfully.");
  }

  function handle(reqxml: string): string {
    const request = asNode(asNode(xmlParser.parse(reqxml)).Request);
    const login = asNode(request.Login);
    const head = `<Response APIVersion="${API_VERSION}" IPS_CAT_VER="1">`;
    if (text(login.Username) !== username || text(login.Password) !== password)
      return `${head}<Login><status>Authentication Failure</status></Login></Response>`;
    if (fake.fail?.mode === "api") return `${head}${status(fake.fail.code, fake.fail.message)}</Response>`;
    let out = `${head}<Login><status>Authentication Successful</status></Login>`;

    for (const get of nodes(request.Get)) {
      if ("IPHost" in get) {
        const filter = asNode(asNode(nodes(get.IPHost)[0]).Filter);
        const like = nodes(filter.key).find((k) => k["@_name"] === "Name");
        const needle = like ? text(like) : "";
        for (const h of fake.hosts.values()) {
          if (needle && !h.name.includes(needle)) continue;
          out += hostXml(h).replace("<IPHost>", '<IPHost transactionid="">');
        }
      }
      if ("IPHostGroup" in get) {
        for (const g of fake.groups.values()) {
          const withMembers = { ...g, hosts: fake.members(g.name) };
          out += groupXml(withMembers).replace("<IPHostGroup>", '<IPHostGroup transactionid="">');
        }
      }
    }
    for (const set of nodes(request.Set)) {
      const op = typeof set["@_operation"] === "string" ? set["@_operation"] : "add";
      for (const n of nodes(set.IPHost)) out += `<IPHost transactionid="">${setHost(op, n)}</IPHost>`;
      for (const n of nodes(set.IPHostGroup))
        out += `<IPHostGroup transactionid="">${setGroup(op, n)}</IPHostGroup>`;
    }
    for (const remove of nodes(request.Remove)) {
      for (const n of nodes(remove.IPHost)) {
        const name = text(n.Name);
        const ok = fake.hosts.delete(name);
        out += `<IPHost transactionid="">${ok ? status("200", "Configuration applied successfully.") : status("541", "Object does not exist.")}</IPHost>`;
      }
    }
    return `${out}</Response>`;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    fake.requests++;
    if (fake.fail?.mode === "down") {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname !== "/webconsole/APIController") {
      res.writeHead(404).end();
      return;
    }
    if (fake.fail?.mode === "http") {
      res.writeHead(fake.fail.status, { "content-type": "text/html" }).end("<html>error</html>");
      return;
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const reqxml = form.get("reqxml") ?? url.searchParams.get("reqxml") ?? "";
    let reply: string;
    try {
      reply = handle(reqxml);
    } catch {
      reply = `<Response APIVersion="${API_VERSION}">${status("529", "Input request file is Invalid.")}</Response>`;
    }
    res
      .writeHead(200, { "content-type": "text/xml" })
      .end(`<?xml version="1.0" encoding="UTF-8"?>\n${reply}`);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch(() => res.destroy());
  };
  const server: Server = opts.tls ? createTlsServer(opts.tls, listener) : createServer(listener);
  server.on(opts.tls ? "secureConnection" : "connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function escapeText(s: string): string {
  return el("x", s).slice(3, -4);
}
