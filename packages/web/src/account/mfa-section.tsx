import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { QRCodeSVG } from "qrcode.react";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useAuth } from "../auth/auth-context.js";
import { CopyTextButton } from "../components/copy-button.js";
import { type MfaEnrolment, useMfaCalls } from "./account-api.js";

/** The ten recovery codes, shown once: the server keeps only their hashes. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack gap="sm" maw={460} data-testid="recovery-codes">
      <Alert color="yellow" variant="light" title="Save your recovery codes">
        Each code signs you in once if you lose your phone. They are shown only now: copy them to a password
        manager or print them.
      </Alert>
      <SimpleGrid cols={2} spacing={4}>
        {codes.map((c) => (
          <Code key={c} fz="sm" data-testid="recovery-code">
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group gap="sm">
        <CopyTextButton value={codes.join("\n")} data-testid="recovery-copy" />
        <Button size="xs" onClick={onDone} data-testid="recovery-done">
          I have saved them
        </Button>
      </Group>
    </Stack>
  );
}

/** Scan the QR code (or type the secret), then prove it with the app's first code. */
function Enrol({ onConfirmed }: { onConfirmed: (codes: string[]) => void }) {
  const calls = useMfaCalls();
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const start = () => run(async () => setEnrolment(await calls.enroll()));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await calls.confirm(code.trim());
      setCode("");
      onConfirmed(res.recovery_codes);
    });
  };

  const failure = error ? (
    <Alert color="red" variant="light" data-testid="mfa-error" role="alert">
      {errorMessage(error)}
    </Alert>
  ) : null;

  if (!enrolment) {
    return (
      <Stack gap="sm" align="flex-start">
        {failure}
        <Text size="sm">
          Sign-in will ask for a code from an authenticator app (any TOTP app: Google Authenticator, Microsoft
          Authenticator, 1Password, Aegis…) after the password.
        </Text>
        <Button size="xs" loading={busy} onClick={() => void start()} data-testid="mfa-enroll">
          Set up an authenticator app
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={confirm}>
      <Stack gap="sm" maw={460}>
        {failure}
        <Text size="sm">1. Scan this QR code with the authenticator app.</Text>
        {/* A light quiet zone around the code: phone cameras need the contrast on a dark page. */}
        <Box bg="white" p="sm" w="fit-content" data-testid="mfa-qr">
          <QRCodeSVG value={enrolment.otpauth_url} size={176} marginSize={0} title="MFA QR code" />
        </Box>
        <Text size="sm">Or type this key into the app:</Text>
        <Group gap="xs" wrap="nowrap">
          <Code fz="sm" data-testid="mfa-secret">
            {enrolment.secret}
          </Code>
          <CopyTextButton value={enrolment.secret} data-testid="mfa-secret-copy" />
        </Group>
        <TextInput
          label="2. Enter the 6-digit code the app shows"
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={6}
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          data-testid="mfa-confirm-code"
          maw={320}
        />
        <Group gap="sm">
          <Button
            type="submit"
            size="xs"
            loading={busy}
            disabled={!/^\d{6}$/.test(code.trim())}
            data-testid="mfa-confirm"
          >
            Turn on
          </Button>
          <Button size="xs" variant="default" onClick={() => setEnrolment(null)} disabled={busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Turning MFA off asks for the password and a code, so a borrowed session cannot do it. */
function TurnOff({ onDone }: { onDone: () => Promise<void> }) {
  const calls = useMfaCalls();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await calls.disable(password, code.trim());
      await onDone();
    } catch (err) {
      setError(err);
      setCode("");
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <Button size="xs" variant="default" color="red" onClick={() => setOpen(true)} data-testid="mfa-off">
        Turn off
      </Button>
    );
  }
  return (
    <form onSubmit={submit}>
      <Stack gap="sm" maw={420}>
        {error ? (
          <Alert color="red" variant="light" data-testid="mfa-off-error" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="mfa-off-password"
        />
        <TextInput
          label="Authentication code or recovery code"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          data-testid="mfa-off-code"
        />
        <Group gap="sm">
          <Button
            type="submit"
            size="xs"
            color="red"
            loading={busy}
            disabled={!password || !code.trim()}
            data-testid="mfa-off-submit"
          >
            Turn off MFA
          </Button>
          <Button size="xs" variant="default" onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Two-step sign-in (TOTP) on one's own account: enrol, see the recovery codes once, turn it off. The
 * signed-in user is read again only after the codes are put away: on the enrolment-only page that
 * refresh opens the console, and the codes must not vanish before they were saved.
 */
export function MfaSection() {
  const { user, refreshUser } = useAuth();
  const [codes, setCodes] = useState<string[] | null>(null);
  if (!user) return null;

  if (codes) {
    return (
      <RecoveryCodes
        codes={codes}
        onDone={() => {
          setCodes(null);
          void refreshUser();
        }}
      />
    );
  }
  if (user.mfa_enabled) {
    return (
      <Stack gap="sm" align="flex-start">
        <Group gap="xs">
          <Badge color="green" variant="light" data-testid="mfa-status" data-enabled="true">
            On
          </Badge>
          <Text size="sm">Sign-in asks for a code from your authenticator app.</Text>
        </Group>
        <TurnOff onDone={refreshUser} />
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge color="gray" variant="light" data-testid="mfa-status" data-enabled="false">
          Off
        </Badge>
        {user.mfa_enrollment_required && (
          <Text size="sm" c="yellow">
            Your role must use two-step sign-in: set it up to use the console.
          </Text>
        )}
      </Group>
      <Enrol onConfirmed={setCodes} />
    </Stack>
  );
}
