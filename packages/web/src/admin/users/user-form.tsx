import { PasswordInput, Select, TextInput } from "@mantine/core";
import { useState } from "react";
import { FormModal } from "../../components/form-modal.js";
import { changedFields, clientFromSelect, optionalText } from "../admin-format.js";
import { ADMIN_KEYS, useSaveMutation, useViewer } from "../admin-queries.js";
import { type AdminRole, type AdminUser, ROLES } from "../admin-types.js";
import { ClientSelect } from "../client-select.js";

/** The server's minimum (auth/secrets.ts), said before the round trip. */
export const MIN_PASSWORD_LENGTH = 12;

const ROLE_HELP: Record<AdminRole, string> = {
  admin: "Everything, including users, keys and settings",
  supervisor: "Analyst, plus alert rules, channels and scenarios",
  analyst: "Triage events and alerts, ban and unban",
  audit: "Read only",
};
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: `${r} — ${ROLE_HELP[r]}` }));

/** Counts on the clients page move with a user's client. */
const REFRESH = [ADMIN_KEYS.users, ADMIN_KEYS.clients];

/** Creates a user (`user` null) or changes one's role, client and email. */
export function UserForm({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  const viewer = useViewer();
  const initial = {
    role: user?.role ?? ("analyst" as AdminRole),
    // A client's admin creates users of their own client.
    client: user ? (user.client ?? null) : viewer.client,
    email: user?.email ?? "",
  };
  const [form, setForm] = useState(initial);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const save = useSaveMutation("/api/v1/users", user?.id, REFRESH, onClose);
  const submit = () => {
    const next = { ...form, email: optionalText(form.email) };
    if (user) {
      save.mutate(changedFields({ ...initial, email: optionalText(initial.email) }, next));
      return;
    }
    // Staff is the server's default: a server without clients would refuse the field.
    const body: Record<string, unknown> = { username: username.trim(), password, role: next.role };
    if (next.email !== null) body.email = next.email;
    if (next.client !== null) body.client = next.client;
    save.mutate(body);
  };
  const passwordShort = password !== "" && password.length < MIN_PASSWORD_LENGTH;
  const unchanged = user !== null && Object.keys(changedFields(initial, form)).length === 0;
  return (
    <FormModal
      opened
      title={user ? `Edit ${user.username}` : "New user"}
      onClose={onClose}
      onSubmit={submit}
      error={save.error}
      submitLabel={user ? "Save" : "Create"}
      submitting={save.isPending}
      canSubmit={user ? !unchanged : username.trim() !== "" && password.length >= MIN_PASSWORD_LENGTH}
      testId="user-form"
    >
      {!user && (
        <>
          <TextInput
            label="Username"
            required
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-testid="user-username"
          />
          <PasswordInput
            label="Password"
            required
            autoComplete="new-password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters`}
            error={passwordShort ? `At least ${MIN_PASSWORD_LENGTH} characters` : null}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="user-password"
          />
        </>
      )}
      <Select
        label="Role"
        data={ROLE_OPTIONS}
        value={form.role}
        onChange={(v) => v && setForm((f) => ({ ...f, role: v as AdminRole }))}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-testid="user-role"
      />
      <ClientSelect
        withStaff
        description="A client's users see only that client's sites; operator staff see all"
        value={form.client}
        onChange={(v) => setForm((f) => ({ ...f, client: clientFromSelect(v) }))}
        testId="user-client"
      />
      <TextInput
        label="Email"
        type="email"
        value={form.email}
        onChange={(e) => setForm((f) => ({ ...f, email: e.currentTarget.value }))}
        data-testid="user-email"
      />
    </FormModal>
  );
}

/** Sets a new password for someone who lost theirs; their sessions are the server's business. */
export function PasswordForm({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const save = useSaveMutation("/api/v1/users", user.id, REFRESH, onClose);
  return (
    <FormModal
      opened
      title={`New password for ${user.username}`}
      onClose={onClose}
      onSubmit={() => save.mutate({ password })}
      error={save.error}
      submitLabel="Set password"
      submitting={save.isPending}
      canSubmit={password.length >= MIN_PASSWORD_LENGTH}
      testId="password-form"
    >
      <PasswordInput
        label="New password"
        required
        autoComplete="new-password"
        description={`At least ${MIN_PASSWORD_LENGTH} characters. Tell it to them another way than email.`}
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        data-testid="password-new"
      />
    </FormModal>
  );
}
