/** Test-only: a throw-away self-signed certificate made with the openssl CLI (null when it is absent). */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function selfSignedCert(): { cert: string; key: string; dir: string } | null {
  const dir = mkdtempSync(join(tmpdir(), "vigil-syslog-tls-"));
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
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
      ],
      { stdio: "ignore" },
    );
    return { cert: join(dir, "cert.pem"), key: readFileSync(join(dir, "key.pem"), "utf8"), dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}
