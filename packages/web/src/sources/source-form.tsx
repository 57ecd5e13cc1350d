import { Alert, Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { ADMIN_KEYS } from "../admin/admin-queries.js";
import { errorMessage } from "../api/problem.js";
import type { MatchType, SourceInput } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";
import { NEW_SITE } from "../components/site-options.js";
import { SiteSelect } from "../components/site-select.js";
import { draftProblem, emptySiteDraft, type NewSiteDraft, siteBody } from "./new-site.js";
import { NewSiteFields } from "./new-site-fields.js";

const MATCH_TYPES: Array<{ value: MatchType; label: string }> = [
  { value: "ip", label: "Sender IP" },
  { value: "hostname", label: "Syslog hostname" },
  { value: "serial", label: "Device serial" },
];

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
  /** Open with "New site…" chosen (the row's site picker asked for a new site). */
  newSite?: boolean;
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
  const zones = useMemo(timeZones, []);
  const [form, setForm] = useState<SourceInput>(target.initial);
  const [draft, setDraft] = useState<NewSiteDraft | null>(() => (target.newSite ? emptySiteDraft() : null));
  const set = <K extends keyof SourceInput>(key: K, value: SourceInput[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const editing = target.id !== null;
  /**
   * The site first: the server refuses a sender for a site that does not exist. Once created, the form
   * points at it, so a retry after a refused sender does not create it twice.
   */
  const createSite = async (d: NewSiteDraft): Promise<string> => {
    const body = siteBody(d);
    await api.post("/api/v1/sites", body);
    setForm((f) => ({ ...f, site: body.name }));
    setDraft(null);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ["sites"] }),
      queryClient.invalidateQueries({ queryKey: ADMIN_KEYS.clients }),
    ]);
    return body.name;
  };
  const save = useMutation({
    mutationFn: async (input: SourceInput) => {
      const site = draft ? await createSite(draft) : input.site;
      // An edit may change only where the sender belongs, not what identifies it (the server refuses more).
      return target.id
        ? api.put(`/api/v1/sources/${encodeURIComponent(target.id)}`, {
            site,
            timezone: input.timezone,
            name: input.name,
          })
        : api.post("/api/v1/sources", { ...input, site });
    },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["sources"] }),
        queryClient.invalidateQueries({ queryKey: ["sites"] }),
      ]);
      onClose();
    },
  });

  const siteMissing = draft ? draftProblem(draft) !== null : !form.site.trim();

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
          <Alert color="red" variant="light" data-testid="source-form-error">
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
        <SiteSelect
          label="Site"
          required
          withNew
          value={draft ? NEW_SITE : form.site || null}
          onChange={(v) => {
            setDraft(v === NEW_SITE ? (draft ?? emptySiteDraft()) : null);
            if (v !== NEW_SITE) set("site", v);
          }}
          testId="source-site"
        />
        {draft && <NewSiteFields draft={draft} onChange={setDraft} onCancel={() => setDraft(null)} />}
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
            disabled={siteMissing || !form.match_value.trim()}
            data-testid="source-save"
          >
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
