import { Stack, Text, Title } from "@mantine/core";
import { useAuth } from "../auth/auth-context.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { GeoBlocking } from "./geoblocking.js";
import { GeoZoneForm } from "./geozone-form.js";

/** Geo policy: GeoZone classification (thresholds by country) and fixed country block/allow rules. Admins edit. */
export function GeoPage() {
  usePageTitle("Geo zones");
  const { user } = useAuth();
  const isAdmin = user?.role === "admin";
  return (
    <Stack gap="sm">
      <Title order={3}>Geo zones</Title>
      <Text size="sm" c="dimmed">
        How the ban policy weighs where an attacker is.{!isAdmin && " Only an admin can change it."}
      </Text>
      <GeoZoneForm canEdit={isAdmin} />
      <Title order={4}>Geoblocking rules</Title>
      <GeoBlocking canEdit={isAdmin} />
    </Stack>
  );
}
