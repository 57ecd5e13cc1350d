import type { EChartsOption } from "echarts";
import { formatTime } from "../format.js";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP } from "./chart.js";

/**
 * A replay over stored events — a scenario's backtest or an alert rule's test — drawn the same way:
 * matching events per bucket on the left axis, what would have fired on the right.
 */
export const REPLAY_RANGES = [
  { value: "3600000", label: "Last hour" },
  { value: "21600000", label: "Last 6 hours" },
  { value: "86400000", label: "Last 24 hours" },
  { value: "604800000", label: "Last 7 days" },
];

export function replayChartOption(
  buckets: readonly { t: string; events: number; fired: number }[],
  firedLabel: string,
): EChartsOption {
  return {
    tooltip: { trigger: "axis", ...CHART_TOOLTIP },
    legend: { textStyle: { color: CHART_TEXT }, top: 0 },
    grid: { left: 48, right: 48, top: 28, bottom: 24 },
    xAxis: {
      type: "category",
      data: buckets.map((b) => formatTime(b.t).slice(5, 16)),
      axisLabel: { color: CHART_TEXT },
    },
    yAxis: [
      {
        type: "value",
        name: "events",
        axisLabel: { color: CHART_TEXT },
        splitLine: { lineStyle: { color: CHART_GRID_LINE } },
      },
      {
        type: "value",
        name: firedLabel.toLowerCase(),
        minInterval: 1,
        axisLabel: { color: CHART_TEXT },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: "Matching events",
        type: "bar",
        data: buckets.map((b) => b.events),
        itemStyle: { color: "#4c6ef5" },
      },
      {
        name: firedLabel,
        type: "bar",
        yAxisIndex: 1,
        data: buckets.map((b) => b.fired),
        itemStyle: { color: "#fa5252" },
      },
    ],
  };
}
