import { Alert, Button, Divider, Loader, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { ApiError, problemFromResponse } from "../api/problem.js";
import type { User } from "../api/types.js";
import { saveSession } from "./session.js";

/**
 * Single sign-on on the login page: a "Sign in with …" button when the server offers it, and the
 * hand-over on the way back. The server redirects to `/login#sso_token=…`: a fragment never reaches a
 * server or proxy log; it is wiped from the address bar and history at once, then the token is
 * checked with /auth/me and stored like a password sign-in's.
 */
const TOKEN_PREFIX = "#sso_token=";
/** Where the user was going before the round trip through the provider (same-origin path only). */
const NEXT_KEY = "vigil.sso_next";

const MFA_PREFIX = "#sso_mfa=";

/**
 * Back from the provider as a user with MFA on: the code step's token, taken out of the address bar
 * (once: React keeps the first result of a state initializer).
 */
export function takeSsoMfaToken(): string | null {
  const hash = window.location.hash;
  if (!hash.startsWith(MFA_PREFIX)) return null;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return decodeURIComponent(hash.slice(MFA_PREFIX.length)) || null;
}

interface OidcInfo {
  enabled: boolean;
  name: string;
}

async function adopt(token: string): Promise<void> {
  const res = await fetch("/api/v1/auth/me", {
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw await problemFromResponse(res);
  const user = (await res.json()) as User;
  saveSession({ token, user });
}

export function SsoSignIn({ next }: { next: string }) {
  const [info, setInfo] = useState<OidcInfo | null>(null);
  const [handingOver, setHandingOver] = useState(() => window.location.hash.startsWith(TOKEN_PREFIX));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const hash = window.location.hash;
    if (!hash.startsWith(TOKEN_PREFIX)) return;
    const token = decodeURIComponent(hash.slice(TOKEN_PREFIX.length));
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    adopt(token)
      .then(() => {
        const target = sessionStorage.getItem(NEXT_KEY) ?? "/";
        sessionStorage.removeItem(NEXT_KEY);
        // A full load, so the console starts with the stored session like after a reload.
        window.location.replace(target.startsWith("/") && !target.startsWith("//") ? target : "/");
      })
      .catch((err: unknown) => {
        setHandingOver(false);
        setError(err instanceof ApiError ? err.detail || err.title : "Single sign-on failed.");
      });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    fetch("/api/v1/auth/oidc", { headers: { Accept: "application/json" }, signal: controller.signal })
      .then(async (res) => (res.ok ? setInfo((await res.json()) as OidcInfo) : undefined))
      .catch(() => {
        // No SSO button when the server cannot say: the password form still works.
      });
    return () => controller.abort();
  }, []);

  if (handingOver) {
    return (
      <Stack align="center" gap="xs" mt="md" data-testid="sso-handover">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          Signing you in…
        </Text>
      </Stack>
    );
  }
  if (!info?.enabled && !error) return null;
  return (
    <Stack gap="sm" mt="md">
      {error && (
        <Alert color="red" variant="light" data-testid="sso-error" role="alert">
          {error}
        </Alert>
      )}
      {info?.enabled && (
        <>
          <Divider label="or" labelPosition="center" />
          <Button
            component="a"
            href="/api/v1/auth/oidc/login"
            variant="default"
            onClick={() => sessionStorage.setItem(NEXT_KEY, next)}
            data-testid="sso-login"
          >
            Sign in with {info.name || "SSO"}
          </Button>
        </>
      )}
    </Stack>
  );
}
