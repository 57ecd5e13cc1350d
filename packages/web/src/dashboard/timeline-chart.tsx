import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import type { Timeline } from "../api/types.js";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP, Chart } from "../components/chart.js";
import { SEVERITY_HEX, SEVERITY_ORDER } from "../severity.js";

/**
 * Events over time as bars stacked by severity, critical at the top of each stack. With `onZoom`,
 * dragging across the chart picks a time range (milliseconds since the epoch).
 */
export function TimelineChart({
  timeline,
  height,
  onZoom,
}: {
  timeline: Timeline;
  height: number;
  onZoom?: (fromMs: number, toMs: number) => void;
}) {
  const option = useMemo<EChartsOption>(() => {
    const bottomUp = [...SEVERITY_ORDER].reverse();
    const spanDays = timeline.bucket_seconds >= 3600;
    return {
      backgroundColor: "transparent",
      animationDuration: 300,
      grid: { left: 48, right: 12, top: 28, bottom: 24 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, ...CHART_TOOLTIP },
      legend: { top: 0, right: 0, textStyle: { color: CHART_TEXT }, itemWidth: 12, itemHeight: 8 },
      brush: {
        xAxisIndex: 0,
        brushType: "lineX",
        brushMode: "single",
        transformable: false,
        brushStyle: { color: "rgba(120,160,255,0.15)", borderColor: "rgba(120,160,255,0.6)" },
      },
      xAxis: {
        type: "time",
        axisLabel: {
          color: CHART_TEXT,
          hideOverlap: true,
          formatter: spanDays ? "{MM}-{dd} {HH}:{mm}" : "{HH}:{mm}",
        },
        axisLine: { lineStyle: { color: CHART_GRID_LINE } },
      },
      yAxis: {
        type: "value",
        minInterval: 1,
        axisLabel: { color: CHART_TEXT },
        splitLine: { lineStyle: { color: CHART_GRID_LINE } },
      },
      series: bottomUp.map((severity) => ({
        name: severity,
        type: "bar",
        stack: "severity",
        barCategoryGap: "10%",
        itemStyle: { color: SEVERITY_HEX[severity] },
        emphasis: { focus: "series" },
        data: timeline.buckets.map((b) => [b.t, b.by_severity[severity] ?? 0]),
      })),
    };
  }, [timeline]);
  return <Chart option={option} height={height} onBrush={onZoom} data-testid="timeline-chart" />;
}
