import { Badge, Button, Group, Table } from "@mantine/core";
import { useState } from "react";
import { useApi, useAuth } from "../../auth/auth-context.js";
import { ErrorNote } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { ConfirmButton } from "../../components/row-actions.js";
import { clientLabel, reportsMfa, timeOrNever } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation, useUsers } from "../admin-queries.js";
import type { AdminUser } from "../admin-types.js";
import { SettingsPage } from "../settings-layout.js";
import { PasswordForm, UserForm } from "./user-form.js";

type Dialog = { kind: "create" } | { kind: "edit"; user: AdminUser } | { kind: "password"; user: AdminUser };

const REFRESH = [ADMIN_KEYS.users, ADMIN_KEYS.clients];
const NOWRAP = { whiteSpace: "nowrap" } as const;

export function UsersPage() {
  const api = useApi();
  const { user: me } = useAuth();
  const users = useUsers();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const setActive = useAdminMutation(
    (v: { id: string; active: boolean }) => api.put(apiPath("/api/v1/users", v.id), { is_active: v.active }),
    REFRESH,
  );
  const resetMfa = useAdminMutation(
    (id: string) => api.post(`${apiPath("/api/v1/users", id)}/mfa/reset`),
    REFRESH,
  );
  const remove = useAdminMutation((id: string) => api.delete(apiPath("/api/v1/users", id)), REFRESH);
  const failed = setActive.error ?? resetMfa.error ?? remove.error;
  const mfa = reportsMfa(users.data ?? []);
  const busy = (id: string) =>
    (setActive.isPending && setActive.variables?.id === id) ||
    (resetMfa.isPending && resetMfa.variables === id) ||
    (remove.isPending && remove.variables === id);

  return (
    <SettingsPage
      title="Users"
      description="People who sign in to the console. A client's users see only that client's sites; operator staff see every client."
      action={{ label: "New user", onClick: () => setDialog({ kind: "create" }), testId: "user-new" }}
    >
      {failed ? <ErrorNote title="Not done" error={failed} /> : null}
      <QueryTable
        query={users}
        testId="users-table"
        columns={["Username", "Role", "Client", "Email", "Active", ...(mfa ? ["MFA"] : []), "Last login", ""]}
        empty="No users."
        minWidth={mfa ? 900 : 840}
      >
        {(items) =>
          items.map((u) => (
            <Table.Tr
              key={u.id}
              data-testid="user-row"
              data-username={u.username}
              data-active={String(u.is_active)}
              opacity={u.is_active ? 1 : 0.55}
            >
              <Table.Td fw={600} style={NOWRAP}>
                {u.username}
              </Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" style={{ overflow: "visible" }} data-testid="user-role-cell">
                  {u.role}
                </Badge>
              </Table.Td>
              <Table.Td data-testid="user-client-cell" c={u.client ? undefined : "dimmed"} style={NOWRAP}>
                {clientLabel(u.client)}
              </Table.Td>
              <Table.Td>{u.email ?? ""}</Table.Td>
              <Table.Td data-testid="user-active-cell">{u.is_active ? "yes" : "disabled"}</Table.Td>
              {mfa && <Table.Td>{u.mfa_enabled ? "on" : "off"}</Table.Td>}
              <Table.Td className="num">{timeOrNever(u.last_login)}</Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => setDialog({ kind: "edit", user: u })}
                    data-testid="user-edit"
                  >
                    Edit
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => setDialog({ kind: "password", user: u })}
                    data-testid="user-password-reset"
                  >
                    Reset password
                  </Button>
                  {mfa && u.mfa_enabled && (
                    <ConfirmButton
                      variant="default"
                      confirm={`Turn off MFA for ${u.username}? They set it up again at their next sign-in.`}
                      onConfirm={() => resetMfa.mutate(u.id)}
                      disabled={busy(u.id)}
                      testId="user-mfa-reset"
                    >
                      Reset MFA
                    </ConfirmButton>
                  )}
                  {u.id !== me?.id && (
                    <>
                      <Button
                        size="compact-xs"
                        variant="default"
                        disabled={busy(u.id)}
                        onClick={() => setActive.mutate({ id: u.id, active: !u.is_active })}
                        data-testid="user-toggle-active"
                      >
                        {u.is_active ? "Disable" : "Enable"}
                      </Button>
                      <ConfirmButton
                        confirm={`Delete the user ${u.username}? Their audit trail stays.`}
                        onConfirm={() => remove.mutate(u.id)}
                        disabled={busy(u.id)}
                        testId="user-delete"
                      >
                        Delete
                      </ConfirmButton>
                    </>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
      {dialog?.kind === "create" && <UserForm user={null} onClose={() => setDialog(null)} />}
      {dialog?.kind === "edit" && <UserForm user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === "password" && <PasswordForm user={dialog.user} onClose={() => setDialog(null)} />}
    </SettingsPage>
  );
}
