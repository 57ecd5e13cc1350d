import { uuidv7 } from "uuidv7";
import type { Principal, Role } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import { hashPassword, passwordProblem } from "./secrets.js";
import type { SessionsRepo } from "./sessions-repo.js";
import type { UserRow, UsersRepo } from "./users-repo.js";

export interface UserView {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  is_active: boolean;
  last_login: string | null;
  created_at: string;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    email: row.email,
    is_active: row.is_active,
    last_login: row.last_login?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  email?: string | null | undefined;
}

export interface UserUpdate {
  role?: Role | undefined;
  email?: string | null | undefined;
  password?: string | undefined;
  is_active?: boolean | undefined;
}

/** User administration. The rules: usernames are unique, and there is always an active admin. */
export function createUsersService(deps: { users: UsersRepo; sessions: SessionsRepo }) {
  const { users, sessions } = deps;

  async function mustFind(id: string): Promise<UserRow> {
    const user = await users.findById(id);
    if (!user) throw new HttpProblem(404, `No user with id ${id}`);
    return user;
  }

  async function assertNotLastAdmin(user: UserRow, what: string): Promise<void> {
    if (user.role === "admin" && user.is_active && (await users.countActiveAdmins()) <= 1) {
      throw new HttpProblem(409, `Cannot ${what} ${user.username}: it is the last active admin`);
    }
  }

  return {
    async list(): Promise<UserView[]> {
      return (await users.list()).map(toUserView);
    },

    async create(input: NewUser): Promise<UserView> {
      const policy = passwordProblem(input.password);
      if (policy) throw new HttpProblem(400, policy);
      const row = await users.insert({
        id: uuidv7(),
        username: input.username,
        email: input.email ?? null,
        password_hash: await hashPassword(input.password),
        role: input.role,
      });
      if (!row) throw new HttpProblem(409, `A user named ${input.username} already exists`);
      return toUserView(row);
    },

    async update(id: string, input: UserUpdate): Promise<UserView> {
      const user = await mustFind(id);
      if (input.role !== undefined && input.role !== "admin") await assertNotLastAdmin(user, "demote");
      if (input.is_active === false) await assertNotLastAdmin(user, "deactivate");
      let passwordHash: string | undefined;
      if (input.password !== undefined) {
        const policy = passwordProblem(input.password);
        if (policy) throw new HttpProblem(400, policy);
        passwordHash = await hashPassword(input.password);
      }
      const updated = await users.update(id, {
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
        ...(passwordHash ? { password_hash: passwordHash } : {}),
      });
      if (!updated) throw new HttpProblem(404, `No user with id ${id}`);
      // A new password, a disabled account or a changed role: sessions start again from a fresh login.
      if (passwordHash || input.is_active === false || (input.role && input.role !== user.role)) {
        await sessions.revokeAllForUser(id);
      }
      return toUserView(updated);
    },

    async remove(id: string, actor: Principal): Promise<void> {
      const user = await mustFind(id);
      if (actor.kind === "user" && actor.userId === id) {
        throw new HttpProblem(409, "You cannot delete your own account; ask another admin");
      }
      await assertNotLastAdmin(user, "delete");
      await users.delete(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
