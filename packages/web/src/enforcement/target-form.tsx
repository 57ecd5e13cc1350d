import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Stack,
  Switch,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { EnforcementTarget, TargetType } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { SitesMultiSelect } from "../components/site-select.js";

interface FormState {
  name: string;
  type: TargetType;
  enabled: boolean;
  url: string;
  username: string;
  /** Write-only: empty on edit means "keep the stored one". */
  password: string;
  verify_tls: boolean;
  secret: string;
  /** Bound sites; empty: every ban. */
  sites: string[];
}

const str = (v: unknown): string => (typeof v === "string" && v !== "********" ? v : "");

function initial(target: EnforcementTarget | null): FormState {
  const c = target?.config ?? {};
  return {
    name: target?.name ?? "",
    type: target?.type ?? "sophos_xgs",
    enabled: target?.enabled ?? true,
    url: str(c.url),
    username: str(c.username),
    password: "",
    verify_tls: c.verify_tls !== false,
    secret: "",
    sites: target?.sites ?? [],
  };
}

/** Adds or edits a Sophos XGS (XML API) or webhook target. Secrets are never shown back, only replaced. */
export function TargetForm({
  opened,
  target,
  onClose,
}: {
  opened: boolean;
  target: EnforcementTarget | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={target ? `Edit ${target.name}` : "Add an enforcement target"}
    >
      {opened && <TargetFormBody key={target?.id ?? "new"} target={target} onClose={onClose} />}
    </Modal>
  );
}

function TargetFormBody({ target, onClose }: { target: EnforcementTarget | null; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => initial(target));
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      target
        ? api.put(`/api/v1/enforcement/targets/${encodeURIComponent(target.id)}`, body)
        : api.post("/api/v1/enforcement/targets", body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["enforcement"] });
      onClose();
    },
  });
  const editing = target !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const config: Record<string, unknown> =
      form.type === "sophos_xgs"
        ? { url: form.url.trim(), username: form.username.trim(), verify_tls: form.verify_tls }
        : { url: form.url.trim() };
    // Leaving a secret empty on edit keeps the stored one (the server masks it as "********").
    if (form.type === "sophos_xgs") config.password = form.password || (editing ? "********" : "");
    else config.secret = form.secret || (editing ? "********" : "");
    save.mutate({
      name: form.name.trim(),
      type: form.type,
      enabled: form.enabled,
      config,
      sites: form.sites,
    });
  };

  const xgs = form.type === "sophos_xgs";
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        {save.error && (
          <Alert color="red" variant="light">
            {errorMessage(save.error)}
          </Alert>
        )}
        <SegmentedControl
          size="xs"
          data={[
            { value: "sophos_xgs", label: "Sophos XGS" },
            { value: "webhook", label: "Webhook" },
          ]}
          value={form.type}
          onChange={(v) => set("type", v as TargetType)}
          disabled={editing}
        />
        <TextInput
          label="Name"
          required
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
          data-testid="target-name"
        />
        <TextInput
          label={xgs ? "Firewall admin URL" : "Webhook URL"}
          placeholder={xgs ? "https://fw.example:4444" : "https://hooks.example/vigil"}
          required
          value={form.url}
          onChange={(e) => set("url", e.currentTarget.value)}
          data-testid="target-url"
        />
        {xgs ? (
          <>
            <TextInput
              label="API username"
              required
              value={form.username}
              onChange={(e) => set("username", e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              description={
                editing ? "Leave empty to keep the stored password." : "Stored encrypted; never shown again."
              }
              required={!editing}
              value={form.password}
              onChange={(e) => set("password", e.currentTarget.value)}
              autoComplete="new-password"
            />
            <Switch
              label="Verify the firewall's TLS certificate"
              description="Turn off only for the self-signed certificate of a firewall you trust."
              checked={form.verify_tls}
              onChange={(e) => set("verify_tls", e.currentTarget.checked)}
            />
          </>
        ) : (
          <PasswordInput
            label="Signing secret"
            description={
              editing ? "Leave empty to keep the stored secret." : "Used to sign each delivery (HMAC)."
            }
            value={form.secret}
            onChange={(e) => set("secret", e.currentTarget.value)}
            autoComplete="new-password"
          />
        )}
        <SitesMultiSelect value={form.sites} onChange={(v) => set("sites", v)} testId="target-sites" />
        <Switch
          label="Enabled"
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!form.name.trim() || !form.url.trim()}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
