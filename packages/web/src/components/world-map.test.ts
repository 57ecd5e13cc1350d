import type { Geometry, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { splitAtAntimeridian, worldGeoJson } from "./world-map.js";

const rings = (g: Geometry): Position[][] =>
  g.type === "Polygon" ? g.coordinates : g.type === "MultiPolygon" ? g.coordinates.flat() : [];
const jumps = (ring: Position[]): number =>
  ring.filter((p, i) => i > 0 && Math.abs((p[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180).length;

describe("the world outline for the map", () => {
  it("has no ring that jumps across the antimeridian (no stripes across the map)", () => {
    const world = worldGeoJson();
    const crossing = world.features.filter((f) => rings(f.geometry).some((r) => jumps(r) > 0));
    expect(crossing.map((f) => f.properties.name)).toEqual([]);
    const names = world.features.map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(["Russia", "Fiji", "France"]));
    expect(names).not.toContain("Antarctica");
  });

  it("cuts a crossing ring into closed east and west pieces that meet on ±180°", () => {
    const square: Geometry = {
      type: "Polygon",
      coordinates: [
        [
          [170, 10],
          [-170, 10],
          [-170, 20],
          [170, 20],
          [170, 10],
        ],
      ],
    };
    const split = splitAtAntimeridian(square);
    expect(split.type).toBe("MultiPolygon");
    const [east, west] = rings(split);
    expect(east).toEqual([
      [170, 10],
      [180, 10],
      [180, 20],
      [170, 20],
      [170, 10],
    ]);
    expect(west).toEqual([
      [-180, 10],
      [-170, 10],
      [-170, 20],
      [-180, 20],
      [-180, 10],
    ]);
  });

  it("leaves a ring that does not cross untouched", () => {
    const france: Geometry = {
      type: "Polygon",
      coordinates: [
        [
          [0, 45],
          [5, 45],
          [5, 50],
          [0, 45],
        ],
      ],
    };
    expect(splitAtAntimeridian(france)).toBe(france);
  });
});
