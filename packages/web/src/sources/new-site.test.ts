import { describe, expect, it } from "vitest";
import { draftProblem, emptySiteDraft, siteBody } from "./new-site.js";

describe("a site created from the Sources page", () => {
  it("needs a valid name and a client before it can be created", () => {
    expect(draftProblem(emptySiteDraft())).toBe("Name the new site");
    expect(draftProblem({ name: "  ", client: "acme", description: "" })).toBe("Name the new site");
    expect(draftProblem({ name: "Acme Paris", client: "acme", description: "" })).toMatch(/Lowercase/);
    expect(draftProblem({ name: "acme-paris", client: null, description: "" })).toBe(
      "Choose the site's client",
    );
    expect(draftProblem({ name: " acme-paris ", client: "acme", description: "" })).toBeNull();
  });

  it("sends the trimmed name, its client, and no description as null", () => {
    expect(siteBody({ name: " acme-paris ", client: "acme", description: "  " })).toEqual({
      name: "acme-paris",
      client: "acme",
      description: null,
    });
    expect(siteBody({ name: "acme-paris", client: "acme", description: " HQ " }).description).toBe("HQ");
  });
});
