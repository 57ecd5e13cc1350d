import type { Source } from "../api/types.js";

/**
 * The Sources page's rows, grouped by sender address: each address, then the syslog hostnames and device
 * serials seen behind it (one address often carries several devices: a relay, a site's NAT). Devices
 * typed in by hand and never seen, or seen behind an address no longer listed, stand alone. Pure.
 */
export interface SourceGroup {
  /** The sender address row; null for devices with no listed address. */
  sender: Source | null;
  devices: Source[];
}

/** Unassigned first (they wait for an admin), then the most recently seen. */
export function byAttention(a: Source, b: Source): number {
  if (a.registered !== b.registered) return a.registered ? 1 : -1;
  return (b.last_seen ?? "").localeCompare(a.last_seen ?? "");
}

/** Serials before hostnames: a serial names one device for sure, a hostname is what the sender writes. */
function deviceOrder(a: Source, b: Source): number {
  if (a.match_type !== b.match_type) return a.match_type === "serial" ? -1 : 1;
  return a.match_value.localeCompare(b.match_value);
}

export function groupSources(rows: readonly Source[]): SourceGroup[] {
  const senders = rows.filter((s) => s.match_type === "ip");
  const byAddress = new Map(senders.map((s) => [s.match_value, [] as Source[]]));
  const loose: Source[] = [];
  for (const s of rows) {
    if (s.match_type === "ip") continue;
    const under = s.via ? byAddress.get(s.via) : undefined;
    if (under) under.push(s);
    else loose.push(s);
  }
  const groups: SourceGroup[] = [...senders]
    .sort((a, b) => {
      // An address with a device waiting for a site needs attention as much as an unknown address.
      const waiting = (s: Source) =>
        !s.registered || (byAddress.get(s.match_value) ?? []).some((d) => !d.registered);
      if (waiting(a) !== waiting(b)) return waiting(a) ? -1 : 1;
      return byAttention(a, b);
    })
    .map((sender) => ({ sender, devices: (byAddress.get(sender.match_value) ?? []).sort(deviceOrder) }));
  return [...groups, ...[...loose].sort(byAttention).map((d) => ({ sender: null, devices: [d] }))];
}

/** How many rows wait for a site: unknown addresses and unassigned devices. */
export function unassignedCount(rows: readonly Source[]): number {
  return rows.filter((s) => !s.registered).length;
}
