import { Button, Alert as Callout, Group } from "@mantine/core";
import { errorMessage } from "../api/problem.js";

/**
 * The foot of an edit form (alert rules, channels): the server's refusal if the last save or delete
 * failed, Delete (after a confirmation) on the left, Close and Save on the right. `testId` prefixes
 * the hooks the end-to-end tests use: `<testId>-error`, `-delete`, `-save`.
 */
export function EditorFooter(p: {
  testId: string;
  error: unknown;
  /** Absent: no Delete button (a new item, or a reader). */
  onDelete?: (() => void) | undefined;
  confirmDelete: string;
  deleting: boolean;
  /** Absent: no Save button (a reader). */
  onSave?: (() => void) | undefined;
  saving: boolean;
  onClose: () => void;
  closeLabel: string;
}) {
  return (
    <>
      {p.error ? (
        <Callout color="red" variant="light" title="Not saved" data-testid={`${p.testId}-error`}>
          {errorMessage(p.error)}
        </Callout>
      ) : null}
      <Group justify="space-between">
        <Group gap="xs">
          {p.onDelete && (
            <Button
              size="xs"
              color="red"
              variant="subtle"
              loading={p.deleting}
              onClick={() => {
                if (window.confirm(p.confirmDelete)) p.onDelete?.();
              }}
              data-testid={`${p.testId}-delete`}
            >
              Delete
            </Button>
          )}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={p.onClose}>
            {p.closeLabel}
          </Button>
          {p.onSave && (
            <Button size="xs" loading={p.saving} onClick={p.onSave} data-testid={`${p.testId}-save`}>
              Save
            </Button>
          )}
        </Group>
      </Group>
    </>
  );
}
