import { describe, expect, it } from "vitest";
import { parseSshd } from "./sshd.js";

const ctx = { receivedAt: Date.UTC(2024, 5, 1), timezone: "UTC" };
const parse = (line: string) => parseSshd(line, ctx)?.event;

describe("sshd", () => {
  it("reads failures, successes and probes with user, address and port", () => {
    expect(
      parse("Jun  1 08:00:00 h sshd[1]: Failed password for root from 192.0.2.1 port 2222 ssh2"),
    ).toMatchObject({
      sub_category: "failure",
      action: "reject",
      user_name: "root",
      src_ip: "192.0.2.1",
      src_port: 2222,
      severity: "low",
      timestamp: Date.UTC(2024, 5, 1, 8),
    });
    expect(parse("h sshd[1]: Invalid user oracle from 192.0.2.2 port 4000")).toMatchObject({
      user_name: "oracle",
      severity: "medium",
    });
    expect(
      parse("Jun  1 08:00:00 h sshd[1]: Accepted password for bob from 192.0.2.3 port 5000 ssh2"),
    ).toMatchObject({
      sub_category: "success",
      action: "allow",
      user_name: "bob",
    });
    expect(
      parse(
        "Jun  1 08:00:00 h sshd[1]: error: maximum authentication attempts exceeded for root from 192.0.2.4 port 1 ssh2 [preauth]",
      ),
    ).toMatchObject({ severity: "medium", src_ip: "192.0.2.4" });
    expect(
      parse("Jun  1 08:00:00 h sshd[1]: Did not receive identification string from 192.0.2.5 port 7"),
    ).toMatchObject({
      sub_category: "probe",
      src_ip: "192.0.2.5",
    });
    expect(
      parse("Jun  1 08:00:00 h sshd[1]: banner exchange: Connection from 192.0.2.6 port 9: invalid format"),
    ).toMatchObject({
      sub_category: "probe",
      src_ip: "192.0.2.6",
    });
  });

  it("is not fooled by an address typed into the user name or auth info", () => {
    const spoof =
      "h sshd[1]: Failed password for invalid user x from 10.9.9.9 port 1 ssh2 from 192.0.2.7 port 2 ssh2";
    expect(parse(spoof)).toMatchObject({ src_ip: "192.0.2.7", src_port: 2 });
    const info = "h sshd[1]: Failed password for bob from 192.0.2.8 port 3 ssh2: from 10.9.9.9 port 4 ssh2";
    expect(parse(info)).toMatchObject({ src_ip: "192.0.2.8", src_port: 3 });
    const closed =
      "h sshd[1]: Connection closed by authenticating user a 10.9.9.9 port 5 192.0.2.9 port 6 [preauth]";
    expect(parse(closed)).toMatchObject({ src_ip: "192.0.2.9", user_name: "a 10.9.9.9 port 5" });
  });

  it("folds IPv4-mapped IPv6 and keeps a DNS name out of src_ip", () => {
    expect(parse("h sshd[1]: ROOT LOGIN REFUSED FROM ::ffff:192.0.2.10")?.src_ip).toBe("192.0.2.10");
    const named = parse("h sshd[1]: User root from bad.example.com not allowed because listed in DenyUsers");
    expect(named).toMatchObject({ src_ip: "", reason: "remote host bad.example.com" });
  });

  it("claims other sshd lines as plain sshd events but leaves other programs alone", () => {
    expect(parse("h sshd[1]: Server listening on 0.0.0.0 port 22.")).toMatchObject({
      source_type: "sshd",
      action: "",
    });
    expect(parseSshd("h cron[1]: Failed password for root from 192.0.2.1 port 1 ssh2", ctx)).toBeNull();
    expect(parseSshd("hello world", ctx)).toBeNull();
  });
});
