import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import type { StateDatabase } from "../storage/state-schema.js";
import { generatePassword, hashPassword, passwordProblem } from "./secrets.js";
import { createUsersRepo } from "./users-repo.js";

export interface BootstrapResult {
  created: boolean;
  username: string;
  /** Set only when the password was generated here: main.ts prints it once. */
  generatedPassword?: string;
}

/**
 * First start: with no users at all, create `admin` with `password` (VIGIL_ADMIN_PASSWORD) or a
 * generated one. Does nothing once any user exists, so restarts never reset a password. Two nodes
 * starting together cannot both create it (the username is unique; the loser sees created: false).
 */
export async function bootstrapAdmin(
  db: Kysely<StateDatabase>,
  options: { password?: string | undefined; username?: string } = {},
): Promise<BootstrapResult> {
  const users = createUsersRepo(db);
  const username = options.username ?? "admin";
  if ((await users.count()) > 0) return { created: false, username };
  if (options.password !== undefined) {
    const policy = passwordProblem(options.password);
    if (policy) throw new Error(`VIGIL_ADMIN_PASSWORD: ${policy}`);
  }
  const password = options.password ?? generatePassword();
  const row = await users.insert({
    id: uuidv7(),
    username,
    email: null,
    // The first admin is operator staff: every client.
    client: null,
    password_hash: await hashPassword(password),
    role: "admin",
  });
  if (!row) return { created: false, username };
  return options.password === undefined
    ? { created: true, username, generatedPassword: password }
    : { created: true, username };
}
