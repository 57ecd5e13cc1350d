import type { Severity } from "./api/types.js";

export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Mantine palette names, so badges and rows follow the theme. */
export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: "red",
  high: "orange",
  medium: "yellow",
  low: "blue",
  info: "gray",
};

/** Literal colours for ECharts, which knows nothing of the Mantine theme (bright enough on a dark wall). */
export const SEVERITY_HEX: Record<Severity, string> = {
  critical: "#fa5252",
  high: "#fd7e14",
  medium: "#fcc419",
  low: "#4dabf7",
  info: "#868e96",
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITY_ORDER as readonly string[]).includes(value);
}

/** Colour for any severity string the server may send; unknown values fall back to info grey. */
export function severityColor(value: string): string {
  return isSeverity(value) ? SEVERITY_COLOR[value] : SEVERITY_COLOR.info;
}

export function severityHex(value: string): string {
  return isSeverity(value) ? SEVERITY_HEX[value] : SEVERITY_HEX.info;
}
