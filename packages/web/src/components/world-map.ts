/**
 * Country outlines for the geo chart, from `world-atlas` (Natural Earth 1:110m, public domain) as
 * TopoJSON (~100 kB), turned into the GeoJSON ECharts wants. Antarctica is left out: no attacks
 * come from it and it takes a fifth of the map's height.
 */
import type { FeatureCollection, Geometry, Position } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countries from "world-atlas/countries-110m.json";

export function worldGeoJson(): FeatureCollection<Geometry, { name: string }> {
  const topology = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  return {
    ...collection,
    features: collection.features
      .filter((f) => f.properties.name !== "Antarctica")
      .map((f) => ({ ...f, geometry: splitAtAntimeridian(f.geometry) })),
  };
}

/**
 * ECharts draws lon/lat on a flat plane, so a ring that steps from 179.9° to -180° (Russia's
 * Chukotka, Fiji) becomes a stripe across the whole map. Such rings are cut into an east and a west
 * piece, each closed along the ±180° meridian. Rings that do not cross are kept as they are.
 */
export function splitAtAntimeridian(geometry: Geometry): Geometry {
  if (geometry.type === "Polygon") {
    const parts = splitPolygon(geometry.coordinates);
    return parts.length === 1 ? geometry : { type: "MultiPolygon", coordinates: parts };
  }
  if (geometry.type === "MultiPolygon") {
    return { type: "MultiPolygon", coordinates: geometry.coordinates.flatMap(splitPolygon) };
  }
  return geometry;
}

const crosses = (a: Position, b: Position): boolean => Math.abs((b[0] ?? 0) - (a[0] ?? 0)) > 180;

function splitPolygon(polygon: Position[][]): Position[][][] {
  const [outer, ...holes] = polygon;
  if (!outer?.some((p, i) => i > 0 && crosses(outer[i - 1] ?? p, p))) return [polygon];
  // Natural Earth's crossing polygons have no holes; were there any, they stay with the first piece.
  return splitRing(outer).map((ring, i) => (i === 0 ? [ring, ...holes] : [ring]));
}

function splitRing(ring: Position[]): Position[][] {
  const east: Position[] = [];
  const west: Position[] = [];
  let current = (ring[0]?.[0] ?? 0) < 0 ? west : east;
  ring.forEach((p, i) => {
    const prev = ring[i - 1];
    if (prev && crosses(prev, p)) {
      const [px = 0, py = 0] = prev;
      const [x = 0, y = 0] = p;
      const edge = px > 0 ? 180 : -180;
      // Latitude where the segment meets the meridian, measured on the unwrapped longitude.
      const unwrapped = x + (px > 0 ? 360 : -360);
      const lat = unwrapped === px ? y : py + ((edge - px) / (unwrapped - px)) * (y - py);
      current.push([edge, lat]);
      current = current === east ? west : east;
      current.push([-edge, lat]);
    }
    current.push(p);
  });
  return [east, west].filter((r) => r.length >= 3).map(close);
}

function close(ring: Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first && last && (first[0] !== last[0] || first[1] !== last[1]) ? [...ring, first] : ring;
}
