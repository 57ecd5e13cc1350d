import { Alert, Anchor, Text } from "@mantine/core";
import { Link } from "react-router";
import { enforcedNowhereText } from "./ban-enforcement.js";
import { useEnforcementSummary } from "./ban-queries.js";

/** A warning that bans are enforced nowhere (no enabled target, no live bouncer); nothing otherwise. */
export function EnforcementBanner({ mb }: { mb?: string }) {
  const summary = useEnforcementSummary();
  const text = enforcedNowhereText(summary.data);
  if (!text) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      title="Bans are not enforced"
      mb={mb}
      data-testid="enforced-nowhere"
    >
      <Text size="sm">
        {text}{" "}
        <Anchor component={Link} to="/enforcement" size="sm">
          Add a firewall, a webhook or a bouncer
        </Anchor>
        .
      </Text>
    </Alert>
  );
}
