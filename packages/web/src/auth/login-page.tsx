import { Alert, Button, PasswordInput, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { MfaLoginStep } from "../account/mfa-login-step.js";
import { ApiError, errorMessage } from "../api/problem.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { useAuth } from "./auth-context.js";
import { SignInCard } from "./sign-in-card.js";
import { SsoSignIn, takeSsoMfaToken } from "./sso-sign-in.js";

/** Only same-origin paths: `next` comes from the URL and must not send the user elsewhere. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

function loginError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401)
    return error.detail && error.detail !== "Your session has ended. Please sign in again."
      ? error.detail
      : "Wrong username or password.";
  if (error instanceof ApiError && error.status === 429) {
    // Prefer the server's own words; Retry-After gives the wait when it sent one.
    return error.retryAfter
      ? `Too many sign-in attempts. Try again in ${error.retryAfter} s.`
      : error.detail || "Too many sign-in attempts. Try again in a moment.";
  }
  return errorMessage(error);
}

export function LoginPage() {
  usePageTitle("Sign in");
  const { user, login, expired } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Set when the password was right and the account asks for an MFA code next.
  const [mfaToken, setMfaToken] = useState<string | null>(takeSsoMfaToken);
  const next = safeNext(params.get("next"));

  if (user && !busy) return <Navigate to={next} replace />;
  if (mfaToken) return <MfaLoginStep mfaToken={mfaToken} onRestart={() => setMfaToken(null)} />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const challenge = await login(username.trim(), password);
      if (challenge) {
        setMfaToken(challenge.mfa_token);
        setPassword("");
        return;
      }
      await navigate(next, { replace: true });
    } catch (err) {
      setError(loginError(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <SignInCard subtitle="Security operations console" onSubmit={submit} after={<SsoSignIn next={next} />}>
      {expired && !error && (
        <Alert color="yellow" variant="light">
          Your session has ended. Please sign in again.
        </Alert>
      )}
      {error && (
        <Alert color="red" variant="light" data-testid="login-error" role="alert">
          {error}
        </Alert>
      )}
      <TextInput
        label="Username"
        autoComplete="username"
        autoFocus
        required
        value={username}
        onChange={(e) => setUsername(e.currentTarget.value)}
        data-testid="login-username"
      />
      <PasswordInput
        label="Password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        data-testid="login-password"
      />
      <Button type="submit" loading={busy} disabled={!username || !password} data-testid="login-submit">
        Sign in
      </Button>
    </SignInCard>
  );
}
