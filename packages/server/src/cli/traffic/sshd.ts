import type { Rng } from "./random.js";

/** OpenSSH auth log messages (the part after `sshd[pid]: `). */
export type SshKind = "failed" | "invalid-user" | "accepted";

export const BAD_USERS = ["root", "admin", "test", "oracle", "ubuntu", "postgres", "git", "user"];

export function sshdMessage(kind: SshKind, rng: Rng, ip: string, user: string): string {
  const port = rng.int(1024, 65535);
  switch (kind) {
    case "failed":
      return `Failed password for ${user} from ${ip} port ${port} ssh2`;
    case "invalid-user":
      return `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`;
    case "accepted":
      return `Accepted publickey for ${user} from ${ip} port ${port} ssh2: ED25519 SHA256:${rng.hex(43)}`;
  }
}
