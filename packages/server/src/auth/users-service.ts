import { uuidv7 } from "uuidv7";
import type { Principal, Role, SiteScope } from "../http/access.js";
import { ALL_SITES } from "../http/guard.js";
import { HttpProblem } from "../http/problem.js";
import { clientForWrite } from "../tenancy/scope.js";
import { hashPassword, passwordProblem } from "./secrets.js";
import type { SessionsRepo } from "./sessions-repo.js";
import type { UserRow, UsersRepo } from "./users-repo.js";

export interface UserView {
  id: string;
  username: string;
  role: Role;
  client: string | null;
  email: string | null;
  is_active: boolean;
  mfa_enabled: boolean;
  last_login: string | null;
  created_at: string;
}

export function toUserView(row: UserRow & { mfa_enabled?: boolean }): UserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    client: row.client,
    email: row.email,
    is_active: row.is_active,
    mfa_enabled: row.mfa_enabled ?? false,
    last_login: row.last_login?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  email?: string | null | undefined;
  client?: string | null | undefined;
}

export interface UserUpdate {
  role?: Role | undefined;
  client?: string | null | undefined;
  email?: string | null | undefined;
  password?: string | undefined;
  is_active?: boolean | undefined;
}

/** User administration. The rules: usernames are unique, and there is always an active admin. */
export function createUsersService(deps: {
  users: UsersRepo;
  sessions: SessionsRepo;
  /** Whether a client exists (the tenancy tables). */
  clientExists: (name: string) => Promise<boolean>;
}) {
  const { users, sessions, clientExists } = deps;

  async function mustFind(id: string): Promise<UserRow> {
    const user = await users.findById(id);
    if (!user) throw new HttpProblem(404, `No user with id ${id}`);
    return user;
  }

  /** A client's admin manages that client's users only; others' are "not found", not "forbidden". */
  async function mustFindIn(id: string, scope: SiteScope): Promise<UserRow> {
    const user = await mustFind(id);
    if (scope.kind !== "all" && user.client !== scope.client)
      throw new HttpProblem(404, `No user with id ${id}`);
    return user;
  }

  async function clientChecked(
    scope: SiteScope,
    requested: string | null | undefined,
  ): Promise<string | null> {
    const client = clientForWrite(scope, requested);
    if (client !== null && !(await clientExists(client))) {
      throw new HttpProblem(400, `client: no client named ${client}`);
    }
    return client;
  }

  async function assertNotLastAdmin(user: UserRow, what: string): Promise<void> {
    if (
      user.role === "admin" &&
      user.client === null &&
      user.is_active &&
      (await users.countActiveAdmins()) <= 1
    ) {
      throw new HttpProblem(409, `Cannot ${what} ${user.username}: it is the last active admin`);
    }
  }

  return {
    async list(scope: SiteScope = ALL_SITES): Promise<UserView[]> {
      const all = await users.list();
      return (scope.kind === "all" ? all : all.filter((u) => u.client === scope.client)).map(toUserView);
    },

    async create(input: NewUser, scope: SiteScope = ALL_SITES): Promise<UserView> {
      const policy = passwordProblem(input.password);
      if (policy) throw new HttpProblem(400, policy);
      const client = await clientChecked(scope, input.client);
      const row = await users.insert({
        id: uuidv7(),
        username: input.username,
        email: input.email ?? null,
        password_hash: await hashPassword(input.password),
        role: input.role,
        client,
      });
      if (!row) throw new HttpProblem(409, `A user named ${input.username} already exists`);
      return toUserView(row);
    },

    async update(id: string, input: UserUpdate, scope: SiteScope = ALL_SITES): Promise<UserView> {
      const user = await mustFindIn(id, scope);
      const client = input.client === undefined ? undefined : await clientChecked(scope, input.client);
      if (input.role !== undefined && input.role !== "admin") await assertNotLastAdmin(user, "demote");
      if (client !== undefined && client !== null) await assertNotLastAdmin(user, "move to a client");
      if (input.is_active === false) await assertNotLastAdmin(user, "deactivate");
      let passwordHash: string | undefined;
      if (input.password !== undefined) {
        const policy = passwordProblem(input.password);
        if (policy) throw new HttpProblem(400, policy);
        passwordHash = await hashPassword(input.password);
      }
      const updated = await users.update(id, {
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(client !== undefined ? { client } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
        ...(passwordHash ? { password_hash: passwordHash } : {}),
      });
      if (!updated) throw new HttpProblem(404, `No user with id ${id}`);
      // A new password, a disabled account or a changed role: sessions start again from a fresh login.
      if (
        passwordHash ||
        input.is_active === false ||
        (input.role && input.role !== user.role) ||
        (client !== undefined && client !== user.client)
      ) {
        await sessions.revokeAllForUser(id);
      }
      return toUserView({ ...updated, mfa_enabled: await users.mfaEnabled(id) });
    },

    /** A 404 unless the user is one the scope manages (a client's admin: that client's users). */
    async assertManages(id: string, scope: SiteScope): Promise<void> {
      await mustFindIn(id, scope);
    },

    async remove(id: string, actor: Principal, scope: SiteScope = ALL_SITES): Promise<void> {
      const user = await mustFindIn(id, scope);
      if (actor.kind === "user" && actor.userId === id) {
        throw new HttpProblem(409, "You cannot delete your own account; ask another admin");
      }
      await assertNotLastAdmin(user, "delete");
      await users.delete(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
