import { describe, expect, it } from "vitest";
import { parseCrowdsecFeed, parsePlainFeed } from "./feed-parse.js";

describe("plain feeds", () => {
  it("reads IPs and CIDRs, skips comments and blanks, counts bad lines without failing", () => {
    const text = [
      "# Spamhaus-style header",
      "; another comment",
      "",
      "1.2.3.4",
      "5.6.7.0/24 ; SBL123",
      "9.9.9.9   # trailing note",
      "2001:db8::/48",
      "  8.8.4.4\tsome-label",
      "not-an-ip",
      "300.1.1.1",
      "1.2.3.4",
      "\r",
    ].join("\r\n");
    const f = parsePlainFeed(text);
    expect(f.nets.map((n) => n.text)).toEqual([
      "1.2.3.4",
      "5.6.7.0/24",
      "9.9.9.9",
      "2001:db8::/48",
      "8.8.4.4",
    ]);
    expect(f.invalid).toBe(2);
    expect(f.invalidSamples).toEqual(["not-an-ip", "300.1.1.1"]);
  });
});

describe("CrowdSec decision feeds", () => {
  it("reads a decision array (Ip and Range scopes) and counts other scopes as invalid", () => {
    const f = parseCrowdsecFeed(
      JSON.stringify([
        { id: 1, origin: "lists", scope: "Ip", value: "1.2.3.4", type: "ban", scenario: "x" },
        { scope: "Range", value: "4.4.0.0/16", type: "ban" },
        { scope: "Country", value: "XX", type: "ban" },
        { scope: "Ip", value: "bogus" },
      ]),
    );
    expect(f.nets.map((n) => n.text)).toEqual(["1.2.3.4", "4.4.0.0/16"]);
    expect(f.invalid).toBe(2);
  });

  it("flattens alerts carrying decisions (cscli -o json) and skips non-ban types", () => {
    const f = parseCrowdsecFeed(
      JSON.stringify([
        {
          id: 7,
          scenario: "crowdsecurity/ssh-bf",
          decisions: [
            { scope: "Ip", value: "3.3.3.3", type: "ban" },
            { scope: "Ip", value: "3.3.3.4", type: "captcha" },
          ],
        },
      ]),
    );
    expect(f.nets.map((n) => n.text)).toEqual(["3.3.3.3"]);
    expect(f.invalid).toBe(1);
  });

  it("takes the stream shape as a snapshot: new minus deleted", () => {
    const f = parseCrowdsecFeed(
      JSON.stringify({
        new: [
          { scope: "Ip", value: "1.1.1.1" },
          { scope: "Ip", value: "2.2.2.2" },
        ],
        deleted: [{ scope: "Ip", value: "2.2.2.2" }],
      }),
    );
    expect(f.nets.map((n) => n.text)).toEqual(["1.1.1.1"]);
    expect(parseCrowdsecFeed("null").nets).toEqual([]);
    expect(parseCrowdsecFeed('{"new":null,"deleted":null}').nets).toEqual([]);
  });

  it("refuses a document that is not decisions", () => {
    expect(() => parseCrowdsecFeed("<html>")).toThrow(/not JSON/);
    expect(() => parseCrowdsecFeed('{"foo":1}')).toThrow(/array of decisions/);
  });
});
