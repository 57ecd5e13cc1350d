import { Alert, Button, Code, Group, Modal, Stack, Text } from "@mantine/core";
import { CopyTextButton } from "../../components/copy-button.js";
import type { CreatedApiKey } from "../admin-types.js";

/** Shows a new key the one time the server sends it; closing the modal forgets it. */
export function KeyReveal({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={`API key ${created.name}`} size="lg" closeOnClickOutside={false}>
      <Stack gap="sm" data-testid="api-key-reveal">
        <Alert color="yellow" variant="light" title="Copy it now">
          This is the only time the key is shown. Vigil keeps only a hash of it: if it is lost, revoke it and
          create another.
        </Alert>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, minWidth: 0, wordBreak: "break-all" }} data-testid="api-key-value">
            {created.key}
          </Code>
          <CopyTextButton value={created.key} data-testid="api-key-copy" />
        </Group>
        <Text size="xs" c="dimmed">
          Send it as <Code>Authorization: Bearer …</Code>. Scopes: {created.scopes.join(", ")}
          {created.site ? `; site ${created.site}` : ""}.
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid="api-key-reveal-close">
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
