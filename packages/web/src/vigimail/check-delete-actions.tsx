import { Button, Group } from "@mantine/core";
import { ConfirmButton } from "../components/row-actions.js";

/** The part of a mutation the row buttons read: which item it runs for, and whether it runs. */
interface ItemMutation {
  mutate(item: string): void;
  isPending: boolean;
  variables: string | undefined;
}

/**
 * A monitored item's row buttons (a domain or a mailbox): Check it now, and Delete it after a
 * confirmation that says what is lost. Nothing is shown to someone who may not act.
 */
export function CheckDeleteActions(p: {
  item: string;
  canAct: boolean;
  check: ItemMutation;
  remove: ItemMutation;
  /** What deleting loses, in the confirmation. */
  confirm: string;
  /** data-testid prefix: `<prefix>-check`, `<prefix>-delete`. */
  testPrefix: string;
}) {
  if (!p.canAct) return null;
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button
        size="compact-xs"
        variant="light"
        loading={p.check.isPending && p.check.variables === p.item}
        onClick={() => p.check.mutate(p.item)}
        data-testid={`${p.testPrefix}-check`}
      >
        Check
      </Button>
      <ConfirmButton
        confirm={p.confirm}
        onConfirm={() => p.remove.mutate(p.item)}
        loading={p.remove.isPending && p.remove.variables === p.item}
        testId={`${p.testPrefix}-delete`}
      >
        Delete
      </ConfirmButton>
    </Group>
  );
}
