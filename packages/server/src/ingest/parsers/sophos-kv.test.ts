import { describe, expect, it } from "vitest";
import { KeyValues, readKeyValues } from "./sophos-kv.js";

const read = (line: string) => readKeyValues(line).toMap();

describe("Sophos key=value reader", () => {
  it("reads quoted, unquoted and empty values", () => {
    const kv = readKeyValues('a="x y" b=2 c="" d= e=last');
    expect(kv.toMap()).toEqual(
      new Map([
        ["a", "x y"],
        ["b", "2"],
        ["c", ""],
        ["d", ""],
        ["e", "last"],
      ]),
    );
    expect(kv.error).toBe("");
    expect(kv.get("missing")).toBeUndefined();
  });

  it("keeps `=` inside quoted and unquoted values", () => {
    const m = read('cookie="s=1; t=2" querystring=?id=1&x=2 next="n"');
    expect(m.get("cookie")).toBe("s=1; t=2");
    expect(m.get("querystring")).toBe("?id=1&x=2");
    expect(m.get("next")).toBe("n");
  });

  it('undoes \\" and \\\\ inside quotes but leaves other backslashes alone', () => {
    const m = read(String.raw`msg="say \"hi\" \\o/" path="C:\Users\bob" q='it\'s'`);
    expect(m.get("msg")).toBe(String.raw`say "hi" \o/`);
    expect(m.get("path")).toBe(String.raw`C:\Users\bob`);
    expect(m.get("q")).toBe("it's");
  });

  it("lets unquoted values hold spaces up to the next key", () => {
    const m = read("branch_name=Head Office ether_type=Unknown (0x0000) threatname=C2 /Generic-A x=1");
    expect(m.get("branch_name")).toBe("Head Office");
    expect(m.get("ether_type")).toBe("Unknown (0x0000)");
    expect(m.get("threatname")).toBe("C2 /Generic-A");
    expect(m.get("x")).toBe("1");
  });

  it("reads a quoted value glued to the next key, and single quotes", () => {
    const m = read(`hb_health="No Heartbeat"message="" backup_mode='appliance'  done=1`);
    expect(m.get("hb_health")).toBe("No Heartbeat");
    expect(m.get("message")).toBe("");
    expect(m.get("backup_mode")).toBe("appliance");
    expect(m.get("done")).toBe("1");
  });

  it("skips a PRI or syslog header before the first key", () => {
    expect(read('<30>device="SFW" a=1').get("device")).toBe("SFW");
    expect([...read('Nov 16 00:28:48 sophos device_name="SFW" a=1').keys()]).toEqual(["device_name", "a"]);
  });

  it("returns what it read from a truncated line and says why", () => {
    const kv = readKeyValues('a=1 b="complete" ssid="Guest WiFi clients_conn_SSID=0');
    expect(kv.get("a")).toBe("1");
    expect(kv.get("b")).toBe("complete");
    expect(kv.get("ssid")).toBe("Guest WiFi clients_conn_SSID=0");
    expect(kv.error).toMatch(/unterminated quote.*ssid/);
  });

  it("lets the last of a repeated key win", () => {
    expect(read("a=1 b=2 a=3").get("a")).toBe("3");
  });

  it("can be reused line after line without leaking the previous line's fields", () => {
    const kv = new KeyValues();
    readKeyValues('a=1 b="two"', kv);
    readKeyValues("c=3", kv);
    expect(kv.get("a")).toBeUndefined();
    expect(kv.get("c")).toBe("3");
    expect(kv.size).toBe(1);
  });

  it("survives degenerate input without throwing", () => {
    for (const line of ["", "=", "==", '"', 'a="', "a=", "   ", "no keys here", "a=b=c", "\\", "a='\\"]) {
      expect(() => readKeyValues(line)).not.toThrow();
    }
    expect(read("a=b=c").get("a")).toBe("b=c");
  });
});
