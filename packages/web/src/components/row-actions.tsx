import { Button } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A row's action that cannot be undone (Delete, Revoke, Reset MFA): asks first with the browser's
 * confirmation, whose text says what goes and what stays.
 */
export function ConfirmButton(p: {
  confirm: string;
  onConfirm: () => void;
  loading?: boolean;
  disabled?: boolean;
  color?: string;
  variant?: "subtle" | "default";
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Button
      size="compact-xs"
      variant={p.variant ?? "subtle"}
      color={p.variant === "default" ? undefined : (p.color ?? "red")}
      loading={p.loading ?? false}
      disabled={p.disabled ?? false}
      onClick={() => {
        if (window.confirm(p.confirm)) p.onConfirm();
      }}
      data-testid={p.testId}
    >
      {p.children}
    </Button>
  );
}

/** A row's Edit and Delete buttons (Delete asked first); the caller's Group lays them out. */
export function EditDeleteButtons(p: {
  onEdit: () => void;
  confirmDelete: string;
  onDelete: () => void;
  deleting?: boolean;
  /** Prefix of the test hooks: `<testId>-edit`, `<testId>-delete`. */
  testId?: string;
}) {
  return (
    <>
      <Button
        size="compact-xs"
        variant="default"
        onClick={p.onEdit}
        data-testid={p.testId ? `${p.testId}-edit` : undefined}
      >
        Edit
      </Button>
      <ConfirmButton
        confirm={p.confirmDelete}
        onConfirm={p.onDelete}
        loading={p.deleting ?? false}
        testId={p.testId ? `${p.testId}-delete` : undefined}
      >
        Delete
      </ConfirmButton>
    </>
  );
}
