import type { Ban } from "../types.js";
import { GROUP_PERMANENT, GROUP_TEMPORARY, HOST_PREFIX, type XgsClient, xgsHostFor } from "./xgs-client.js";
import type { XgsHost } from "./xgs-xml.js";

/**
 * Reconciling one Sophos XGS with the desired bans: a pure plan (what to add, move, remove) and its
 * application. Only objects named `VGX_…` are ever touched; anything else on the firewall is the
 * administrator's.
 */
export const XGS_GROUPS = [
  { name: GROUP_TEMPORARY, description: "Vigil: temporarily banned IPs (managed automatically)" },
  { name: GROUP_PERMANENT, description: "Vigil: permanently banned IPs (managed automatically)" },
];
const OURS = new Set([GROUP_TEMPORARY, GROUP_PERMANENT]);

export interface XgsPlan {
  add: XgsHost[];
  update: XgsHost[];
  remove: string[];
  /** Desired hosts already right. */
  unchanged: number;
}

const same = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

export function planXgs(desired: Ban[], actual: XgsHost[]): XgsPlan {
  const ours = new Map(actual.filter((h) => h.name.startsWith(`${HOST_PREFIX}_`)).map((h) => [h.name, h]));
  const plan: XgsPlan = { add: [], update: [], remove: [], unchanged: 0 };
  const wanted = new Set<string>();
  for (const ban of desired) {
    let host: XgsHost;
    try {
      host = xgsHostFor(ban.ip, ban.status === "permanent" ? GROUP_PERMANENT : GROUP_TEMPORARY);
    } catch {
      continue; // not an IP or range: nothing a firewall could hold
    }
    wanted.add(host.name);
    const have = ours.get(host.name);
    if (!have) {
      plan.add.push(host);
      continue;
    }
    // Keep any group membership an administrator added by hand; swap only ours.
    const groups = [...have.groups.filter((g) => !OURS.has(g)), ...host.groups];
    const target = { ...host, groups };
    if (have.address !== host.address || !same(have.groups, groups)) plan.update.push(target);
    else plan.unchanged++;
  }
  for (const name of ours.keys()) if (!wanted.has(name)) plan.remove.push(name);
  return plan;
}

export function planSize(p: XgsPlan): number {
  return p.add.length + p.update.length + p.remove.length;
}

/** Brings the firewall to `desired`; returns the plan it applied. Throws on the first failure. */
export async function syncXgs(client: XgsClient, desired: Ban[]): Promise<XgsPlan> {
  await client.ensureGroups(XGS_GROUPS);
  const plan = planXgs(desired, await client.getHosts(`${HOST_PREFIX}_`));
  if (plan.add.length) await client.setHosts("add", plan.add);
  if (plan.update.length) await client.setHosts("update", plan.update);
  if (plan.remove.length) await client.removeHosts(plan.remove);
  return plan;
}
