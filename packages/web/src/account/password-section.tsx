import { Alert, Button, PasswordInput, Stack } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useChangePassword } from "./account-api.js";

/** The server's policy (auth/secrets.ts), said before the round trip. */
const MIN_PASSWORD_LENGTH = 12;

export function PasswordSection() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [done, setDone] = useState(false);
  const mismatch = confirm.length > 0 && next !== confirm;
  const tooShort = next.length > 0 && next.length < MIN_PASSWORD_LENGTH;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setDone(true);
          setCurrent("");
          setNext("");
          setConfirm("");
        },
      },
    );
  };

  return (
    <form onSubmit={submit}>
      <Stack gap="sm" maw={420}>
        {done && (
          <Alert color="green" variant="light" data-testid="password-done">
            Password changed. Your other sessions were signed out.
          </Alert>
        )}
        {change.error && (
          <Alert color="red" variant="light" data-testid="password-error" role="alert">
            {errorMessage(change.error)}
          </Alert>
        )}
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          data-testid="password-current"
        />
        <PasswordInput
          label="New password"
          description={`At least ${MIN_PASSWORD_LENGTH} characters`}
          autoComplete="new-password"
          required
          value={next}
          error={tooShort ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined}
          onChange={(e) => setNext(e.currentTarget.value)}
          data-testid="password-new"
        />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          required
          value={confirm}
          error={mismatch ? "The two passwords differ" : undefined}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          data-testid="password-confirm"
        />
        <Button
          type="submit"
          loading={change.isPending}
          disabled={!current || !next || next !== confirm || tooShort}
          style={{ alignSelf: "flex-start" }}
          data-testid="password-submit"
        >
          Change password
        </Button>
      </Stack>
    </form>
  );
}
