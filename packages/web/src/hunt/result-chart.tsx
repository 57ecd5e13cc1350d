import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP, Chart } from "../components/chart.js";
import type { ResultColumn } from "./export.js";
import { cellText } from "./export.js";

const NUMERIC = new Set(["long", "real"]);
/** More lines than this are unreadable; the rest are summed into "other". */
const MAX_SERIES = 8;

/**
 * A time chart of a `summarize … by bin(timestamp, …)` result: time on x, and either each numeric
 * column as a line, or, when another text column splits the rows (`by bin(timestamp, 1h), rule_id`),
 * one line per value of it for the first numeric column.
 */
export function chartable(columns: readonly ResultColumn[]): boolean {
  return columns[0]?.type === "datetime" && columns.some((c) => NUMERIC.has(c.type));
}

export function timeSeries(columns: readonly ResultColumn[], rows: readonly unknown[][]) {
  const numeric = columns.flatMap((c, i) => (NUMERIC.has(c.type) ? [i] : []));
  const split = columns.findIndex((c, i) => i > 0 && !NUMERIC.has(c.type));
  const at = (row: readonly unknown[]) => Date.parse(String(row[0]));
  if (split < 0) {
    return numeric.map((i) => ({
      name: columns[i]?.name ?? "",
      data: rows.map((row) => [at(row), Number(row[i] ?? 0)] as [number, number]),
    }));
  }
  const value = numeric[0] ?? 1;
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = cellText(row[split]);
    totals.set(key, (totals.get(key) ?? 0) + Number(row[value] ?? 0));
  }
  const top = new Set(
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SERIES)
      .map(([k]) => k),
  );
  const series = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const key = top.has(cellText(row[split])) ? cellText(row[split]) : "other";
    const points = series.get(key) ?? new Map<number, number>();
    points.set(at(row), (points.get(at(row)) ?? 0) + Number(row[value] ?? 0));
    series.set(key, points);
  }
  return [...series.entries()].map(([name, points]) => ({
    name: name || "(empty)",
    data: [...points.entries()].sort((a, b) => a[0] - b[0]),
  }));
}

export function ResultChart({ columns, rows }: { columns: ResultColumn[]; rows: unknown[][] }) {
  const option = useMemo<EChartsOption>(() => {
    const series = timeSeries(columns, rows);
    return {
      backgroundColor: "transparent",
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: "axis", ...CHART_TOOLTIP },
      legend: { top: 0, type: "scroll", textStyle: { color: CHART_TEXT } },
      xAxis: { type: "time", axisLabel: { color: CHART_TEXT }, splitLine: { show: false } },
      yAxis: {
        type: "value",
        axisLabel: { color: CHART_TEXT },
        splitLine: { lineStyle: { color: CHART_GRID_LINE } },
      },
      // Dots where points are few: one bin alone draws no line.
      series: series.map((s) => ({
        type: "line",
        name: s.name,
        data: s.data,
        showSymbol: s.data.length <= 48,
      })),
    };
  }, [columns, rows]);
  return <Chart option={option} height={240} data-testid="hunt-chart" />;
}
