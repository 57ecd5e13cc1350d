import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem.js";
import { setEnabledInYaml, validationErrors } from "./scenario-yaml.js";

describe("scenario YAML helpers", () => {
  it("flips enabled in place and keeps comments and nested keys", () => {
    const yaml = "name: ssh\n# keep me\nenabled: true\ndetection:\n  enabled: true\n";
    expect(setEnabledInYaml(yaml, false)).toBe(
      "name: ssh\n# keep me\nenabled: false\ndetection:\n  enabled: true\n",
    );
  });

  it("adds enabled after the name when it is missing", () => {
    expect(setEnabledInYaml("name: x\nseverity: low\n", false)).toBe(
      "name: x\nenabled: false\nseverity: low\n",
    );
  });

  it("reads the validator's errors with their lines from a 400 problem", () => {
    const body = { errors: [{ field: "detection.threshold", message: "must be ≥ 1", line: 9 }] };
    const error = new ApiError(400, "Invalid scenario", "1 error", null, body);
    expect(validationErrors(error)).toEqual([
      { field: "detection.threshold", message: "must be ≥ 1", line: 9 },
    ]);
    expect(validationErrors(new ApiError(400, "Bad", "bad yaml"))).toEqual([
      { field: "", message: "bad yaml", line: null },
    ]);
  });
});
