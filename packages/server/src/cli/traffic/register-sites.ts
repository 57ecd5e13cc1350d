import { SITES, type Site } from "./actors.js";

/**
 * The demo's three firewalls, and the web and bastion hosts beside each, registered as sources of their
 * own sites through the sources API — so a newcomer running `npm run demo` sees three sites, not one
 * `default`. They all send from one address (the demo's), so each is told apart the way a relay's
 * devices are: by device serial and by syslog hostname.
 */
export interface DemoSource {
  match_type: "serial" | "hostname" | "ip";
  match_value: string;
  site: string;
  timezone: string;
  name: string;
}

/** Every source the demo's traffic carries, mapped to its site. Times in the demo are UTC. */
export function demoSources(sites: readonly Site[] = SITES): DemoSource[] {
  return sites.flatMap((s) => [
    {
      match_type: "serial",
      match_value: s.serial,
      site: s.site,
      timezone: "UTC",
      name: `${s.deviceName} (demo)`,
    },
    {
      match_type: "hostname",
      match_value: s.hostname,
      site: s.site,
      timezone: "UTC",
      name: `${s.deviceName} (demo)`,
    },
    {
      match_type: "hostname",
      match_value: `web01.${s.site}`,
      site: s.site,
      timezone: "UTC",
      name: "web server (demo)",
    },
    {
      match_type: "hostname",
      match_value: `bastion.${s.site}`,
      site: s.site,
      timezone: "UTC",
      name: "ssh bastion (demo)",
    },
  ]);
}

export interface RegisterOptions {
  /** Vigil's HTTP base URL, e.g. http://127.0.0.1:8080 */
  api: string;
  /** A bearer token (admin session or API key), or a username and password to sign in with. */
  token?: string;
  username?: string;
  password?: string;
  /**
   * The address the demo sends from, as Vigil sees it. Registered too (site default: the serials and
   * hostnames above still pick each line's site), because only a registered sender address makes its
   * lines trusted enough to ban on — a serial or hostname is whatever a sender writes (THREAT-MODEL.md).
   */
  senderIp?: string;
  fetch?: typeof fetch;
}

async function problem(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string };
    return p.detail ?? p.title ?? text;
  } catch {
    return text || res.statusText;
  }
}

/** Signs in when needed, then registers every demo source; returns how many. Throws with the server's reason. */
export async function registerDemoSources(o: RegisterOptions): Promise<number> {
  const f = o.fetch ?? fetch;
  const base = o.api.replace(/\/+$/, "");
  let token = o.token;
  if (!token) {
    const res = await f(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: o.username ?? "admin", password: o.password ?? "" }),
    });
    if (!res.ok)
      throw new Error(`sign-in as ${o.username ?? "admin"} failed (${res.status}): ${await problem(res)}`);
    token = ((await res.json()) as { token: string }).token;
  }
  const list = demoSources();
  if (o.senderIp)
    list.push({
      match_type: "ip",
      match_value: o.senderIp,
      site: "default",
      timezone: "UTC",
      name: "demo sender (relays the three sites)",
    });
  // A source's site must exist: the demo's sites join the client `default` (409: already there).
  for (const site of new Set(list.map((s) => s.site))) {
    const res = await f(`${base}/api/v1/sites`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: site, client: "default" }),
    });
    if (!res.ok && res.status !== 409)
      throw new Error(`creating site ${site} failed (${res.status}): ${await problem(res)}`);
  }
  for (const s of list) {
    // POST takes over an unknown device's row or updates a registered one: running the demo twice is fine.
    const res = await f(`${base}/api/v1/sources`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(s),
    });
    if (!res.ok)
      throw new Error(
        `registering ${s.match_type} ${s.match_value} failed (${res.status}): ${await problem(res)}`,
      );
  }
  return list.length;
}
