import { describe, expect, it } from "vitest";
import { createSshdCorrelator, parseSshd } from "./sshd.js";

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
      sub_category: "failure",
      reason: "pre-auth probe",
      src_ip: "192.0.2.5",
    });
    expect(
      parse("Jun  1 08:00:00 h sshd[1]: banner exchange: Connection from 192.0.2.6 port 9: invalid format"),
    ).toMatchObject({
      sub_category: "failure",
      reason: "pre-auth probe",
      src_ip: "192.0.2.6",
    });
  });

  it("does not count a valid user's refused key, a PAM line, or a close after authentication", () => {
    const key = "h sshd[1]: Failed publickey for git from 192.0.2.1 port 1 ssh2: RSA SHA256:x";
    expect(parse(key)?.sub_category).toBe("attempt");
    const badKey =
      "h sshd[1]: Failed publickey for invalid user git from 192.0.2.1 port 1 ssh2: RSA SHA256:x";
    expect(parse(badKey)?.sub_category).toBe("failure");
    const pam =
      "h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=bob rhost=192.0.2.2";
    expect(parse(pam)).toMatchObject({ sub_category: "attempt", user_name: "bob", src_ip: "192.0.2.2" });
    expect(parse("h sshd[1]: Connection closed by 192.0.2.3 port 4")?.sub_category).toBe("session");
    expect(parse("h sshd[1]: Connection closed by 192.0.2.3 port 4 [preauth]")?.sub_category).toBe("failure");
    expect(
      parse("h sshd[1]: kernel: [  970.6] Failed password for x from 192.0.2.4 port 1 ssh2"),
    ).toMatchObject({
      sub_category: "failure",
      src_ip: "192.0.2.4",
    });
  });

  it("correlates a connection's lines: address from an earlier line, waiting, summaries, PAM users", () => {
    const correlate = createSshdCorrelator();
    const run = (line: string) => {
      const e = parseSshd(line, ctx)?.event;
      if (!e) throw new Error(line);
      return correlate(e, ctx);
    };
    run("h sshd[7]: Connection from 192.0.2.10 port 5 on 192.0.2.1 port 22");
    expect(run("h sshd[7]: Disconnecting: Too many authentication failures [preauth]")).toMatchObject({
      sub_category: "failure",
      src_ip: "192.0.2.10",
    });
    // Address unknown: not counted yet; the connection's next line that names it is.
    expect(
      run("h sshd[8]: error: kex_exchange_identification: Connection closed by remote host"),
    ).toMatchObject({
      sub_category: "attempt",
      src_ip: "",
    });
    expect(run("h sshd[8]: Connection closed by 192.0.2.11 port 9")).toMatchObject({
      sub_category: "failure",
      src_ip: "192.0.2.11",
    });
    // A summary of failures already counted is not counted again.
    run(
      "h sshd[9]: error: maximum authentication attempts exceeded for root from 192.0.2.12 port 1 ssh2 [preauth]",
    );
    const summary =
      "h sshd[9]: Disconnecting authenticating user root 192.0.2.12 port 1: Too many authentication failures [preauth]";
    expect(run(summary).sub_category).toBe("attempt");
    // PAM: the second user tried counts; a success for yet another user stays a success, flagged.
    const pam = (u: string) =>
      `h sshd[10]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=${u} rhost=192.0.2.13`;
    expect(run(pam("root")).sub_category).toBe("attempt");
    expect(run(pam("admin")).sub_category).toBe("failure");
    expect(run("h sshd[10]: Accepted password for known from 192.0.2.13 port 2 ssh2")).toMatchObject({
      sub_category: "success",
      severity: "high",
      reason: "success after failed PAM logins for root, admin",
    });
    // Same user twice, then success: two auth methods, nothing counted.
    expect(run(pam("rda").replace("[10]", "[11]")).sub_category).toBe("attempt");
    expect(run(pam("rda").replace("[10]", "[11]")).sub_category).toBe("attempt");
    expect(run("h sshd[11]: Accepted password for rda from 192.0.2.13 port 3 ssh2")).toMatchObject({
      sub_category: "success",
      severity: "info",
    });
    expect(correlate.size).toBe(5);
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
