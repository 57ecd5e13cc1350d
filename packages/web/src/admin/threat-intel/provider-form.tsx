import { Checkbox, NumberInput, PasswordInput, SegmentedControl, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { FormModal } from "../../components/form-modal.js";
import { apiPath, useAdminMutation } from "../admin-queries.js";
import {
  changeOf,
  keyText,
  type LimitMode,
  limitModeOf,
  PROVIDERS_KEY,
  type ProviderChange,
  type ProviderForm,
  type ProviderSetting,
  providerLabel,
} from "./threat-settings-types.js";

/**
 * A provider's key and daily limit. The key field is a password field and starts empty every time:
 * the server never sends a key back, and typing one replaces whatever is set. Removing the console's
 * key falls back to the environment's, if any.
 */
export function ProviderSettingsForm({
  provider,
  onClose,
}: {
  provider: ProviderSetting;
  onClose: () => void;
}) {
  const api = useApi();
  const [form, setForm] = useState<ProviderForm>({
    key: "",
    removeKey: false,
    limitMode: limitModeOf(provider),
    limit: provider.daily_limit ?? provider.default_limit ?? "",
  });
  const save = useAdminMutation(
    (body: ProviderChange) => api.put(apiPath("/api/v1/threats/providers", provider.name), body),
    [PROVIDERS_KEY],
    onClose,
  );
  const change = changeOf(provider, form);
  const defaultText =
    provider.default_limit === null ? "no limit" : `${provider.default_limit.toLocaleString()} a day`;
  return (
    <FormModal
      opened
      title={`${providerLabel(provider.name)}: key and quota`}
      onClose={onClose}
      onSubmit={() => save.mutate(change)}
      error={save.error}
      submitLabel="Save"
      submitting={save.isPending}
      canSubmit={Object.keys(change).length > 0}
      testId="threat-provider-form"
    >
      <Stack gap={4}>
        <PasswordInput
          label={provider.key_set ? "Replace the API key" : "API key"}
          description={`Now: ${keyText(provider)}. A key set here wins over VIGIL_TI_${provider.name.toUpperCase()}_KEY and is never shown again.`}
          placeholder={provider.key_set ? "leave empty to keep the current key" : "paste the key"}
          autoComplete="new-password"
          value={form.key}
          disabled={form.removeKey}
          onChange={(e) => {
            const key = e.currentTarget.value;
            setForm((f) => ({ ...f, key }));
          }}
          data-testid="threat-provider-key"
        />
        {provider.key_source === "console" && (
          <Checkbox
            label="Remove the key set in the console"
            checked={form.removeKey}
            onChange={(e) => {
              const removeKey = e.currentTarget.checked;
              setForm((f) => ({ ...f, removeKey, key: "" }));
            }}
            data-testid="threat-provider-remove-key"
          />
        )}
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Daily limit (calls per UTC day)
        </Text>
        <SegmentedControl
          size="xs"
          value={form.limitMode}
          onChange={(v) => setForm((f) => ({ ...f, limitMode: v as LimitMode }))}
          data={[
            { value: "default", label: `Default (${defaultText})` },
            { value: "custom", label: "Custom" },
            { value: "none", label: "No limit" },
          ]}
          data-testid="threat-provider-limit-mode"
        />
        {form.limitMode === "custom" && (
          <NumberInput
            min={0}
            max={100_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={form.limit}
            onChange={(v) => setForm((f) => ({ ...f, limit: typeof v === "number" ? v : "" }))}
            data-testid="threat-provider-limit"
          />
        )}
      </Stack>
    </FormModal>
  );
}
