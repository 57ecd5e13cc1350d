import { Button, Center, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useAuth } from "../auth/auth-context.js";
import { Logo } from "../components/logo.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { MfaSection } from "./mfa-section.js";

/**
 * What a user whose role must use MFA sees until they have turned it on: the server answers nothing
 * else for their session (auth/mfa-gate.ts), so the console shows only enrolment and sign-out.
 */
export function EnrolmentRequiredPage() {
  usePageTitle("Set up two-step sign-in");
  const { user, logout } = useAuth();
  return (
    <Center mih="100vh" bg="dark.9" p="md">
      <Paper w={520} maw="100%" p="xl" withBorder bg="dark.7" data-testid="mfa-enrolment-required">
        <Stack gap="md">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Logo size={28} />
              <Title order={3}>Set up two-step sign-in</Title>
            </Group>
            <Button size="xs" variant="default" onClick={() => void logout()} data-testid="sign-out">
              Sign out
            </Button>
          </Group>
          <Text size="sm">
            {user?.username}, your role ({user?.role}) must sign in with a code from an authenticator app as
            well as the password. Set it up to continue to the console.
          </Text>
          <MfaSection />
        </Stack>
      </Paper>
    </Center>
  );
}
