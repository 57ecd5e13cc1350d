import { TextInput } from "@mantine/core";
import { useState } from "react";
import { FormModal } from "../../components/form-modal.js";
import { changedFields, nameProblem, optionalText } from "../admin-format.js";
import { ADMIN_KEYS, useSaveMutation } from "../admin-queries.js";
import type { Client } from "../admin-types.js";
import { DescriptionField } from "./description-field.js";

/** A rename moves the client's sites and users with it (the server cascades), so all three refresh. */
const REFRESH = [ADMIN_KEYS.clients, ADMIN_KEYS.sites, ADMIN_KEYS.users];

/** Creates a client (`client` null) or renames one and changes its description. */
export function ClientForm({ client, onClose }: { client: Client | null; onClose: () => void }) {
  const initial = { name: client?.name ?? "", description: client?.description ?? "" };
  const [form, setForm] = useState(initial);
  const save = useSaveMutation("/api/v1/clients", client?.name, REFRESH, onClose);
  const next = { name: form.name.trim(), description: form.description };
  const changes = changedFields(initial, next);
  const problem = nameProblem(next.name);
  const submit = () => {
    const body: Record<string, unknown> = client ? changes : { ...next };
    if ("description" in body) body.description = optionalText(form.description);
    save.mutate(body);
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
      canSubmit={next.name !== "" && problem === null && Object.keys(changes).length > 0}
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
      <DescriptionField
        value={form.description}
        onChange={(description) => setForm((f) => ({ ...f, description }))}
        testId="client-description"
      />
    </FormModal>
  );
}
