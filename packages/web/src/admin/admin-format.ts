/** Pure helpers of the settings pages: labels, name rules, what an edit form sends. */
import { formatTime } from "../format.js";
import type { AdminSite, AdminUser } from "./admin-types.js";

export const STAFF_LABEL = "Operator staff";

/** A user's client as a person reads it: null (or a server without clients) is the operator's staff. */
export function clientLabel(client: string | null | undefined): string {
  return client ?? STAFF_LABEL;
}

/** A time, or "never" for a key never used or a user who never signed in. */
export function timeOrNever(iso: string | null | undefined): string {
  return iso ? formatTime(iso) : "never";
}

/** The MFA column appears once the server reports MFA at all (older servers send no field). */
export function reportsMfa(users: readonly AdminUser[]): boolean {
  return users.some((u) => typeof u.mfa_enabled === "boolean");
}

/** The server's rule for client and site names (they go into URLs and syslog routing). */
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Why a client or site name would be refused, or null when it is fine (an empty field says nothing yet). */
export function nameProblem(name: string): string | null {
  if (name === "" || NAME.test(name)) return null;
  if (name.length > 64) return "At most 64 characters";
  return "Lowercase letters, digits, '.', '_' and '-', starting with a letter or digit";
}

/**
 * Select inputs cannot carry null; operator staff travel as this value. Not a valid client name (it
 * starts with '_'), so it cannot collide with one.
 */
export const STAFF_VALUE = "__staff__";

export const clientToSelect = (client: string | null | undefined): string => client ?? STAFF_VALUE;
export const clientFromSelect = (value: string | null): string | null =>
  value === null || value === STAFF_VALUE ? null : value;

/** Only the fields an edit changed: the server audits exactly what was asked, and refuses an empty body. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (after[key] !== before[key]) out[key] = after[key];
  }
  return out;
}

/** Sites of one client (null: every client), in the order the server sent them. */
export function sitesOfClient(sites: readonly AdminSite[], client: string | null): AdminSite[] {
  return client === null ? [...sites] : sites.filter((s) => s.client === client);
}

/** An optional text field as the API wants it: trimmed, and null when left empty. */
export function optionalText(value: string): string | null {
  const text = value.trim();
  return text === "" ? null : text;
}

/** The signed-in user's client; null for operator staff (and sessions from servers without clients). */
export function clientOf(user: object | null): string | null {
  if (user === null || !("client" in user)) return null;
  const client = (user as { client: unknown }).client;
  return typeof client === "string" ? client : null;
}

/** Operator staff (no client) manage clients; a client's own admin does not. */
export function isStaff(user: object | null): boolean {
  return user !== null && clientOf(user) === null;
}
