import { describe, expect, it } from "vitest";
import { decide, type PolicyContext } from "./ban-policy.js";
import { internalAddress, ownNetworkHolding } from "./internal-address.js";
import { ban, detection, entry, geo, T0 } from "./policy-fixtures.js";

/** The two guards in front of every automatic ban: addresses of ours, and senders we do not know. */
function ctx(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    whitelist: [],
    currentBan: null,
    geo: geo(),
    country: "CN",
    fpGuard: { distinctIps: 1 },
    now: T0,
    ...over,
  };
}
const untrusted = { trusted: false, channel: "udp", sender: "198.51.100.66" } as const;
const block = { country: "CN", action: "block", reason: "no business in CN" } as const;

describe("internal addresses", () => {
  it.each([
    ["10.1.2.3", "private address (RFC 1918)"],
    ["192.168.0.9", "private address (RFC 1918)"],
    ["fd00::1", "IPv6 unique local"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["169.254.3.4", "link-local"],
    ["fe80::1", "link-local"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["::ffff:10.0.0.1", "private address"],
  ])("%s is internal (%s)", (ip, what) => {
    expect(internalAddress(ip)).toContain(what);
  });

  it.each(["203.0.113.7", "8.8.8.8", "2001:db8::1", "100.64.0.1", "not-an-ip"])("%s is not", (ip) => {
    expect(internalAddress(ip)).toBeNull();
  });

  it("finds the own network holding an address", () => {
    expect(ownNetworkHolding("198.51.100.9", ["192.0.2.1", "198.51.100.0/24"])).toBe("198.51.100.0/24");
    expect(ownNetworkHolding("198.51.101.9", ["198.51.100.0/24"])).toBeNull();
  });
});

describe("automatic bans of internal addresses", () => {
  it("a private address is alerted on, not banned, even from a registered source", () => {
    const d = decide(detection({ value: "10.0.0.5" }), ctx());
    expect(d.kind).toBe("alert");
    expect(d.reason).toContain("10.0.0.5 is a private address");
    expect(d.reason).toContain("ban_internal");
  });

  it("an address in the operator's own networks is not banned", () => {
    const d = decide(detection({ value: "203.0.113.7" }), ctx({ ownNetworks: ["203.0.113.0/24"] }));
    expect(d).toMatchObject({ kind: "alert" });
    expect(d.reason).toContain("203.0.113.7 is in your own network 203.0.113.0/24");
  });

  it("beats a geoblocking block rule and a hostile zone", () => {
    expect(decide(detection({ value: "10.0.0.5" }), ctx({ geoblock: block })).kind).toBe("alert");
    expect(decide(detection({ value: "10.0.0.5" }), ctx({ country: "KP" })).kind).toBe("alert");
  });

  it("a scenario with ban_internal bans them", () => {
    expect(decide(detection({ value: "10.0.0.5", ban_internal: true }), ctx()).kind).toBe("ban");
    const own = ctx({ ownNetworks: ["203.0.113.0/24"] });
    expect(decide(detection({ ban_internal: true }), own).kind).toBe("ban");
  });

  it("whitelists, current bans and alert-only scenarios still come first", () => {
    expect(
      decide(detection({ value: "10.0.0.5" }), ctx({ whitelist: [entry({ ip: "10.0.0.0/8" })] })).kind,
    ).toBe("ignore");
    const banned = ban({ ip: "10.0.0.5", status: "permanent" });
    expect(decide(detection({ value: "10.0.0.5" }), ctx({ currentBan: banned })).kind).toBe("ignore");
  });
});

describe("automatic bans on an unregistered sender's word", () => {
  it("wait for approval, naming the sender and its channel", () => {
    const d = decide(detection(untrusted), ctx());
    expect(d).toMatchObject({ kind: "pending", pending_type: "unverified_sender" });
    expect(d.reason).toContain("198.51.100.66 over UDP");
    expect(d.reason).toContain("not a registered source");
  });

  it("even when a geoblocking rule or a hostile zone would ban at once", () => {
    expect(decide(detection(untrusted), ctx({ geoblock: block }))).toMatchObject({
      pending_type: "unverified_sender",
    });
    expect(decide(detection(untrusted), ctx({ country: "KP" }))).toMatchObject({
      pending_type: "unverified_sender",
    });
  });

  it("ban when the operator allows unregistered senders", () => {
    expect(decide(detection(untrusted), ctx({ banUnregistered: true })).kind).toBe("ban");
  });

  it("an internal address from an unregistered sender is an alert, not an approval", () => {
    expect(decide(detection({ ...untrusted, value: "192.168.1.20" }), ctx()).kind).toBe("alert");
  });

  it("a registered (trusted) sender bans as before", () => {
    expect(decide(detection({ trusted: true }), ctx()).kind).toBe("ban");
  });
});
