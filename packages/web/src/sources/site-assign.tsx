import { Button, Group } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { Source } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";
import { NEW_SITE } from "../components/site-options.js";
import { SiteSelect } from "../components/site-select.js";

/**
 * Assigns one sender or device to an existing site in one step, inside its row: pick a site, press
 * Assign. "New site…" opens the sender's form with the new-site fields (`onNewSite`). The time zone
 * stays what it was; Edit changes it.
 */
export function SiteAssign({
  source,
  onNewSite,
}: {
  source: Source & { id: string };
  onNewSite: () => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [site, setSite] = useState(source.registered ? source.site : "");
  const save = useMutation({
    mutationFn: (value: string) =>
      api.put(`/api/v1/sources/${encodeURIComponent(source.id)}`, { site: value }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ["sources"] }),
        queryClient.invalidateQueries({ queryKey: ["sites"] }),
      ]),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (site) save.mutate(site);
  };
  return (
    <form onSubmit={submit}>
      <Group gap={4} wrap="nowrap">
        <SiteSelect
          size="xs"
          w={170}
          placeholder="Site"
          ariaLabel={`Site for ${source.match_value}`}
          withNew
          value={site || null}
          onChange={(v) => (v === NEW_SITE ? onNewSite() : setSite(v))}
          error={save.error ? errorMessage(save.error) : null}
          testId="source-site-inline"
        />
        <Button
          size="compact-xs"
          type="submit"
          loading={save.isPending}
          disabled={!site || (source.registered && site === source.site)}
          data-testid="source-assign"
        >
          {source.registered ? "Move" : "Assign"}
        </Button>
      </Group>
    </form>
  );
}
