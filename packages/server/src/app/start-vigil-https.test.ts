import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config.js";
import { selfSignedCert } from "../ingest/syslog/test-tls.js";
import { type RunningVigil, startVigil } from "./start-vigil.js";

/**
 * The console and API over HTTPS (VIGIL_HTTP_TLS_CERT/KEY), started as main.ts starts Vigil, and
 * reached by a client that trusts only the throw-away certificate.
 */
const cert = selfSignedCert();
if (!cert) console.warn("start-vigil-https.test.ts skipped: no openssl on this machine");

function get(
  url: string,
  ca: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      // The certificate is for "localhost"; the server listens on 127.0.0.1.
      { host: u.hostname, port: u.port, path: u.pathname + u.search, ca, servername: "localhost" },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe.skipIf(!cert)("HTTPS for the console and API", () => {
  let vigil: RunningVigil;
  let dataDir: string;
  let ca: string;

  beforeAll(async () => {
    if (!cert) return;
    ca = readFileSync(cert.cert, "utf8");
    dataDir = mkdtempSync(join(tmpdir(), "vigil-https-"));
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      VIGIL_DATA_DIR: dataDir,
      VIGIL_HTTP_HOST: "127.0.0.1",
      VIGIL_HTTP_PORT: "0",
      VIGIL_SYSLOG_HOST: "127.0.0.1",
      VIGIL_SYSLOG_PORT: "0",
      VIGIL_ADMIN_PASSWORD: "https-test-admin-password",
      // A file for the certificate, inline PEM for the key: both forms are accepted.
      VIGIL_HTTP_TLS_CERT: cert.cert,
      VIGIL_HTTP_TLS_KEY: cert.key,
      VIGIL_OIDC_ISSUER: "http://127.0.0.1:9",
      VIGIL_OIDC_CLIENT_ID: "vigil",
      VIGIL_OIDC_CLIENT_SECRET: "unused-in-this-test",
    });
    vigil = await startVigil(config, pino({ level: "silent" }));
  });

  afterAll(async () => {
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (cert) rmSync(cert.dir, { recursive: true, force: true });
  });

  it("serves /health over TLS with HSTS", async () => {
    expect(vigil.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${vigil.httpUrl}/health`, ca);
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("refuses clients that do not trust the certificate", async () => {
    await expect(fetch(`${vigil.httpUrl}/health`)).rejects.toThrow();
  });

  it("marks the cookies it sets Secure", async () => {
    // A callback with no login under way is refused, and clears the sign-in cookie: with Secure.
    const res = await get(`${vigil.httpUrl}/api/v1/auth/oidc/callback?state=x&code=y`, ca);
    expect(res.status).toBe(400);
    expect(String(res.headers["set-cookie"])).toMatch(/^vigil_oidc=; .*HttpOnly; SameSite=Lax; Secure$/);
  });
});
