import { Center, Loader } from "@mantine/core";
import type { EChartsOption } from "echarts";
import { useEffect, useRef, useState } from "react";

type EChartsModule = typeof import("./echarts-setup.js");
type Instance = ReturnType<EChartsModule["echarts"]["init"]>;

/** What a click on a data item tells the page (series data item, its name and value). */
export interface ChartClick {
  name: string;
  seriesName?: string;
  data: unknown;
}

interface ChartProps {
  option: EChartsOption;
  height: number | string;
  /** Needs the "world" map registered before the first render. */
  world?: boolean;
  onClick?: (params: ChartClick) => void;
  /**
   * Dragging across the chart selects an x range (the option must declare a lineX `brush`): called
   * with its bounds in axis units, then the selection is cleared.
   */
  onBrush?: (from: number, to: number) => void;
  "data-testid"?: string;
}

/**
 * A thin ECharts host: loads ECharts on first use, follows the container's size with a
 * ResizeObserver, and applies option changes without re-creating the chart (so refreshes animate).
 */
export function Chart({
  option,
  height,
  world = false,
  onClick,
  onBrush,
  "data-testid": testId,
}: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const brushRef = useRef(onBrush);
  brushRef.current = onBrush;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    const load = async () => {
      const mod = await import("./echarts-setup.js");
      if (world) await mod.ensureWorldMap();
      if (disposed || !host.current) return;
      const instance = mod.echarts.init(host.current, null, { renderer: "canvas" });
      instance.on("click", (params) => {
        const p = params as { name?: string; seriesName?: string; data?: unknown };
        clickRef.current?.({ name: p.name ?? "", seriesName: p.seriesName, data: p.data });
      });
      instance.on("brushEnd", (params) => {
        const range = (params as { areas?: { coordRange?: unknown }[] }).areas?.[0]?.coordRange;
        if (!Array.isArray(range) || range.length !== 2) return;
        const [from, to] = range.map(Number) as [number, number];
        instance.dispatchAction({ type: "brush", areas: [] });
        if (to > from) brushRef.current?.(from, to);
      });
      // Marks the host once drawing and animation are done, so a screenshot (or a test) can wait for it.
      instance.on("finished", () => host.current?.setAttribute("data-chart-settled", "true"));
      chart.current = instance;
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(host.current);
      setReady(true);
    };
    load().catch(() => {
      if (!disposed) setFailed(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [world]);

  useEffect(() => {
    if (!ready || !chart.current) return;
    host.current?.setAttribute("data-chart-settled", "false");
    // Replace series (a filter may remove some) but keep the rest so updates animate smoothly.
    chart.current.setOption(option, { replaceMerge: ["series"] });
    // A drag selects at once, without a toolbox button to arm the brush first.
    if (brushRef.current)
      chart.current.dispatchAction({
        type: "takeGlobalCursor",
        key: "brush",
        brushOption: { brushType: "lineX", brushMode: "single" },
      });
  }, [option, ready]);

  return (
    <div style={{ position: "relative", height, width: "100%" }} data-testid={testId}>
      <div ref={host} style={{ position: "absolute", inset: 0 }} data-chart-settled="false" />
      {!ready && (
        <Center pos="absolute" inset={0} c="dimmed" fz="sm">
          {failed ? "The chart could not load." : <Loader size="sm" />}
        </Center>
      )}
    </div>
  );
}

/** Shared look for charts on the dark theme. */
export const CHART_TEXT = "#c1c7d4";
export const CHART_GRID_LINE = "#2a3142";
export const CHART_TOOLTIP = {
  backgroundColor: "#141925",
  borderColor: "#3b4356",
  textStyle: { color: "#e9ecf2", fontSize: 12 },
} as const;
