import type { Role } from "../api/types.js";

/**
 * Roles are ordered as on the server (http/access.ts): admin ⊃ supervisor ⊃ analyst ⊃ audit. Pages
 * ask "at least this role", so a new role slots in here rather than in every page's checks.
 */
const RANK: Record<Role, number> = { audit: 0, analyst: 1, supervisor: 2, admin: 3 };

export function roleAtLeast(role: Role | undefined, need: Role): boolean {
  return role !== undefined && (RANK[role] ?? -1) >= RANK[need];
}
