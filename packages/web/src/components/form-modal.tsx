import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import type { FormEvent, ReactNode } from "react";
import { errorMessage } from "../api/problem.js";

/**
 * The one modal form: a title, the server's refusal of the last submit (its problem `detail`), the
 * fields, then Cancel and the submit button. Enter submits. `testId` names the hooks the end-to-end
 * tests use: `<testId>` on the form, `<testId>-error`, `<testId>-submit`.
 */
export function FormModal(p: {
  opened: boolean;
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  error: unknown;
  submitLabel: string;
  submitting: boolean;
  /** False keeps the submit button disabled (a required field is empty or invalid). */
  canSubmit: boolean;
  testId: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (p.canSubmit && !p.submitting) p.onSubmit();
  };
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title} size="md">
      <form onSubmit={submit} data-testid={p.testId}>
        <Stack gap="sm">
          {p.error ? (
            <Alert color="red" variant="light" data-testid={`${p.testId}-error`}>
              {errorMessage(p.error)}
            </Alert>
          ) : null}
          {p.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={p.submitting}
              disabled={!p.canSubmit}
              data-testid={`${p.testId}-submit`}
            >
              {p.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
