import { Button, Group, Paper, Stack, Text, TextInput } from "@mantine/core";
import { nameProblem } from "../admin/admin-format.js";
import { ClientSelect } from "../admin/client-select.js";
import { DescriptionField } from "../admin/clients/description-field.js";
import type { NewSiteDraft } from "./new-site.js";

/**
 * The small inline form behind "New site…": the site is created (POST /api/v1/sites) when the sender is
 * saved, so an operator registering a new client's firewall need not leave the Sources page.
 */
export function NewSiteFields(p: {
  draft: NewSiteDraft;
  onChange: (draft: NewSiteDraft) => void;
  onCancel: () => void;
}) {
  const set = <K extends keyof NewSiteDraft>(key: K, value: NewSiteDraft[K]) =>
    p.onChange({ ...p.draft, [key]: value });
  return (
    <Paper withBorder p="xs" data-testid="new-site">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            New site
          </Text>
          <Button size="compact-xs" variant="subtle" onClick={p.onCancel} data-testid="new-site-cancel">
            Pick an existing site
          </Button>
        </Group>
        <TextInput
          label="Name"
          required
          description="Lowercase letters, digits, '.', '_' and '-'; senders and API keys refer to it"
          value={p.draft.name}
          error={nameProblem(p.draft.name.trim())}
          onChange={(e) => set("name", e.currentTarget.value)}
          data-testid="new-site-name"
        />
        <ClientSelect
          withStaff={false}
          value={p.draft.client}
          onChange={(client) => set("client", client)}
          testId="new-site-client"
        />
        <DescriptionField
          value={p.draft.description}
          onChange={(description) => set("description", description)}
          testId="new-site-description"
        />
      </Stack>
    </Paper>
  );
}
