import { Autocomplete, Button, Alert as Callout, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import { allowedVerbs } from "./alert-format.js";
import { useAlertCommands, useUsernames } from "./alert-queries.js";
import type { Alert } from "./alert-types.js";

type Dialog = "assign" | "escalate" | "resolve" | null;

/**
 * The lifecycle buttons. Acknowledge, investigate and reopen act at once; assign, escalate and resolve
 * ask for the person or the outcome first. Shown only to roles that may act (the audit role reads).
 */
export function AlertActions({ alert }: { alert: Alert }) {
  const { command } = useAlertCommands(alert.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const verbs = allowedVerbs(alert.state);
  const busy = command.isPending;
  return (
    <Stack gap={6}>
      <Group gap="xs" data-testid="alert-actions">
        {verbs.includes("acknowledge") && (
          <Button
            size="xs"
            color="yellow"
            loading={busy && command.variables?.verb === "acknowledge"}
            onClick={() => command.mutate({ verb: "acknowledge" })}
            data-testid="alert-acknowledge"
          >
            Acknowledge
          </Button>
        )}
        {verbs.includes("investigate") && (
          <Button
            size="xs"
            variant="light"
            loading={busy && command.variables?.verb === "investigate"}
            onClick={() => command.mutate({ verb: "investigate" })}
            data-testid="alert-investigate"
          >
            Investigate
          </Button>
        )}
        {verbs.includes("assign") && (
          <Button size="xs" variant="default" onClick={() => setDialog("assign")} data-testid="alert-assign">
            Assign…
          </Button>
        )}
        {verbs.includes("escalate") && (
          <Button
            size="xs"
            variant="default"
            onClick={() => setDialog("escalate")}
            data-testid="alert-escalate"
          >
            Escalate…
          </Button>
        )}
        {verbs.includes("resolve") && (
          <Button size="xs" color="teal" onClick={() => setDialog("resolve")} data-testid="alert-resolve">
            Resolve…
          </Button>
        )}
        {verbs.includes("reopen") && (
          <Button
            size="xs"
            variant="default"
            loading={busy && command.variables?.verb === "reopen"}
            onClick={() => command.mutate({ verb: "reopen" })}
            data-testid="alert-reopen"
          >
            Reopen
          </Button>
        )}
      </Group>
      {command.error && dialog === null && (
        <Text size="sm" c="red.4" data-testid="alert-action-error">
          {errorMessage(command.error)}
        </Text>
      )}
      <CommandDialog alert={alert} dialog={dialog} onClose={() => setDialog(null)} />
    </Stack>
  );
}

function CommandDialog({ alert, dialog, onClose }: { alert: Alert; dialog: Dialog; onClose: () => void }) {
  const { command } = useAlertCommands(alert.id);
  const users = useUsernames();
  const [user, setUser] = useState("");
  const [note, setNote] = useState("");
  const close = () => {
    command.reset();
    setUser("");
    setNote("");
    onClose();
  };
  const done = { onSuccess: close };
  const title =
    dialog === "assign"
      ? "Assign the alert"
      : dialog === "escalate"
        ? "Escalate the alert"
        : "Resolve the alert";
  return (
    <Modal opened={dialog !== null} onClose={close} title={title} size="sm">
      <Stack gap="sm">
        {(dialog === "assign" || dialog === "escalate") && (
          <Autocomplete
            label="User"
            placeholder="username"
            data={users.data ?? []}
            value={user}
            onChange={setUser}
            data-autofocus
            data-testid="alert-user-input"
          />
        )}
        {dialog === "escalate" && (
          <Text size="xs" c="dimmed">
            The alert is assigned to this user, who is named in the escalation.
          </Text>
        )}
        {dialog !== "assign" && (
          <Textarea
            label="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={2}
            data-testid="alert-note-input"
          />
        )}
        {command.error && (
          <Callout color="red" variant="light" p="xs" data-testid="alert-dialog-error">
            {errorMessage(command.error)}
          </Callout>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={close}>
            Cancel
          </Button>
          {dialog === "assign" && (
            <Button
              size="xs"
              disabled={!user.trim()}
              loading={command.isPending}
              onClick={() => command.mutate({ verb: "assign", user: user.trim() }, done)}
              data-testid="alert-assign-confirm"
            >
              Assign
            </Button>
          )}
          {dialog === "escalate" && (
            <Button
              size="xs"
              color="orange"
              disabled={!user.trim()}
              loading={command.isPending}
              onClick={() => command.mutate({ verb: "escalate", user: user.trim(), note }, done)}
              data-testid="alert-escalate-confirm"
            >
              Escalate
            </Button>
          )}
          {dialog === "resolve" && (
            <>
              <Button
                size="xs"
                color="gray"
                loading={
                  command.isPending &&
                  command.variables?.verb === "resolve" &&
                  command.variables.resolution === "false_positive"
                }
                onClick={() => command.mutate({ verb: "resolve", resolution: "false_positive", note }, done)}
                data-testid="alert-resolution-false-positive"
              >
                False positive
              </Button>
              <Button
                size="xs"
                color="teal"
                loading={
                  command.isPending &&
                  command.variables?.verb === "resolve" &&
                  command.variables.resolution === "resolved"
                }
                onClick={() => command.mutate({ verb: "resolve", resolution: "resolved", note }, done)}
                data-testid="alert-resolution-resolved"
              >
                Resolved
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
