import { Alert, Anchor, Button, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../api/problem.js";
import { useAuth } from "../auth/auth-context.js";
import { SignInCard } from "../auth/sign-in-card.js";

function codeError(error: unknown): { message: string; restart: boolean } {
  if (error instanceof ApiError && error.status === 401) {
    // The server words a wrong code like a wrong password; a spent or expired sign-in says so.
    return /sign in again/i.test(error.detail)
      ? { message: error.detail, restart: true }
      : {
          message: "That code was not accepted. Enter the current code from the app, or a recovery code.",
          restart: false,
        };
  }
  if (error instanceof ApiError && error.status === 429) {
    return {
      message: error.retryAfter
        ? `Too many sign-in attempts. Try again in ${error.retryAfter} s.`
        : error.detail || "Too many sign-in attempts. Try again in a moment.",
      restart: false,
    };
  }
  return { message: errorMessage(error), restart: false };
}

/**
 * The second step of sign-in when the account has MFA on: a TOTP code or a recovery code. Once the
 * server accepts it the session starts and the login page moves on by itself.
 */
export function MfaLoginStep({ mfaToken, onRestart }: { mfaToken: string; onRestart: () => void }) {
  const { verifyMfa } = useAuth();
  const [code, setCode] = useState("");
  const [error, setError] = useState<{ message: string; restart: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await verifyMfa(mfaToken, code.trim());
    } catch (err) {
      setError(codeError(err));
      setCode("");
      setBusy(false);
    }
  };

  return (
    <SignInCard subtitle="Two-step sign-in" onSubmit={submit}>
      {error && (
        <Alert color="red" variant="light" data-testid="mfa-error" role="alert">
          {error.message}
        </Alert>
      )}
      <TextInput
        label="Authentication code or recovery code"
        description="The 6-digit code from your authenticator app"
        autoComplete="one-time-code"
        inputMode="text"
        autoFocus
        required
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
        data-testid="mfa-code"
      />
      <Button type="submit" loading={busy} disabled={!code.trim()} data-testid="mfa-submit">
        Verify
      </Button>
      <Anchor
        component="button"
        type="button"
        size="xs"
        c="dimmed"
        onClick={onRestart}
        data-testid="mfa-restart"
      >
        Start over with the password
      </Anchor>
    </SignInCard>
  );
}
