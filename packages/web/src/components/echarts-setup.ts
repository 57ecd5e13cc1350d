/**
 * ECharts, tree-shaken to what the console draws. Loaded lazily by <Chart>, so it lands in its own
 * chunk and the sign-in page never downloads it.
 */
import { BarChart, EffectScatterChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  BrushComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  EffectScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  GeoComponent,
  BrushComponent,
  CanvasRenderer,
]);

export { echarts };

let worldRegistered: Promise<void> | null = null;

/** Registers the "world" map once; its outline data is another lazy chunk. */
export function ensureWorldMap(): Promise<void> {
  worldRegistered ??= import("./world-map.js").then(({ worldGeoJson }) => {
    // ECharts' own GeoJSON type is narrower than the standard one but accepts what topojson produces.
    echarts.registerMap("world", worldGeoJson() as unknown as Parameters<typeof echarts.registerMap>[1]);
  });
  return worldRegistered;
}
