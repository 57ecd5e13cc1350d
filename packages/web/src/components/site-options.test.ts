import { describe, expect, it } from "vitest";
import { NEW_SITE, NO_SITE, onlySite, siteOptions, sitesLabel } from "./site-options.js";

describe("site options", () => {
  it("lists one client's sites flat, in the server's order", () => {
    const sites = [
      { site: "paris", client: "acme" },
      { site: "lyon", client: "acme" },
    ];
    expect(siteOptions(sites)).toEqual([
      { value: "paris", label: "paris" },
      { value: "lyon", label: "lyon" },
    ]);
    // A server without clients sends no client: still one flat list.
    expect(siteOptions([{ site: "hq" }])).toEqual([{ value: "hq", label: "hq" }]);
  });

  it("groups sites by client when there are several", () => {
    const sites = [
      { site: "acme-paris", client: "acme" },
      { site: "globex-lyon", client: "globex" },
      { site: "acme-nice", client: "acme" },
    ];
    expect(siteOptions(sites)).toEqual([
      {
        group: "acme",
        items: [
          { value: "acme-paris", label: "acme-paris" },
          { value: "acme-nice", label: "acme-nice" },
        ],
      },
      { group: "globex", items: [{ value: "globex-lyon", label: "globex-lyon" }] },
    ]);
  });

  it("still offers a chosen site the list lacks, once, and never an empty name", () => {
    expect(siteOptions([{ site: "paris" }], ["gone", "paris", "gone", ""])).toEqual([
      { value: "paris", label: "paris" },
      { value: "gone", label: "gone" },
    ]);
    const grouped = siteOptions(
      [
        { site: "a", client: "x" },
        { site: "b", client: "y" },
      ],
      ["gone"],
    );
    expect(grouped.at(-1)).toEqual({ group: "Other", items: [{ value: "gone", label: "gone" }] });
  });

  it("reads bound sites, or the word for none", () => {
    expect(sitesLabel([], "All sites")).toBe("All sites");
    expect(sitesLabel(undefined, "Global")).toBe("Global");
    expect(sitesLabel(["acme-paris", "acme-nice"], "Global")).toBe("acme-paris, acme-nice");
  });

  it("starts a limited user on their only site, and on none when they have several", () => {
    expect(onlySite([{ site: "acme-paris" }])).toBe("acme-paris");
    expect(onlySite([{ site: "a" }, { site: "b" }])).toBeNull();
    expect(onlySite([])).toBeNull();
    expect(onlySite(undefined)).toBeNull();
  });

  it("keeps its special values out of the site-name space", () => {
    const siteName = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
    expect(siteName.test(NO_SITE)).toBe(false);
    expect(siteName.test(NEW_SITE)).toBe(false);
  });
});
