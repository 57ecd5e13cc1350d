import { describe, expect, it } from "vitest";
import { FpGuard } from "./fp-guard.js";

const hit = (ip: string, url = "/search") => ({ rule_id: "942100", url, hostname: "shop.example", ip });

describe("FpGuard", () => {
  it("counts distinct IPs per rule + URI + host, not repeats of one IP", () => {
    const g = new FpGuard();
    expect(g.observe(hit("1.1.1.1"), 0)).toBe(1);
    expect(g.observe(hit("1.1.1.1"), 1000)).toBe(1);
    expect(g.observe(hit("2.2.2.2"), 2000)).toBe(2);
    expect(g.observe(hit("3.3.3.3", "/other"), 3000)).toBe(1);
    expect(g.observe({ ...hit("4.4.4.4"), hostname: "SHOP.example" }, 4000)).toBe(3);
  });

  it("forgets IPs older than the window", () => {
    const g = new FpGuard({ windowMs: 10_000 });
    for (let i = 0; i < 5; i++) g.observe(hit(`10.0.0.${i}`), i * 1000);
    expect(g.observe(hit("10.0.0.9"), 4_500)).toBe(6);
    expect(g.observe(hit("10.0.0.10"), 13_000)).toBe(3); // .4 at 4 s, .9 at 4.5 s and this one
  });

  it("stays bounded in keys and IPs per key", () => {
    const g = new FpGuard({ maxKeys: 100, maxIpsPerKey: 10 });
    for (let i = 0; i < 1000; i++) g.observe(hit(`10.0.${i >> 8}.${i & 255}`, `/u${i}`), i);
    expect(g.size).toBe(100);
    let n = 0;
    for (let i = 0; i < 50; i++) n = g.observe(hit(`10.1.0.${i}`), 2000 + i);
    expect(n).toBe(10);
  });

  it("never guards detections without a rule or URL", () => {
    const g = new FpGuard();
    for (let i = 0; i < 10; i++)
      expect(g.observe({ rule_id: "", url: "", hostname: "", ip: `1.1.1.${i}` }, i)).toBe(1);
  });
});
