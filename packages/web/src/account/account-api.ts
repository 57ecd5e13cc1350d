/** The calls of My account: one's own sessions, password and MFA. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../auth/auth-context.js";

export interface OwnSession {
  id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

export interface MfaEnrolment {
  secret: string;
  otpauth_url: string;
}

const SESSIONS_KEY = ["auth", "sessions"] as const;

export function useOwnSessions() {
  const api = useApi();
  return useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: ({ signal }) => api.get<{ items: OwnSession[] }>("/api/v1/auth/sessions", undefined, signal),
    select: (data) => data.items,
  });
}

export function useSignOutSession() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/auth/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
}

export function useChangePassword() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { current_password: string; new_password: string }) =>
      api.post<void>("/api/v1/auth/password", v),
    // The server signs out every other session with the old password.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
}

export function useMfaCalls() {
  const api = useApi();
  return {
    enroll: () => api.post<MfaEnrolment>("/api/v1/auth/mfa/enroll"),
    confirm: (code: string) => api.post<{ recovery_codes: string[] }>("/api/v1/auth/mfa/confirm", { code }),
    disable: (password: string, code: string) =>
      api.request<void>("DELETE", "/api/v1/auth/mfa", { body: { password, code } }),
  };
}
