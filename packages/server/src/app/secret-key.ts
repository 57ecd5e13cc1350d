import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The server secret that encrypts stored credentials (firewall passwords, webhook secrets). From
 * VIGIL_SECRET_KEY (64 hex characters or base64 of 32 bytes) when set — every node of a cluster must
 * share it — else generated once into `<dataDir>/secret.key` (mode 0600) and reused.
 */
export function loadSecretKey(configured: string | null, dataDir: string): Buffer {
  if (configured) return parseKey(configured, "VIGIL_SECRET_KEY");
  const file = join(dataDir, "secret.key");
  if (existsSync(file)) return parseKey(readFileSync(file, "utf8").trim(), file);
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

function parseKey(text: string, where: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${where}: must be 32 bytes, as 64 hex characters or base64`);
  return key;
}
