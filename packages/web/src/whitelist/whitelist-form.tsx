import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { WhitelistType } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { looksLikeIpOrCidr } from "../bans/ban-format.js";

export const TYPE_HELP: Record<WhitelistType, string> = {
  hard: "Never banned, never held for approval: partners, monitoring probes, your own offices.",
  soft: "Still detected, but the threat score is lowered by the modifier; with alert-only a ban becomes an alert.",
  monitor: "Only logged: detections are recorded for review and nothing is enforced.",
};

interface FormState {
  ip: string;
  type: WhitelistType;
  reason: string;
  description: string;
  score_modifier: number | string;
  alert_only: boolean;
  expires_at: string;
  tags: string[];
}

const EMPTY: FormState = {
  ip: "",
  type: "hard",
  reason: "",
  description: "",
  score_modifier: 50,
  alert_only: false,
  expires_at: "",
  tags: [],
};

/** Adds a whitelist entry (an IP or a CIDR range) with the type's meaning spelled out. */
export function WhitelistForm({
  opened,
  onClose,
  initialIp,
}: {
  opened: boolean;
  onClose: () => void;
  /** Filled in when the form opens (the IP page's "Whitelist"). */
  initialIp?: string;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(EMPTY);
  useEffect(() => {
    if (opened && initialIp) setForm((f) => ({ ...f, ip: initialIp }));
  }, [opened, initialIp]);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post("/api/v1/whitelist", body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["whitelist"] });
      setForm(EMPTY);
      onClose();
    },
  });
  const ipError =
    form.ip.trim() && !looksLikeIpOrCidr(form.ip) ? "An IP (203.0.113.9) or a CIDR (10.0.0.0/8)" : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      ip: form.ip.trim(),
      type: form.type,
      reason: form.reason.trim(),
      description: form.description.trim(),
      tags: form.tags,
    };
    if (form.type === "soft") {
      body.score_modifier = typeof form.score_modifier === "number" ? form.score_modifier : 0;
      body.alert_only = form.alert_only;
    }
    // The date input gives a local date; the entry ends at the end of that day, sent as UTC.
    if (form.expires_at) body.expires_at = new Date(`${form.expires_at}T23:59:59`).toISOString();
    save.mutate(body);
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Add to the whitelist" size="md">
      <form onSubmit={submit}>
        <Stack gap="sm">
          {save.error && (
            <Alert color="red" variant="light">
              {errorMessage(save.error)}
            </Alert>
          )}
          <TextInput
            label="IP or CIDR"
            required
            value={form.ip}
            onChange={(e) => set("ip", e.currentTarget.value)}
            error={ipError}
            data-testid="whitelist-ip"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Type
            </Text>
            <SegmentedControl
              size="xs"
              data={["hard", "soft", "monitor"]}
              value={form.type}
              onChange={(v) => set("type", v as WhitelistType)}
            />
            <Text size="xs" c="dimmed">
              {TYPE_HELP[form.type]}
            </Text>
          </Stack>
          <TextInput
            label="Reason"
            required
            value={form.reason}
            onChange={(e) => set("reason", e.currentTarget.value)}
            data-testid="whitelist-reason"
          />
          <TextInput
            label="Description"
            value={form.description}
            onChange={(e) => set("description", e.currentTarget.value)}
          />
          {form.type === "soft" && (
            <Group grow align="flex-end">
              <NumberInput
                label="Score reduction (%)"
                min={0}
                max={100}
                value={form.score_modifier}
                onChange={(v) => set("score_modifier", v)}
              />
              <Checkbox
                label="Alert only (never ban)"
                checked={form.alert_only}
                onChange={(e) => set("alert_only", e.currentTarget.checked)}
                mb={8}
              />
            </Group>
          )}
          <TextInput
            type="date"
            label="Expires (optional)"
            value={form.expires_at}
            onChange={(e) => set("expires_at", e.currentTarget.value)}
          />
          <TagsInput
            label="Tags"
            value={form.tags}
            onChange={(v) => set("tags", v)}
            placeholder="Enter to add"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!form.ip.trim() || !form.reason.trim() || ipError !== null}
              data-testid="whitelist-save"
            >
              Add
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
