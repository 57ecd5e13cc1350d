/**
 * The signed-in session, kept in sessionStorage: it survives a reload but not the tab, so a shared
 * SOC workstation does not keep someone's token after they close the console.
 */
import type { User } from "../api/types.js";

const TOKEN_KEY = "vigil.token";
const USER_KEY = "vigil.user";

export interface Session {
  token: string;
  user: User;
}

function isUser(value: unknown): value is User {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === "string" && typeof v.username === "string" && typeof v.role === "string";
}

export function loadSession(): Session | null {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const raw = sessionStorage.getItem(USER_KEY);
    if (!token || !raw) return null;
    const user: unknown = JSON.parse(raw);
    return isUser(user) ? { token, user } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(session.user));
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
}

export function currentToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
