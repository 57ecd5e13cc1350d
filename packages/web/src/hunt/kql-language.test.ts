import { CompletionContext } from "@codemirror/autocomplete";
import { EditorState } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import type { KqlSchema } from "./hunt-api.js";
import { kqlCompletion } from "./kql-language.js";

const schema: KqlSchema = {
  tables: [
    { name: "Events", description: "events", columns: [{ name: "src_ip", type: "string" }] },
    { name: "ModSecLogs", description: "waf", columns: [{ name: "rule_msg", type: "string" }] },
  ],
  operators: ["where", "summarize", "take"],
  functions: ["tolower"],
  aggregations: ["count"],
};

/** The labels offered with the cursor at the end of `text`. */
function offered(text: string): string[] {
  const state = EditorState.create({ doc: text });
  const result = kqlCompletion(schema)(new CompletionContext(state, text.length, true));
  return result?.options.map((o) => o.label) ?? [];
}

describe("KQL completion", () => {
  it("offers tables at the start", () => {
    expect(offered("Ev")).toEqual(["Events", "ModSecLogs"]);
  });

  it("offers operators after a pipe", () => {
    expect(offered("Events | wh")).toEqual(["where", "summarize", "take"]);
  });

  it("offers the named table's columns, then aggregations and functions", () => {
    const options = offered("ModSecLogs | where ru");
    expect(options.slice(0, 3)).toEqual(["rule_msg", "count", "tolower"]);
    expect(options).not.toContain("src_ip");
    expect(offered("SecurityEvent | where s")).toContain("src_ip");
  });
});
