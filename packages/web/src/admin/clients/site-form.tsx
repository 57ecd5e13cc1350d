import { TextInput } from "@mantine/core";
import { useState } from "react";
import { FormModal } from "../../components/form-modal.js";
import { changedFields, nameProblem, optionalText } from "../admin-format.js";
import { ADMIN_KEYS, useSaveMutation, useViewer } from "../admin-queries.js";
import type { AdminSite } from "../admin-types.js";
import { ClientSelect } from "../client-select.js";
import { DescriptionField } from "./description-field.js";

/** ["sites"] also refreshes the Sources page's site list; clients count their sites. */
const REFRESH = [["sites"], ADMIN_KEYS.clients];

/** Creates a site (`site` null; `client` preselected when the list is filtered) or edits one. */
export function SiteForm(p: { site: AdminSite | null; client: string | null; onClose: () => void }) {
  const { site } = p;
  const viewer = useViewer();
  const initial = {
    name: site?.name ?? "",
    // A client's admin adds sites to their own client.
    client: site?.client ?? p.client ?? viewer.client,
    description: site?.description ?? "",
  };
  const [form, setForm] = useState(initial);
  const save = useSaveMutation("/api/v1/sites", site?.name, REFRESH, p.onClose);
  const next = { ...form, name: form.name.trim() };
  const changes = changedFields(initial, next);
  const problem = nameProblem(next.name);
  const submit = () => {
    // An edit sends what changed; the name is fixed once senders and keys refer to it.
    const body: Record<string, unknown> = site ? changes : { ...next };
    if ("description" in body) body.description = optionalText(form.description);
    save.mutate(body);
  };
  return (
    <FormModal
      opened
      title={site ? `Edit site ${site.name}` : "New site"}
      onClose={p.onClose}
      onSubmit={submit}
      error={save.error}
      submitLabel={site ? "Save" : "Create"}
      submitting={save.isPending}
      canSubmit={
        next.name !== "" && problem === null && next.client !== null && Object.keys(changes).length > 0
      }
      testId="site-form"
    >
      {!site && (
        <TextInput
          label="Name"
          required
          description="Lowercase letters, digits, '.', '_' and '-'; senders and API keys refer to it"
          value={form.name}
          error={problem}
          onChange={(e) => setForm((f) => ({ ...f, name: e.currentTarget.value }))}
          data-testid="site-name"
        />
      )}
      <ClientSelect
        withStaff={false}
        value={form.client}
        onChange={(client) => setForm((f) => ({ ...f, client }))}
        testId="site-client"
      />
      <DescriptionField
        value={form.description}
        onChange={(description) => setForm((f) => ({ ...f, description }))}
        testId="site-description"
      />
    </FormModal>
  );
}
