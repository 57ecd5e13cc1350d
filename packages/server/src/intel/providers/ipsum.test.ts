import { describe, expect, it } from "vitest";
import { ipsumScore, parseIpsum } from "./ipsum.js";

// The head of ipsum.txt as the reference quotes it (1.10), plus lower counts and bad lines.
const LIST = [
  "# IPsum Threat Intelligence Feed",
  "# (https://github.com/stamparm/ipsum)",
  "#",
  "# Last update: Sat, 20 Sep 2025 03:02:45 +0200",
  "#",
  "# IP\tnumber of (black)lists",
  "#",
  "80.94.95.112\t10",
  "203.0.113.9\t3",
  "198.51.100.20\t1",
  "2001:db8::7\t2",
  "not-an-ip\t4",
  "192.0.2.1\tzero",
  "",
].join("\n");

describe("ipsum", () => {
  it("parses IP and list count a line, skipping the header and counting bad lines", () => {
    const list = parseIpsum(LIST);
    expect(list.size).toBe(4);
    expect(list.invalid).toBe(2);
    expect(list.invalidSamples).toEqual(["not-an-ip\t4", "192.0.2.1\tzero"]);
    expect(list.updated).toBe("Sat, 20 Sep 2025 03:02:45 +0200");
    expect(list.count("80.94.95.112")).toBe(10);
    expect(list.count("203.0.113.9")).toBe(3);
    expect(list.count("2001:DB8::7")).toBe(2);
    expect(list.count("::ffff:203.0.113.9")).toBe(3);
    expect(list.count("203.0.113.10")).toBe(0);
    expect(list.count("garbage")).toBe(0);
  });

  it("maps the count onto 0–100 at 12 a list, capped", () => {
    expect(ipsumScore(1)).toBe(12);
    expect(ipsumScore(3)).toBe(36);
    expect(ipsumScore(10)).toBe(100);
  });

  it("answers one IP like a provider", () => {
    const list = parseIpsum(LIST);
    expect(list.lookup("203.0.113.9")).toEqual({
      status: "ok",
      score: 36,
      categories: ["blocklisted"],
      detail: "on 3 public blocklists (list of Sat, 20 Sep 2025 03:02:45 +0200)",
    });
    expect(list.lookup("192.0.2.55")).toEqual({ status: "not_found", detail: "on no list in IPsum" });
  });

  it("takes a plain levels/N.txt list as one list each; a repeated IP keeps its first count", () => {
    const list = parseIpsum("192.0.2.1\n192.0.2.2\n192.0.2.2\t5\n");
    expect(list.count("192.0.2.1")).toBe(1);
    // First occurrence wins, as in feed parsing: the file is sorted by count, highest first.
    expect(list.count("192.0.2.2")).toBe(1);
    expect(parseIpsum("192.0.2.2\t5\n192.0.2.2\t1\n").count("192.0.2.2")).toBe(5);
  });
});
