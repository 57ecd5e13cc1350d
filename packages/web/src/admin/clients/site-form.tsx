import { Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { FormModal } from "../../components/form-modal.js";
import { changedFields, nameProblem, optionalText } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation } from "../admin-queries.js";
import type { AdminSite } from "../admin-types.js";
import { ClientSelect } from "../client-select.js";

/** ["sites"] also refreshes the Sources page's site list; clients count their sites. */
const REFRESH = [["sites"], ADMIN_KEYS.clients];

/** Creates a site (`site` null; `client` preselected when the list is filtered) or edits one. */
export function SiteForm({
  site,
  client,
  onClose,
}: {
  site: AdminSite | null;
  client: string | null;
  onClose: () => void;
}) {
  const api = useApi();
  const initial = { client: site?.client ?? client, description: site?.description ?? "" };
  const [form, setForm] = useState(initial);
  const [name, setName] = useState("");
  const save = useAdminMutation(
    (body: Record<string, unknown>) =>
      site ? api.put(apiPath("/api/v1/sites", site.name), body) : api.post("/api/v1/sites", body),
    REFRESH,
    onClose,
  );
  const problem = nameProblem(name.trim());
  const changes = changedFields(initial, form);
  const submit = () => {
    const body: Record<string, unknown> = site
      ? { ...changes }
      : { name: name.trim(), client: form.client, description: optionalText(form.description) };
    if (site && "description" in body) body.description = optionalText(form.description);
    save.mutate(body);
  };
  return (
    <FormModal
      opened
      title={site ? `Edit site ${site.name}` : "New site"}
      onClose={onClose}
      onSubmit={submit}
      error={save.error}
      submitLabel={site ? "Save" : "Create"}
      submitting={save.isPending}
      canSubmit={
        site
          ? Object.keys(changes).length > 0
          : name.trim() !== "" && problem === null && form.client !== null
      }
      testId="site-form"
    >
      {!site && (
        <TextInput
          label="Name"
          required
          description="Lowercase letters, digits, '.', '_' and '-'; senders and API keys refer to it"
          value={name}
          error={problem}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="site-name"
        />
      )}
      <ClientSelect
        withStaff={false}
        value={form.client}
        onChange={(v) => setForm((f) => ({ ...f, client: v }))}
        testId="site-client"
      />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        value={form.description}
        onChange={(e) => setForm((f) => ({ ...f, description: e.currentTarget.value }))}
        data-testid="site-description"
      />
    </FormModal>
  );
}
