import { describe, expect, it } from "vitest";
import { filtersFromSearch } from "../filters/filters.js";
import { siteAlertsLink, siteBansLink, siteDetailLink, siteEventsLink } from "./site-links.js";

const searchOf = (href: string) => new URLSearchParams(href.slice(href.indexOf("?") + 1));

describe("site links", () => {
  it("opens the explorer on the site, and on one attacker of it", () => {
    const all = filtersFromSearch(searchOf(siteEventsLink("acme-paris")));
    expect(all.site).toBe("acme-paris");
    expect(all.src_ip).toBe("");
    const one = filtersFromSearch(searchOf(siteEventsLink("acme-paris", "185.220.101.4")));
    expect(one).toMatchObject({ site: "acme-paris", src_ip: "185.220.101.4" });
  });

  it("escapes names in the alerts filter and the detail path", () => {
    expect(searchOf(siteAlertsLink("a&b")).get("site")).toBe("a&b");
    expect(searchOf(siteBansLink("a&b")).get("site")).toBe("a&b");
    expect(siteDetailLink("a b")).toBe("/sites/a%20b");
  });
});
