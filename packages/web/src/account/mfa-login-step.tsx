import {
  Alert,
  Anchor,
  Box,
  Button,
  Center,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../api/problem.js";
import { useAuth } from "../auth/auth-context.js";
import { Logo } from "../components/logo.js";

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
    <Center mih="100vh" bg="dark.9">
      <Paper w={360} p="xl" withBorder bg="dark.7">
        <form onSubmit={submit}>
          <Stack gap="md">
            <Group gap="sm">
              <Logo size={32} />
              <Box>
                <Title order={3}>Vigil</Title>
                <Text size="xs" c="dimmed">
                  Two-step sign-in
                </Text>
              </Box>
            </Group>
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
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
