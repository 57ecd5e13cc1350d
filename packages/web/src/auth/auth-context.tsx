import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiClient } from "../api/client.js";
import type { LoginResponse, MfaChallenge, User } from "../api/types.js";
import { clearSession, currentToken, loadSession, type Session, saveSession } from "./session.js";

interface AuthValue {
  user: User | null;
  api: ApiClient;
  /** Set when the server ended the session (a 401 anywhere), so sign-in can say why. */
  expired: boolean;
  /** Signs in, or returns the MFA challenge when the account needs a code (then call verifyMfa). */
  login(username: string, password: string): Promise<MfaChallenge | null>;
  /** The second step of sign-in: the challenge's token and a TOTP or recovery code. */
  verifyMfa(mfaToken: string, code: string): Promise<void>;
  /** Reads /auth/me again (after enrolling MFA, say). */
  refreshUser(): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [expired, setExpired] = useState(false);

  const endSession = useCallback(
    (why: "expired" | "signout") => {
      clearSession();
      setSession(null);
      setExpired(why === "expired");
      queryClient.clear();
    },
    [queryClient],
  );

  const api = useMemo(() => new ApiClient(() => endSession("expired")), [endSession]);

  // A token restored from sessionStorage may have expired while the tab slept: check it once.
  const restoredToken = session?.token;
  useEffect(() => {
    if (!restoredToken) return;
    const controller = new AbortController();
    api
      .get<User>("/api/v1/auth/me", undefined, controller.signal)
      .then((user) => {
        const next = { token: restoredToken, user };
        saveSession(next);
        setSession(next);
      })
      .catch(() => {
        // A 401 already ended the session through the client's hook; other failures keep it.
      });
    return () => controller.abort();
    // Only on start and when a new token appears.
  }, [api, restoredToken]);

  const start = useCallback((res: LoginResponse) => {
    const next = { token: res.token, user: res.user };
    saveSession(next);
    setExpired(false);
    setSession(next);
  }, []);

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api.post<LoginResponse | MfaChallenge>(
        "/api/v1/auth/login",
        { username, password },
        { skipUnauthorizedHook: true },
      );
      if ("mfa_required" in res) return res;
      start(res);
      return null;
    },
    [api, start],
  );

  const verifyMfa = useCallback(
    async (mfaToken: string, code: string) => {
      start(
        await api.post<LoginResponse>(
          "/api/v1/auth/mfa/verify",
          { mfa_token: mfaToken, code },
          { skipUnauthorizedHook: true },
        ),
      );
    },
    [api, start],
  );

  const refreshUser = useCallback(async () => {
    const token = currentToken();
    if (!token) return;
    const next = { token, user: await api.get<User>("/api/v1/auth/me") };
    saveSession(next);
    setSession(next);
  }, [api]);

  const logout = useCallback(async () => {
    try {
      await api.post<void>("/api/v1/auth/logout", undefined, { skipUnauthorizedHook: true });
    } catch {
      // Signing out locally matters more than telling the server; the token expires anyway.
    }
    endSession("signout");
  }, [api, endSession]);

  const value = useMemo<AuthValue>(
    () => ({ user: session?.user ?? null, api, expired, login, verifyMfa, refreshUser, logout }),
    [session, api, expired, login, verifyMfa, refreshUser, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}

export function useApi(): ApiClient {
  return useAuth().api;
}

/**
 * Operator staff (a user of no client) see every client and the platform's own pages; a client's user
 * gets 403 on those (`staff: true` routes), so the console neither links to them nor asks them.
 */
export function useIsStaff(): boolean {
  return !useAuth().user?.client;
}
