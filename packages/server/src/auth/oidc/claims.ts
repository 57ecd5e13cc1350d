import { ROLES, type Role, roleAtLeast } from "../../http/access.js";

/** How a provider's claims become a Vigil role and client (see README, Single sign-on). */
export interface ClaimRules {
  roleClaim: string;
  clientClaim: string;
  roleMap: Record<string, Role>;
  defaultRole: Role | null;
}

export type Mapped =
  | { ok: true; role: Role; client: string | null; username: string; email: string | null }
  | { ok: false; reason: string };

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** A claim as a list of strings: IdPs send groups as an array, a single role as a string. */
function values(claim: unknown): string[] {
  if (typeof claim === "string") return claim.trim() ? [claim.trim()] : [];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === "string" && v.trim() !== "");
  return [];
}

/**
 * The role is the highest one any value of the role claim maps to (through the map, or by naming a
 * role when there is no map); without one, the default role, or a refusal when there is none. The
 * client claim names the user's client; absent or empty means operator staff.
 */
export function mapClaims(claims: Record<string, unknown>, rules: ClaimRules): Mapped {
  const mapping = Object.keys(rules.roleMap).length > 0;
  let role: Role | null = null;
  for (const value of values(claims[rules.roleClaim])) {
    const candidate = mapping ? rules.roleMap[value] : isRole(value) ? value : undefined;
    if (candidate && (role === null || roleAtLeast(candidate, role))) role = candidate;
  }
  role ??= rules.defaultRole;
  if (role === null) {
    return { ok: false, reason: `no Vigil role maps from the '${rules.roleClaim}' claim` };
  }
  const clients = values(claims[rules.clientClaim]);
  if (clients.length > 1) {
    return { ok: false, reason: `the '${rules.clientClaim}' claim names more than one client` };
  }
  const email = typeof claims.email === "string" && claims.email ? claims.email : null;
  const preferred = typeof claims.preferred_username === "string" ? claims.preferred_username.trim() : "";
  const username = preferred || email || String(claims.sub);
  return { ok: true, role, client: clients[0] ?? null, username: username.slice(0, 100), email };
}
