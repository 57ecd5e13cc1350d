import { createTestSitesViaApi, type TestVigil } from "../../packages/server/src/test-support/test-vigil.js";
import { bsdTime } from "./syslog.js";

/**
 * Two MSP clients on one Vigil: acme (site acme-paris) and globex (site globex-lyon). Their bastions
 * send through one relay at 127.0.0.1, registered to site default (its address makes its lines
 * trusted enough to ban on); each bastion's syslog hostname picks its site.
 */
export const ACME = { client: "acme", site: "acme-paris", host: "bastion-acme" } as const;
export const GLOBEX = { client: "globex", site: "globex-lyon", host: "bastion-globex" } as const;

/** POSTs as the admin; throws on anything but success. */
export async function adminPost(t: TestVigil, url: string, body: unknown): Promise<unknown> {
  const res = await t.api("POST", url, body, t.adminToken);
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${res.text}`);
  return res.json();
}

export async function setUpTwoClients(t: TestVigil): Promise<void> {
  for (const { client, site } of [ACME, GLOBEX]) {
    await adminPost(t, "/api/v1/clients", { name: client });
    await adminPost(t, "/api/v1/sites", { name: site, client });
  }
  await createTestSitesViaApi(t, ["default"]);
  await adminPost(t, "/api/v1/sources", {
    match_type: "ip",
    match_value: "127.0.0.1",
    site: "default",
    timezone: "UTC",
    name: "relay",
  });
  for (const { host, site } of [ACME, GLOBEX]) {
    await adminPost(t, "/api/v1/sources", {
      match_type: "hostname",
      match_value: host,
      site,
      timezone: "UTC",
    });
  }
}

/** Six failed SSH logins from `attacker` on bastion `host`: enough for the SSH brute-force scenario to ban. */
export function bruteForce(host: string, attacker: string): string {
  const now = Date.now();
  return `${Array.from(
    { length: 6 },
    (_, i) =>
      `<38>${bsdTime(now)} ${host} sshd[${700 + i}]: Failed password for root from ${attacker} port ${41000 + i} ssh2`,
  ).join("\n")}\n`;
}
