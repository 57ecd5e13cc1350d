import { describe, expect, it } from "vitest";
import { AsnRanges, countLines, loadAsnCsvSlice, OrgTable } from "./asn-table.js";
import { ipv6Top64 } from "./ip-key.js";

const V4 = [
  '16777216,16777471,13335,"Cloudflare, Inc."',
  '16777472,16777727,13335,"Cloudflare, Inc."', // touches the previous one: merged
  '35309568,35313663,201907,"LLC ""SPUTNIK"""',
  "134744064,134744319,15169,Google LLC",
  "not,a,row",
  "",
].join("\r\n");

const V6 = [
  "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC",
  "2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC", // out of order: sorted on finish
  '2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,13335,"Cloudflare, Inc."',
].join("\n");

function load(text: string, wide: boolean, sliceRows = 2) {
  const orgs = new OrgTable();
  const table = new AsnRanges(countLines(text), wide, orgs);
  let pos = 0;
  while (pos < text.length) pos = loadAsnCsvSlice(text, pos, sliceRows, table, orgs, !wide);
  table.finish();
  return { table, orgs };
}

describe("AsnRanges (IPv4)", () => {
  const { table, orgs } = load(V4, false);

  it("finds the AS and organisation, unquoting CSV, across slice boundaries", () => {
    expect(table.find(0, 134744072)).toEqual({ asn: 15169, org: "Google LLC" }); // 8.8.8.8
    expect(table.find(0, 35309568)).toEqual({ asn: 201907, org: 'LLC "SPUTNIK"' });
    expect(table.find(0, 16777216 + 300)).toEqual({ asn: 13335, org: "Cloudflare, Inc." });
  });

  it("merges touching ranges of one AS and stores each organisation once", () => {
    expect(table.size).toBe(3);
    expect(orgs.size).toBe(4); // "" + three names
  });

  it("returns null between and outside ranges, and at the exact edges it is inclusive", () => {
    expect(table.find(0, 16777215)).toBeNull();
    expect(table.find(0, 16777727)?.asn).toBe(13335);
    expect(table.find(0, 16777728)).toBeNull();
    expect(table.find(0, 0xffffffff)).toBeNull();
  });
});

describe("AsnRanges (IPv6, keyed on /64)", () => {
  const { table } = load(V6, true, 1);
  const key = new Uint32Array(2);
  const find = (ip: string) => {
    ipv6Top64(ip, key);
    return table.find(key[0] ?? 0, key[1] ?? 0);
  };

  it("finds ranges even when the source rows were out of order", () => {
    expect(find("2001:4860:4860::8888")?.asn).toBe(15169);
    expect(find("2001::1")?.asn).toBe(6939);
    expect(find("2606:4700:4700::1111")?.org).toBe("Cloudflare, Inc.");
    expect(find("2a00::1")).toBeNull();
  });
});
