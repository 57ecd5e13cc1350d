import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import type { KeyCount } from "../api/types.js";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP, Chart } from "../components/chart.js";

/** Horizontal bars, biggest on top: log types are few and their names need room to be read. */
export function EventsByType({
  items,
  height,
  onPick,
}: {
  items: KeyCount[];
  height: number;
  onPick: (logType: string) => void;
}) {
  const option = useMemo<EChartsOption>(() => {
    const sorted = [...items].sort((a, b) => a.count - b.count).slice(-10);
    return {
      backgroundColor: "transparent",
      grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, ...CHART_TOOLTIP },
      xAxis: { type: "value", show: false },
      yAxis: {
        type: "category",
        data: sorted.map((i) => i.key || "(none)"),
        axisLabel: { color: CHART_TEXT, fontSize: 12 },
        axisLine: { lineStyle: { color: CHART_GRID_LINE } },
        axisTick: { show: false },
      },
      series: [
        {
          type: "bar",
          name: "events",
          data: sorted.map((i) => i.count),
          barMaxWidth: 18,
          itemStyle: { color: "#4dabf7", borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: "right", color: CHART_TEXT, fontSize: 11 },
        },
      ],
    };
  }, [items]);
  return (
    <Chart
      option={option}
      height={height}
      onClick={(p) => p.name && onPick(p.name)}
      data-testid="events-by-type"
    />
  );
}
