import { Badge, Divider, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useAuth } from "../auth/auth-context.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { MfaSection } from "./mfa-section.js";
import { PasswordSection } from "./password-section.js";
import { SessionsSection } from "./sessions-section.js";

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Paper p="md" withBorder>
      <Stack gap="sm">
        <div>
          <Title order={4}>{title}</Title>
          <Text size="xs" c="dimmed">
            {description}
          </Text>
        </div>
        <Divider />
        {children}
      </Stack>
    </Paper>
  );
}

/** My account: one's own password, two-step sign-in and signed-in sessions. */
export function AccountPage() {
  usePageTitle("My account");
  const { user } = useAuth();
  if (!user) return null;
  return (
    <Stack gap="md" maw={900} data-testid="account-page">
      <Group gap="sm" align="baseline">
        <Title order={2}>My account</Title>
        <Text fw={600} data-testid="account-username">
          {user.username}
        </Text>
        <Badge variant="light">{user.role}</Badge>
        {user.email && (
          <Text size="sm" c="dimmed">
            {user.email}
          </Text>
        )}
      </Group>
      <Section
        title="Two-step sign-in"
        description="A code from an authenticator app after the password (TOTP multi-factor authentication)."
      >
        <MfaSection />
      </Section>
      <Section title="Password" description="Changing it signs out your other sessions.">
        <PasswordSection />
      </Section>
      <Section title="Sessions" description="Where you are signed in. Sign out any you do not recognise.">
        <SessionsSection />
      </Section>
    </Stack>
  );
}
