import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiClient } from "../api/client.js";
import type { LoginResponse, User } from "../api/types.js";
import { clearSession, loadSession, type Session, saveSession } from "./session.js";

interface AuthValue {
  user: User | null;
  api: ApiClient;
  /** Set when the server ended the session (a 401 anywhere), so sign-in can say why. */
  expired: boolean;
  login(username: string, password: string): Promise<void>;
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

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api.post<LoginResponse>(
        "/api/v1/auth/login",
        { username, password },
        { skipUnauthorizedHook: true },
      );
      const next = { token: res.token, user: res.user };
      saveSession(next);
      setExpired(false);
      setSession(next);
    },
    [api],
  );

  const logout = useCallback(async () => {
    try {
      await api.post<void>("/api/v1/auth/logout", undefined, { skipUnauthorizedHook: true });
    } catch {
      // Signing out locally matters more than telling the server; the token expires anyway.
    }
    endSession("signout");
  }, [api, endSession]);

  const value = useMemo<AuthValue>(
    () => ({ user: session?.user ?? null, api, expired, login, logout }),
    [session, api, expired, login, logout],
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
