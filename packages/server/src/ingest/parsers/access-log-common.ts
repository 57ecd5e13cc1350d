/**
 * What nginx and Apache access and error logs share: which server wrote the line, and what an HTTP
 * status says about severity and about whether the server refused the request.
 */
import type { EventAction, Severity } from "../event.js";

export type WebServer = "nginx" | "apache";

/**
 * The server named by the syslog/journal program name, or null when it does not say. Combined
 * access lines look the same from both servers, so callers fall back to a default.
 */
export function serverFromApp(appName: string): WebServer | null {
  const app = appName.toLowerCase();
  if (app.startsWith("nginx") || app === "openresty") return "nginx";
  if (app.startsWith("apache") || app.startsWith("httpd")) return "apache";
  return null;
}

/** info for 1xx-3xx, low for 4xx (probing, missing pages), medium for 5xx (the server is hurting). */
export function severityFromStatus(status: number): Severity {
  if (status >= 500) return "medium";
  if (status >= 400) return "low";
  return "info";
}

/**
 * The server refused the request itself: 403 Forbidden, or nginx's 444 (close without answer, what
 * `return 444` rules against scanners do). Both are "reject" — the request was refused, not
 * silently lost on the wire. Other 4xx/5xx describe the request's fate, not a security decision,
 * so they keep action "".
 */
export function actionFromStatus(status: number): EventAction {
  return status === 403 || status === 444 ? "reject" : "";
}

/** `GET /x?y HTTP/1.1` → method and target; garbage request lines (TLS on port 80, "-") give "". */
export function splitRequestLine(request: string): { method: string; url: string; version: string } {
  const m = /^([A-Z][A-Z_-]{1,19}) (\S+)(?: (HTTP\/[\d.]+))?$/.exec(request);
  return m
    ? { method: m[1] ?? "", url: m[2] ?? "", version: m[3] ?? "" }
    : { method: "", url: "", version: "" };
}
