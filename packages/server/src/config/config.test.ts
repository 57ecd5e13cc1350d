import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const noFile = { VIGIL_CONFIG: undefined } as NodeJS.ProcessEnv;

describe("configuration", () => {
  it("has working defaults: HTTP 8080, syslog 5514, embedded stores under ./data", () => {
    const c = loadConfig({ ...noFile });
    expect(c.http.port).toBe(8080);
    expect(c.syslog.port).toBe(5514);
    expect(c.dataDir).toMatch(/data$/);
    expect(c.clickhouseUrl).toBeNull();
    expect(c.databaseUrl).toBeNull();
    expect(c.retention).toEqual({ eventsDays: 30, modsecDays: 30 });
  });

  it("automatic bans: no own networks and no bans from unregistered senders by default; lists are checked", () => {
    expect(loadConfig({ ...noFile }).bans).toEqual({ ownNetworks: [], fromUnregisteredSenders: false });
    const c = loadConfig({
      ...noFile,
      VIGIL_BANS_OWN_NETWORKS: "198.51.100.0/24, 2001:db8::/32,192.0.2.7",
      VIGIL_BANS_FROM_UNREGISTERED_SENDERS: "true",
    });
    expect(c.bans).toEqual({
      ownNetworks: ["198.51.100.0/24", "2001:db8::/32", "192.0.2.7"],
      fromUnregisteredSenders: true,
    });
    expect(() => loadConfig({ ...noFile, VIGIL_BANS_OWN_NETWORKS: "10.0.0.0/8,office" })).toThrow(
      /VIGIL_BANS_OWN_NETWORKS: "office" is not an IP address or CIDR network/,
    );
  });

  it("threat intel: no keys, documented URLs and a 24 h cache by default; keys, URLs and TTL are read and checked", () => {
    const d = loadConfig({ ...noFile }).threatIntel;
    expect(d.cacheHours).toBe(24);
    expect(d.providers.otx).toEqual({ key: null, url: null });
    expect(Object.keys(d.providers)).toHaveLength(11);
    const c = loadConfig({
      ...noFile,
      VIGIL_TI_OTX_KEY: "otx-k",
      VIGIL_TI_ABUSEIPDB_URL: "http://127.0.0.1:9999",
      VIGIL_TI_CACHE_HOURS: "6",
    }).threatIntel;
    expect(c.providers.otx.key).toBe("otx-k");
    expect(c.providers.abuseipdb).toEqual({ key: null, url: "http://127.0.0.1:9999" });
    expect(c.cacheHours).toBe(6);
    expect(() => loadConfig({ ...noFile, VIGIL_TI_GREYNOISE_URL: "ftp://x" })).toThrow(
      /VIGIL_TI_GREYNOISE_URL/,
    );
    expect(() => loadConfig({ ...noFile, VIGIL_TI_CACHE_HOURS: "0" })).toThrow(/VIGIL_TI_CACHE_HOURS/);
  });

  it("names every bad value in one message", () => {
    const bad = () =>
      loadConfig({
        VIGIL_HTTP_PORT: "eighty",
        VIGIL_SYSLOG_PORT: "70000",
        VIGIL_CLICKHOUSE_URL: "ftp://x",
        VIGIL_ADMIN_PASSWORD: "short",
        VIGIL_DEFAULT_TIMEZONE: "Mars/Olympus",
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('VIGIL_HTTP_PORT="eighty"');
      expect(msg).toContain('VIGIL_SYSLOG_PORT="70000"');
      expect(msg).toContain("VIGIL_CLICKHOUSE_URL");
      expect(msg).toContain("VIGIL_ADMIN_PASSWORD");
      expect(msg).toContain("Mars/Olympus");
    }
  });

  it("reads vigil.yaml and lets the environment override it", () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-config-"));
    const file = join(dir, "vigil.yaml");
    writeFileSync(file, "http:\n  port: 9000\nsyslog:\n  port: 1514\nretention:\n  events_days: 7\n");
    const c = loadConfig({ VIGIL_CONFIG: file, VIGIL_SYSLOG_PORT: "2514" });
    expect(c.http.port).toBe(9000);
    expect(c.syslog.port).toBe(2514);
    expect(c.retention.eventsDays).toBe(7);
  });

  it("says where a bad file value came from", () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-config-"));
    const file = join(dir, "vigil.yaml");
    writeFileSync(file, "retention:\n  events_days: -1\n");
    expect(() => loadConfig({ VIGIL_CONFIG: file })).toThrow(/vigil\.yaml: retention\.events_days/);
  });

  it("HTTPS: certificate and key together, files that exist; the default public URL says https", () => {
    const plain = loadConfig({ ...noFile });
    expect(plain.http).toMatchObject({ tlsCert: null, tlsKey: null, trustProxy: false });
    expect(plain.http.publicUrl).toBe("http://localhost:8080");
    const pem = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----";
    const tls = loadConfig({ ...noFile, VIGIL_HTTP_TLS_CERT: pem, VIGIL_HTTP_TLS_KEY: pem });
    expect(tls.http.publicUrl).toBe("https://localhost:8080");
    expect(() => loadConfig({ ...noFile, VIGIL_HTTP_TLS_CERT: pem })).toThrow(/must be set together/);
    expect(() =>
      loadConfig({ ...noFile, VIGIL_HTTP_TLS_CERT: "/nope.pem", VIGIL_HTTP_TLS_KEY: pem }),
    ).toThrow(/VIGIL_HTTP_TLS_CERT: file \/nope\.pem does not exist/);
    expect(loadConfig({ ...noFile, VIGIL_HTTP_TRUST_PROXY: "true" }).http.trustProxy).toBe(true);
    expect(loadConfig({ ...noFile, VIGIL_HTTP_TRUST_PROXY: "10.0.0.5" }).http.trustProxy).toBe("10.0.0.5");
  });

  it("single sign-on: off without an issuer; defaults, the role map and refusals are checked", () => {
    expect(loadConfig({ ...noFile }).oidc).toBeNull();
    const sso = {
      ...noFile,
      VIGIL_OIDC_ISSUER: "https://oauth.id.jumpcloud.com/",
      VIGIL_OIDC_CLIENT_ID: "vigil",
      VIGIL_OIDC_CLIENT_SECRET: "s3cret",
    };
    expect(loadConfig(sso).oidc).toMatchObject({
      roleClaim: "vigil_role",
      clientClaim: "vigil_client",
      roleMap: {},
      defaultRole: null,
      ssoOnlyStaff: false,
      name: "SSO",
    });
    const mapped = loadConfig({
      ...sso,
      VIGIL_OIDC_ROLE_MAP: "soc-admins=admin, analysts=analyst",
      VIGIL_OIDC_DEFAULT_ROLE: "audit",
      VIGIL_OIDC_SSO_ONLY_STAFF: "true",
    }).oidc;
    expect(mapped).toMatchObject({
      roleMap: { "soc-admins": "admin", analysts: "analyst" },
      defaultRole: "audit",
      ssoOnlyStaff: true,
    });
    expect(() => loadConfig({ ...sso, VIGIL_OIDC_ROLE_MAP: "x=root" })).toThrow(
      /VIGIL_OIDC_ROLE_MAP: "x=root"/,
    );
    expect(() => loadConfig({ ...sso, VIGIL_OIDC_DEFAULT_ROLE: "root" })).toThrow(/VIGIL_OIDC_DEFAULT_ROLE/);
    expect(() => loadConfig({ ...sso, VIGIL_OIDC_CLIENT_SECRET: undefined })).toThrow(
      /VIGIL_OIDC_CLIENT_SECRET/,
    );
    expect(() => loadConfig({ ...sso, VIGIL_OIDC_ISSUER: "http://idp.example.com" })).toThrow(/https:\/\//);
    expect(loadConfig({ ...sso, VIGIL_OIDC_ISSUER: "http://127.0.0.1:9999" }).oidc?.issuer).toBe(
      "http://127.0.0.1:9999",
    );
  });
});
