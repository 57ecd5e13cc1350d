import { Checkbox, Group, Select, TextInput } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { FormModal } from "../../components/form-modal.js";
import { ADMIN_KEYS, useAdminMutation, useAdminSites } from "../admin-queries.js";
import { API_KEY_SCOPES, type ApiKeyScope, type CreatedApiKey } from "../admin-types.js";

const SCOPE_HELP: Record<ApiKeyScope, string> = {
  ingest: "send events (HTTP ingest)",
  metrics: "read /metrics",
  read: "read events, alerts and bans",
  blocklist: "fetch the blocklist (firewalls, bouncers)",
};

/** Creates a key; the answer (with the key, sent this once) goes to `onCreated` for showing. */
export function ApiKeyForm({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const api = useApi();
  const sites = useAdminSites();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["ingest"]);
  const [site, setSite] = useState<string | null>(null);
  const create = useAdminMutation(
    (body: { name: string; scopes: string[]; site?: string }) =>
      api.post<CreatedApiKey>("/api/v1/api-keys", body),
    [ADMIN_KEYS.apiKeys],
    onCreated,
  );
  const submit = () => create.mutate({ name: name.trim(), scopes, ...(site ? { site } : {}) });
  return (
    <FormModal
      opened
      title="New API key"
      onClose={onClose}
      onSubmit={submit}
      error={create.error}
      submitLabel="Create key"
      submitting={create.isPending}
      canSubmit={name.trim() !== "" && scopes.length > 0}
      testId="api-key-form"
    >
      <TextInput
        label="Name"
        required
        description="What uses it, e.g. 'paris-xgs ingest'"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        data-testid="api-key-name"
      />
      <Checkbox.Group label="Scopes" withAsterisk value={scopes} onChange={setScopes}>
        <Group gap="md" mt={4}>
          {API_KEY_SCOPES.map((s) => (
            <Checkbox key={s} value={s} label={s} title={SCOPE_HELP[s]} data-testid={`api-key-scope-${s}`} />
          ))}
        </Group>
      </Checkbox.Group>
      <Select
        label="Site"
        description="A key bound to a site sends to and reads only that site"
        placeholder="No site: every site"
        clearable
        searchable
        data={(sites.data ?? []).map((s) => ({ value: s.name, label: `${s.name} (${s.client})` }))}
        value={site}
        onChange={setSite}
        comboboxProps={{ withinPortal: true }}
        data-testid="api-key-site"
      />
    </FormModal>
  );
}
