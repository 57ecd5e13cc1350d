import type { Ban } from "../types.js";
import { GROUP_PERMANENT, GROUP_TEMPORARY, HOST_PREFIX, type XgsClient, xgsHostFor } from "./xgs-client.js";
import type { XgsHost } from "./xgs-xml.js";

/**
 * Reconciling one Sophos XGS with the desired bans: a pure plan (what to add, move, remove) and its
 * application. Only objects named `VGX_…` are ever touched; anything else on the firewall is the
 * administrator's. The blocklist-feed group (`CS_…` hosts) is planned the same way, see feed-sync.ts.
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

/**
 * The generic plan: `wanted` hosts against what the firewall holds. Only hosts named `<prefix>_…`
 * are considered ours (added, updated, removed); of their groups only those in `ourGroups` are
 * swapped, so a group membership an administrator added by hand stays.
 */
export function planHosts(
  wanted: XgsHost[],
  actual: XgsHost[],
  prefix: string,
  ourGroups: ReadonlySet<string>,
): XgsPlan {
  const ours = new Map(actual.filter((h) => h.name.startsWith(`${prefix}_`)).map((h) => [h.name, h]));
  const plan: XgsPlan = { add: [], update: [], remove: [], unchanged: 0 };
  const names = new Set<string>();
  for (const host of wanted) {
    if (names.has(host.name)) continue;
    names.add(host.name);
    const have = ours.get(host.name);
    if (!have) {
      plan.add.push(host);
      continue;
    }
    const groups = [...have.groups.filter((g) => !ourGroups.has(g)), ...host.groups];
    const target = { ...host, groups };
    if (have.address !== host.address || have.subnet !== host.subnet || !same(have.groups, groups))
      plan.update.push(target);
    else plan.unchanged++;
  }
  for (const name of ours.keys()) if (!names.has(name)) plan.remove.push(name);
  return plan;
}

export function planXgs(desired: Ban[], actual: XgsHost[]): XgsPlan {
  const wanted: XgsHost[] = [];
  for (const ban of desired) {
    try {
      wanted.push(xgsHostFor(ban.ip, ban.status === "permanent" ? GROUP_PERMANENT : GROUP_TEMPORARY));
    } catch {
      // not an IP or range: nothing a firewall could hold
    }
  }
  return planHosts(wanted, actual, HOST_PREFIX, OURS);
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
