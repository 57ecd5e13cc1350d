import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Sealing of target secrets (firewall passwords, webhook secrets) at rest: AES-256-GCM with a key
 * derived (HKDF-SHA256) from the server secret, so a dump of the state store alone does not leak
 * credentials to every firewall. Sealed text: `v1:<base64 of iv | tag | ciphertext>`.
 */
const PREFIX = "v1:";

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  isSealed(value: string): boolean;
}

export function createSecretBox(serverSecret: Buffer): SecretBox {
  if (serverSecret.length < 16) throw new Error("the server secret must be at least 16 bytes");
  const key = Buffer.from(hkdfSync("sha256", serverSecret, "vigil", "enforcement target secrets", 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error("not a sealed secret");
      const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      } catch {
        throw new Error("a stored secret cannot be decrypted: was the server secret changed?");
      }
    },
    isSealed: (value) => value.startsWith(PREFIX),
  };
}
