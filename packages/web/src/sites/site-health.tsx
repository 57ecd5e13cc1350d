import { Alert, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { formatAge } from "../alerts/alert-format.js";
import { useNow } from "../bans/use-now.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatCount, formatTime } from "../format.js";
import { SEVERITY_ORDER } from "../severity.js";
import type { SiteHealth } from "./site-types.js";

const rank = (severity: string): number => {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
};

/** "Silent since …": the site's senders stopped, which an MSP must notice before the client does. */
export function SilentWarning({ since }: { since: string | null }) {
  const now = useNow(10_000);
  if (!since) return null;
  return (
    <Alert color="orange" variant="light" p="xs" title="Silent" data-testid="site-silent">
      <Text size="sm">
        No event since {formatTime(since)} ({formatAge(since, now)} ago): check the site's senders.
      </Text>
    </Alert>
  );
}

/** Open alerts by severity, worst first; "none" when all is quiet. */
export function OpenAlertCounts({ counts }: { counts: SiteHealth["open_alerts"] }) {
  const open = counts.filter((c) => c.count > 0).sort((a, b) => rank(a.key) - rank(b.key));
  if (open.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  return (
    <Group gap={8} data-testid="site-open-alerts">
      {open.map((c) => (
        <Group key={c.key} gap={4} wrap="nowrap">
          <SeverityBadge severity={c.key} />
          <Text size="sm" fw={600} className="num">
            {formatCount(c.count)}
          </Text>
        </Group>
      ))}
    </Group>
  );
}

function Figure({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      {children}
    </Stack>
  );
}

/** The site's vital signs: rate, last event, active bans and open alerts. */
export function HealthFigures({ health }: { health: SiteHealth }) {
  const now = useNow(10_000);
  return (
    <Stack gap="xs">
      <SimpleGrid cols={3} spacing="xs">
        <Figure label="Events/s" testId="site-rate">
          <Text fw={700} className="num">
            {health.events_per_second.toLocaleString("en-US", { maximumFractionDigits: 2 })}
          </Text>
        </Figure>
        <Figure label="Last event" testId="site-last-event">
          <Text size="sm" title={health.last_event ? formatTime(health.last_event) : undefined}>
            {health.last_event ? `${formatAge(health.last_event, now)} ago` : "never"}
          </Text>
        </Figure>
        <Figure label="Active bans" testId="site-bans">
          <Text fw={700} className="num">
            {formatCount(health.active_bans)}
          </Text>
        </Figure>
      </SimpleGrid>
      <Figure label="Open alerts" testId="site-alerts">
        <OpenAlertCounts counts={health.open_alerts} />
      </Figure>
      <SilentWarning since={health.silent_since} />
    </Stack>
  );
}
