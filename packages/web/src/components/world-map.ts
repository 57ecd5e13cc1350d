/**
 * Country outlines for the geo chart, from `world-atlas` (Natural Earth 1:110m, public domain) as
 * TopoJSON (~100 kB), turned into the GeoJSON ECharts wants. Antarctica is left out: no attacks
 * come from it and it takes a fifth of the map's height.
 */
import type { FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countries from "world-atlas/countries-110m.json";

export function worldGeoJson(): FeatureCollection<Geometry, { name: string }> {
  const topology = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  return {
    ...collection,
    features: collection.features.filter((f) => f.properties.name !== "Antarctica"),
  };
}
