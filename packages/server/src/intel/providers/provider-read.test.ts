import { describe, expect, it } from "vitest";
import { headerValue, readJson, retryAfterSeconds } from "./provider-read.js";

describe("provider-read", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterSeconds("29241")).toBe(29241);
    const now = Date.now();
    expect(retryAfterSeconds(new Date(now + 90_000).toUTCString(), now)).toBeGreaterThanOrEqual(89);
    expect(retryAfterSeconds(new Date(now - 90_000).toUTCString(), now)).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });

  it("finds headers whatever their case", () => {
    expect(headerValue({ "RETRY-AFTER": "5" }, "retry-after")).toBe("5");
  });

  it("names what arrived instead of JSON", () => {
    expect(readJson("")).toEqual({ ok: false, verdict: { status: "error", detail: "empty body" } });
    expect(readJson('{"a":')).toMatchObject({ ok: false, verdict: { detail: 'not JSON: {"a":' } });
    expect(readJson("<!doctype html>")).toMatchObject({
      ok: false,
      verdict: { detail: "HTML page instead of JSON" },
    });
  });
});
