import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeXgs, startFakeXgs } from "../../test-support/fake-xgs.js";
import {
  createXgsClient,
  GROUP_PERMANENT,
  GROUP_TEMPORARY,
  type XgsClient,
  XgsError,
  xgsHostFor,
  xgsHostName,
} from "./xgs-client.js";

const GROUPS = [
  { name: GROUP_TEMPORARY, description: "Vigil temporary bans" },
  { name: GROUP_PERMANENT, description: "Vigil permanent bans" },
];

describe("Sophos XGS XML API client against the fake firewall", () => {
  let fw: FakeXgs;
  let client: XgsClient;
  beforeAll(async () => {
    fw = await startFakeXgs({ username: "api", password: "p<&>\"'w" });
    client = createXgsClient({ url: fw.url, username: "api", password: "p<&>\"'w", verify_tls: false });
  });
  afterAll(async () => {
    client.close();
    await fw.close();
  });
  beforeEach(() => {
    fw.hosts.clear();
    fw.groups.clear();
    fw.fail = null;
  });

  it("logs in with an escaped password, and reports a refused login as an auth error", async () => {
    await client.login();
    const wrong = createXgsClient({ url: fw.url, username: "api", password: "nope", verify_tls: true });
    const err = await wrong.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XgsError);
    expect((err as XgsError).kind).toBe("auth");
    expect((err as XgsError).message).toContain("Authentication Failure");
    wrong.close();
  });

  it("creates the ban groups once, adds hosts into them, and re-adding is refused while update is idempotent", async () => {
    await client.ensureGroups(GROUPS);
    await client.ensureGroups(GROUPS);
    expect([...fw.groups.keys()].sort()).toEqual([GROUP_TEMPORARY, GROUP_PERMANENT].sort());
    expect(fw.groups.get(GROUP_TEMPORARY)?.description).toBe("Vigil temporary bans");

    const host = xgsHostFor("203.0.113.7", GROUP_TEMPORARY);
    await client.setHosts("add", [host]);
    expect(fw.hosts.get("VGX_203_0_113_7")).toMatchObject({ address: "203.0.113.7", family: "IPv4" });
    expect(fw.members(GROUP_TEMPORARY)).toEqual(["VGX_203_0_113_7"]);

    await expect(client.setHosts("add", [host])).rejects.toThrow(/already exists/);
    await client.setHosts("update", [host]);
    await client.setHosts("update", [{ ...host, groups: [GROUP_PERMANENT] }]);
    expect(fw.members(GROUP_TEMPORARY)).toEqual([]);
    expect(fw.members(GROUP_PERMANENT)).toEqual(["VGX_203_0_113_7"]);

    const listed = await client.getGroups();
    expect(listed.find((g) => g.name === GROUP_PERMANENT)?.hosts).toEqual(["VGX_203_0_113_7"]);
  });

  it("names IPv6 hosts and CIDR ranges with underscores and lists them back", async () => {
    expect(xgsHostName("2001:db8::1")).toBe("VGX_2001_db8__1");
    await client.ensureGroups(GROUPS);
    await client.setHosts("add", [
      xgsHostFor("2001:db8::1", GROUP_TEMPORARY),
      xgsHostFor("198.51.100.0/24", GROUP_PERMANENT),
    ]);
    const hosts = await client.getHosts("VGX_");
    expect(hosts.map((h) => h.name).sort()).toEqual(["VGX_198_51_100_0_24", "VGX_2001_db8__1"]);
    const v6 = hosts.find((h) => h.name === "VGX_2001_db8__1");
    expect(v6).toMatchObject({ family: "IPv6", hostType: "IP", address: "2001:db8::1" });
    const net = hosts.find((h) => h.hostType === "Network");
    expect(net).toMatchObject({ address: "198.51.100.0", subnet: "255.255.255.0" });
  });

  it("removes hosts by name, and removing one already gone is not an error", async () => {
    await client.ensureGroups(GROUPS);
    await client.setHosts("add", [xgsHostFor("192.0.2.1", GROUP_TEMPORARY)]);
    await client.removeHosts(["VGX_192_0_2_1"]);
    expect(fw.hosts.size).toBe(0);
    await client.removeHosts(["VGX_192_0_2_1"]);
  });

  it("escapes odd text in names and descriptions so the firewall stores it verbatim", async () => {
    const odd = 'grp <x> & "y" \u0001';
    await client.ensureGroups([{ name: odd, description: "a</Description><Name>evil" }]);
    const g = [...fw.groups.values()][0];
    expect(g?.name).toBe('grp <x> & "y"'); // control character dropped, edges trimmed
    expect(g?.description).toBe("a</Description><Name>evil");
  });

  it("reports HTTP errors, API errors and a dead firewall as errors with the reason", async () => {
    fw.fail = { mode: "http", status: 503 };
    await expect(client.login()).rejects.toThrow(/HTTP 503/);
    fw.fail = {
      mode: "api",
      code: "534",
      message: "API operations are not allowed from the requester IP address",
    };
    const err = (await client.login().catch((e: unknown) => e)) as XgsError;
    expect(err.code).toBe("534");
    expect(err.message).toMatch(/not allowed/);
    fw.fail = { mode: "down" };
    await expect(client.getHosts()).rejects.toMatchObject({ kind: "transport" });
  });
});

describe.skipIf(!hasOpenssl())("Sophos XGS over HTTPS with a self-signed certificate", () => {
  it("refuses the certificate when verify_tls is on and accepts it when off", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-xgs-tls-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-days",
          "1",
        ].concat(["-subj", "/CN=fw.local", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")]),
        { stdio: "ignore" },
      );
      const tls = {
        key: readFileSync(join(dir, "k.pem"), "utf8"),
        cert: readFileSync(join(dir, "c.pem"), "utf8"),
      };
      const fw = await startFakeXgs({ tls });
      const strict = createXgsClient({
        url: fw.url,
        username: "admin",
        password: "secret",
        verify_tls: true,
      });
      const lax = createXgsClient({ url: fw.url, username: "admin", password: "secret", verify_tls: false });
      try {
        await expect(strict.login()).rejects.toMatchObject({ kind: "transport", message: /self.signed/i });
        await lax.login();
      } finally {
        strict.close();
        lax.close();
        await fw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
