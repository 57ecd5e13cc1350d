import { Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { FormModal } from "../../components/form-modal.js";
import { changedFields, nameProblem, optionalText } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation } from "../admin-queries.js";
import type { Client } from "../admin-types.js";

/** A rename moves the client's sites and users with it (the server cascades), so all three refresh. */
const REFRESH = [ADMIN_KEYS.clients, ADMIN_KEYS.sites, ADMIN_KEYS.users];

/** Creates a client (`client` null) or renames one and changes its description. */
export function ClientForm({ client, onClose }: { client: Client | null; onClose: () => void }) {
  const api = useApi();
  const initial = { name: client?.name ?? "", description: client?.description ?? "" };
  const [form, setForm] = useState(initial);
  const save = useAdminMutation(
    (body: Record<string, unknown>) =>
      client ? api.put(apiPath("/api/v1/clients", client.name), body) : api.post("/api/v1/clients", body),
    REFRESH,
    onClose,
  );
  const name = form.name.trim();
  const problem = nameProblem(name);
  const changes = changedFields(initial, { name, description: form.description });
  const submit = () => {
    const body: Record<string, unknown> = { ...changes };
    if ("description" in body) body.description = optionalText(form.description);
    save.mutate(client ? body : { name, description: optionalText(form.description) });
  };
  return (
    <FormModal
      opened
      title={client ? `Edit client ${client.name}` : "New client"}
      onClose={onClose}
      onSubmit={submit}
      error={save.error}
      submitLabel={client ? "Save" : "Create"}
      submitting={save.isPending}
      canSubmit={name !== "" && problem === null && (client === null || Object.keys(changes).length > 0)}
      testId="client-form"
    >
      <TextInput
        label="Name"
        required
        description={client ? "Renaming keeps its sites and users" : "Lowercase, e.g. acme-corp"}
        value={form.name}
        error={problem}
        onChange={(e) => setForm((f) => ({ ...f, name: e.currentTarget.value }))}
        data-testid="client-name"
      />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        value={form.description}
        onChange={(e) => setForm((f) => ({ ...f, description: e.currentTarget.value }))}
        data-testid="client-description"
      />
    </FormModal>
  );
}
