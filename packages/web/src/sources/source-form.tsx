import { Alert, Autocomplete, Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useSites } from "../api/queries.js";
import type { MatchType, SourceInput } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";

const MATCH_TYPES: Array<{ value: MatchType; label: string }> = [
  { value: "ip", label: "Sender IP" },
  { value: "hostname", label: "Syslog hostname" },
  { value: "serial", label: "Device serial" },
];

/** The server's rule for site names (they appear in URLs, file names and syslog routing). */
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function timeZones(): string[] {
  try {
    const zones = Intl.supportedValuesOf("timeZone");
    return zones.includes("UTC") ? zones : ["UTC", ...zones];
  } catch {
    return ["UTC"];
  }
}

export interface SourceFormTarget {
  /** Present when editing a registered source; absent when assigning or adding. */
  id: string | null;
  initial: SourceInput;
  title: string;
}

/** Registers a sender (or edits one): which site its events belong to and the zone its clock runs in. */
export function SourceForm({ target, onClose }: { target: SourceFormTarget | null; onClose: () => void }) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={target?.title ?? ""} size="md">
      {target && (
        <SourceFormBody key={target.id ?? target.initial.match_value} target={target} onClose={onClose} />
      )}
    </Modal>
  );
}

function SourceFormBody({ target, onClose }: { target: SourceFormTarget; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const sites = useSites();
  const zones = useMemo(timeZones, []);
  const [form, setForm] = useState<SourceInput>(target.initial);
  const set = <K extends keyof SourceInput>(key: K, value: SourceInput[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const editing = target.id !== null;
  const save = useMutation({
    // An edit may change only where the sender belongs, not what identifies it (the server refuses more).
    mutationFn: (input: SourceInput) =>
      target.id
        ? api.put(`/api/v1/sources/${encodeURIComponent(target.id)}`, {
            site: input.site,
            timezone: input.timezone,
            name: input.name,
          })
        : api.post("/api/v1/sources", input),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["sources"] }),
        queryClient.invalidateQueries({ queryKey: ["sites"] }),
      ]);
      onClose();
    },
  });

  const siteError =
    form.site.trim() && !SITE_NAME.test(form.site.trim())
      ? "Letters, digits, dot, dash, underscore; up to 64; starts with a letter or digit"
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      ...form,
      site: form.site.trim(),
      name: form.name.trim(),
      match_value: form.match_value.trim(),
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
        <Group grow>
          <Select
            label="Match on"
            data={MATCH_TYPES}
            value={form.match_type}
            onChange={(v) => v && set("match_type", v as MatchType)}
            allowDeselect={false}
            disabled={editing}
          />
          <TextInput
            label="Value"
            required
            value={form.match_value}
            onChange={(e) => set("match_value", e.currentTarget.value)}
            disabled={editing}
            data-testid="source-match-value"
          />
        </Group>
        <TextInput
          label="Name"
          placeholder="e.g. Paris office XGS"
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
          data-testid="source-name"
        />
        <Autocomplete
          label="Site"
          required
          placeholder="An existing site or a new name"
          data={(sites.data ?? []).map((s) => s.site)}
          value={form.site}
          onChange={(v) => set("site", v)}
          error={siteError}
          data-testid="source-site"
        />
        <Select
          label="Time zone of its clock"
          description="Used for logs whose timestamps carry no offset"
          searchable
          limit={60}
          data={zones}
          value={form.timezone}
          onChange={(v) => v && set("timezone", v)}
          allowDeselect={false}
          data-testid="source-timezone"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={save.isPending}
            disabled={!form.site.trim() || !form.match_value.trim() || siteError !== null}
            data-testid="source-save"
          >
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
