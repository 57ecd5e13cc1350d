/** How often each scenario fired in the last 24 h, and when last: in memory, for the scenario list. */
const DAY_MS = 86_400_000;
const MAX_KEPT = 100_000;

export function createFireCounts(now: () => number = Date.now) {
  const fires = new Map<string, number[]>();

  function prune(list: number[], at: number): void {
    let drop = 0;
    while (drop < list.length && (list[drop] as number) <= at - DAY_MS) drop++;
    if (drop > 0) list.splice(0, drop);
  }

  return {
    record(scenario: string, at = now()): void {
      const list = fires.get(scenario) ?? [];
      fires.set(scenario, list);
      list.push(at);
      if (list.length > MAX_KEPT) prune(list, at);
      if (list.length > MAX_KEPT) list.splice(0, list.length - MAX_KEPT);
    },
    get(scenario: string): { fired_24h: number; last_fired: string | null } {
      const list = fires.get(scenario);
      if (!list || list.length === 0) return { fired_24h: 0, last_fired: null };
      prune(list, now());
      const last = list.at(-1);
      return { fired_24h: list.length, last_fired: last === undefined ? null : new Date(last).toISOString() };
    },
  };
}
