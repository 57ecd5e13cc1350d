import { Badge, Group, Text } from "@mantine/core";
import type { SiteInfo } from "./site-types.js";

/** The client a site belongs to, and its description when it has one. */
export function SiteOwner({ site }: { site: SiteInfo }) {
  return (
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
      <Badge variant="light" color="grape" size="sm" style={{ flexShrink: 0 }} data-testid="site-client">
        {site.client}
      </Badge>
      {site.description && (
        <Text size="xs" c="dimmed" className="truncate">
          {site.description}
        </Text>
      )}
    </Group>
  );
}
