import { Alert, Button, Group, Modal, NumberInput, Select, Stack, Switch, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { Feed } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";

interface FormState {
  name: string;
  url: string;
  format: Feed["format"];
  refresh_minutes: number | string;
  enabled: boolean;
  sync_to_xgs: boolean;
}

/** Subscribes to (or edits) a blocklist feed: plain IP/CIDR lines or CrowdSec decision JSON. */
export function FeedForm({
  opened,
  feed,
  onClose,
}: {
  opened: boolean;
  feed: Feed | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={feed ? `Edit ${feed.name}` : "Subscribe to a feed"}>
      {opened && <FeedFormBody key={feed?.id ?? "new"} feed={feed} onClose={onClose} />}
    </Modal>
  );
}

function FeedFormBody({ feed, onClose }: { feed: Feed | null; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>({
    name: feed?.name ?? "",
    url: feed?.url ?? "",
    format: feed?.format ?? "plain",
    refresh_minutes: feed?.refresh_minutes ?? 60,
    enabled: feed?.enabled ?? true,
    sync_to_xgs: feed?.sync_to_xgs ?? false,
  });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      feed ? api.put(`/api/v1/feeds/${encodeURIComponent(feed.id)}`, body) : api.post("/api/v1/feeds", body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["feeds"] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      name: form.name.trim(),
      url: form.url.trim(),
      format: form.format,
      refresh_minutes: typeof form.refresh_minutes === "number" ? form.refresh_minutes : 60,
      enabled: form.enabled,
      sync_to_xgs: form.sync_to_xgs,
    });
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        {save.error && (
          <Alert color="red" variant="light">
            {errorMessage(save.error)}
          </Alert>
        )}
        <TextInput
          label="Name"
          required
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
        />
        <TextInput
          label="URL"
          required
          placeholder="https://lists.example/blocklist.txt"
          value={form.url}
          onChange={(e) => set("url", e.currentTarget.value)}
        />
        <Group grow>
          <Select
            label="Format"
            data={[
              { value: "plain", label: "Plain text (one IP/CIDR per line)" },
              { value: "crowdsec_json", label: "CrowdSec decisions JSON" },
            ]}
            value={form.format}
            onChange={(v) => v && set("format", v as Feed["format"])}
            allowDeselect={false}
          />
          <NumberInput
            label="Refresh every (minutes)"
            min={1}
            max={10080}
            value={form.refresh_minutes}
            onChange={(v) => set("refresh_minutes", v)}
          />
        </Group>
        <Switch
          label="Enabled"
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
        />
        <Switch
          label="Sync to the Sophos XGS group grp_VGX-CrowdSBlockL"
          checked={form.sync_to_xgs}
          onChange={(e) => set("sync_to_xgs", e.currentTarget.checked)}
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
