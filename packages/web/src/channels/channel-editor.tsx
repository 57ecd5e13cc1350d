import {
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import type { Severity } from "../api/types.js";
import { EditorFooter } from "../components/editor-footer.js";
import { SEVERITY_ORDER } from "../severity.js";
import {
  applyPreset,
  type ChannelForm,
  channelToForm,
  EMPTY_CHANNEL_FORM,
  formToChannelInput,
  SMTP_PRESETS,
  secretPlaceholder,
} from "./channel-form.js";
import { useChannelActions } from "./channel-queries.js";
import type { ChannelType, ChannelView } from "./channel-types.js";

export interface ChannelTarget {
  /** null = a new channel. */
  channel: ChannelView | null;
}

const TYPES: { value: ChannelType; label: string }[] = [
  { value: "email", label: "Email" },
  { value: "slack", label: "Slack" },
  { value: "webhook", label: "Webhook" },
];

export function ChannelEditor({ target, onClose }: { target: ChannelTarget | null; onClose: () => void }) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target?.channel ? target.channel.name : "New channel"}
      size="lg"
    >
      {target && <EditorBody key={target.channel?.id ?? "new"} channel={target.channel} onClose={onClose} />}
    </Modal>
  );
}

function EditorBody({ channel, onClose }: { channel: ChannelView | null; onClose: () => void }) {
  const { save, remove } = useChannelActions();
  const [form, setForm] = useState<ChannelForm>(() =>
    channel ? channelToForm(channel) : { ...EMPTY_CHANNEL_FORM },
  );
  const set = <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const secrets = channel?.secrets_set ?? [];
  const submit = () =>
    save.mutate({ id: channel?.id ?? null, input: formToChannelInput(form) }, { onSuccess: onClose });

  return (
    <Stack gap="sm" data-testid="channel-editor">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <TextInput
          label="Name"
          required
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
          data-testid="channel-name"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Type
          </Text>
          <SegmentedControl
            size="xs"
            data={TYPES}
            value={form.type}
            onChange={(v) => set("type", v as ChannelType)}
            // The type of a stored channel is fixed: its secrets belong to that type.
            disabled={channel !== null}
            data-testid="channel-type"
          />
        </Stack>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <Select
          label="Also receives alerts without channels of their own at or above"
          description="Scenario, pending-ban and system alerts"
          placeholder="none"
          data={[...SEVERITY_ORDER]}
          value={form.min_severity}
          onChange={(v) => set("min_severity", (v as Severity | null) ?? null)}
          clearable
          data-testid="channel-min-severity"
        />
        <Switch
          mt={28}
          label="Enabled"
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
          data-testid="channel-enabled"
        />
      </SimpleGrid>
      {form.type === "email" && <EmailFields form={form} set={set} setForm={setForm} secrets={secrets} />}
      {form.type === "slack" && (
        <PasswordInput
          label="Incoming webhook URL"
          description="From Slack: Apps → Incoming Webhooks. It carries its own token, so it is stored sealed."
          placeholder={secretPlaceholder(secrets, "url", "https://hooks.slack.com/services/…")}
          value={form.url}
          onChange={(e) => set("url", e.currentTarget.value)}
          data-testid="channel-slack-url"
        />
      )}
      {form.type === "webhook" && (
        <>
          <TextInput
            label="URL"
            placeholder="https://receiver.example.com/vigil"
            value={form.url}
            onChange={(e) => set("url", e.currentTarget.value)}
            data-testid="channel-webhook-url"
          />
          <PasswordInput
            label="Signing secret"
            description="Requests carry X-Vigil-Signature: HMAC-SHA256 of the body with this secret (16 characters or more)."
            placeholder={secretPlaceholder(secrets, "secret", "a long random string")}
            value={form.secret}
            onChange={(e) => set("secret", e.currentTarget.value)}
            data-testid="channel-webhook-secret"
          />
        </>
      )}
      <EditorFooter
        testId="channel"
        error={save.error ?? remove.error}
        onDelete={channel ? () => remove.mutate(channel.id, { onSuccess: onClose }) : undefined}
        confirmDelete={`Delete the channel “${channel?.name ?? ""}”?`}
        deleting={remove.isPending}
        onSave={submit}
        saving={save.isPending}
        onClose={onClose}
        closeLabel="Cancel"
      />
    </Stack>
  );
}

function EmailFields({
  form,
  set,
  setForm,
  secrets,
}: {
  form: ChannelForm;
  set: <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) => void;
  setForm: (update: (f: ChannelForm) => ChannelForm) => void;
  secrets: readonly string[];
}) {
  return (
    <>
      <Group gap="xs">
        <Text size="xs" c="dimmed">
          Presets:
        </Text>
        {SMTP_PRESETS.map((p) => (
          <Button
            key={p.label}
            size="compact-xs"
            variant="default"
            onClick={() => setForm((f) => applyPreset(f, p))}
            data-testid={`channel-preset-${p.label.toLowerCase().replace(/\s+/g, "-")}`}
          >
            {p.label}
          </Button>
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="xs">
        <TextInput
          label="SMTP host"
          value={form.host}
          onChange={(e) => set("host", e.currentTarget.value)}
          style={{ gridColumn: "span 2" }}
          data-testid="channel-smtp-host"
        />
        <NumberInput
          label="Port"
          min={1}
          max={65535}
          value={form.port}
          onChange={(v) => set("port", typeof v === "number" ? v : Number(v) || 0)}
          data-testid="channel-smtp-port"
        />
        <Stack gap={6} pt={4}>
          <Switch
            size="xs"
            label="TLS (465)"
            checked={form.secure}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setForm((f) => ({ ...f, secure: on, starttls: on ? false : f.starttls }));
            }}
            data-testid="channel-smtp-secure"
          />
          <Switch
            size="xs"
            label="STARTTLS (587)"
            checked={form.starttls}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setForm((f) => ({ ...f, starttls: on, secure: on ? false : f.secure }));
            }}
            data-testid="channel-smtp-starttls"
          />
        </Stack>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <TextInput
          label="Username"
          value={form.username}
          onChange={(e) => set("username", e.currentTarget.value)}
          autoComplete="off"
          data-testid="channel-smtp-username"
        />
        <PasswordInput
          label="Password"
          placeholder={secretPlaceholder(secrets, "password", "")}
          value={form.password}
          onChange={(e) => set("password", e.currentTarget.value)}
          autoComplete="new-password"
          data-testid="channel-smtp-password"
        />
      </SimpleGrid>
      <TextInput
        label="From"
        placeholder="vigil@example.com"
        value={form.from}
        onChange={(e) => set("from", e.currentTarget.value)}
        data-testid="channel-smtp-from"
      />
      <Textarea
        label="To"
        description="One address per line (or separated by commas)"
        value={form.to}
        onChange={(e) => set("to", e.currentTarget.value)}
        autosize
        minRows={2}
        data-testid="channel-smtp-to"
      />
    </>
  );
}
