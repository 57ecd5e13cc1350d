import type { UseQueryResult } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import type { GeoPoint } from "../api/types.js";
import { CHART_TOOLTIP, Chart } from "../components/chart.js";
import { ErrorNote } from "../components/query-state.js";
import { countryName, formatCount } from "../format.js";

interface Datum {
  name: string;
  value: [number, number, number];
}

/** Where events come from: a pulsing dot per country at its centroid, sized by event count. */
export function GeoMap({
  query,
  height,
  onPick,
}: {
  query: UseQueryResult<GeoPoint[]>;
  height: number;
  onPick: (country: string) => void;
}) {
  const points = query.data;
  const option = useMemo<EChartsOption>(() => {
    const located = (points ?? []).filter(
      (p) => p.country && Number.isFinite(p.lat) && Number.isFinite(p.lon),
    );
    const max = Math.max(1, ...located.map((p) => p.count));
    const data: Datum[] = located.map((p) => ({ name: p.country, value: [p.lon, p.lat, p.count] }));
    // Square-root scale: area grows with count, so one loud country does not hide the rest.
    const size = (count: number) => 5 + 20 * Math.sqrt(count / max);
    const top = [...data].sort((a, b) => b.value[2] - a.value[2]).slice(0, 5);
    return {
      backgroundColor: "transparent",
      tooltip: {
        ...CHART_TOOLTIP,
        formatter: (params: unknown) => {
          const p = params as { data?: Datum };
          if (!p.data) return "";
          return `${countryName(p.data.name)} (${p.data.name})<br/><b>${formatCount(p.data.value[2])}</b> events`;
        },
      },
      geo: {
        map: "world",
        roam: false,
        silent: true,
        // Fit the box on every side; ECharts keeps the map's aspect ratio inside it.
        top: 6,
        bottom: 6,
        left: 6,
        right: 6,
        itemStyle: { areaColor: "#1c2230", borderColor: "#3b4356", borderWidth: 0.5 },
      },
      series: [
        {
          name: "events",
          type: "scatter",
          coordinateSystem: "geo",
          data,
          symbolSize: (value: number[]) => size(value[2] ?? 0),
          itemStyle: { color: "rgba(250, 82, 82, 0.75)", borderColor: "#fa5252" },
        },
        {
          name: "top",
          type: "effectScatter",
          coordinateSystem: "geo",
          data: top,
          symbolSize: (value: number[]) => size(value[2] ?? 0),
          rippleEffect: { scale: 2.5, brushType: "stroke" },
          itemStyle: { color: "#fa5252" },
          zlevel: 1,
        },
      ],
    };
  }, [points]);
  if (query.error && !query.data)
    return <ErrorNote compact error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <Chart
      option={option}
      height={height}
      world
      onClick={(p) => p.name && onPick(p.name)}
      data-testid="geo-map"
    />
  );
}
