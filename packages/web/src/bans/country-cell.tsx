import { Group, Text, Tooltip } from "@mantine/core";
import { countryName } from "../format.js";
import { flagOf } from "./ban-format.js";

/** A flag and the ISO code, the full name on hover; a dash for private or unknown addresses. */
export function CountryCell({ code }: { code: string }) {
  if (!code) return <Text c="dimmed">—</Text>;
  return (
    <Tooltip label={countryName(code)}>
      <Group gap={4} wrap="nowrap" component="span">
        <span aria-hidden>{flagOf(code)}</span>
        <Text span size="xs" ff="monospace">
          {code.toUpperCase()}
        </Text>
      </Group>
    </Tooltip>
  );
}
