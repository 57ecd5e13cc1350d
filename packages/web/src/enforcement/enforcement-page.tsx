import { Divider, Stack, Text, Title } from "@mantine/core";
import { useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { Bouncers } from "./bouncers.js";
import { TargetsTable } from "./targets-table.js";

/** Where bans go: pushed targets (Sophos XGS, webhooks) and pulling CrowdSec bouncers. */
export function EnforcementPage() {
  usePageTitle("Enforcement");
  const { user } = useAuth();
  const isAdmin = user?.role === "admin";
  const canAct = roleAtLeast(user?.role, "analyst");
  return (
    <Stack gap="sm">
      <Title order={3}>Enforcement</Title>
      <Text size="sm" c="dimmed">
        Each target is reconciled with Vigil's bans: missing ones added, stale ones removed, failures retried.
        A target being down never holds up detection.
      </Text>
      <TargetsTable isAdmin={isAdmin} canAct={canAct} />
      <Divider my="xs" />
      <Bouncers isAdmin={isAdmin} />
    </Stack>
  );
}
