import { describe, expect, it } from "vitest";
import type { ApiEvent } from "../api/types.js";
import { EMPTY_FILTERS } from "../filters/filters.js";
import { canTail, prependTail } from "./live-tail.js";

const ev = (id: string) => ({ event_id: id }) as ApiEvent;

describe("explorer live tail", () => {
  it("puts new matches on top, skips what is shown, and caps the list", () => {
    const shown = new Set(["b", "a"]);
    const first = prependTail([], { items: [ev("c"), ev("b")], next_cursor: null }, shown);
    expect(first.tail.map((e) => e.event_id)).toEqual(["c"]);
    const second = prependTail(
      first.tail,
      { items: [ev("e"), ev("d")], next_cursor: null },
      new Set(["c", ...shown]),
      3,
    );
    expect(second.tail.map((e) => e.event_id)).toEqual(["e", "d", "c"]);
    expect(second.gap).toBe(false);
  });

  it("says when more arrived than one pull returns", () => {
    expect(prependTail([], { items: [ev("x")], next_cursor: "more" }, new Set()).gap).toBe(true);
  });

  it("follows only windows that run up to now", () => {
    expect(canTail(EMPTY_FILTERS)).toBe(true);
    expect(canTail({ ...EMPTY_FILTERS, range: "custom", from: "2026-01-01T00:00:00Z", to: "" })).toBe(true);
    expect(
      canTail({
        ...EMPTY_FILTERS,
        range: "custom",
        from: "2026-01-01T00:00:00Z",
        to: "2026-01-02T00:00:00Z",
      }),
    ).toBe(false);
  });
});
