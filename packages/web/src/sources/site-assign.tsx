import { Autocomplete, Button, Group } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { Source } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";

/** The server's rule for site names. */
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Assigns one sender or device to a site in one step, inside its row: pick or type a site, press
 * Assign (or Enter). The time zone stays what it was; Edit changes it.
 */
export function SiteAssign({ source, sites }: { source: Source & { id: string }; sites: string[] }) {
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
  const value = site.trim();
  const invalid = value !== "" && !SITE_NAME.test(value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value && !invalid) save.mutate(value);
  };
  return (
    <form onSubmit={submit}>
      <Group gap={4} wrap="nowrap">
        <Autocomplete
          size="xs"
          w={150}
          placeholder="Site"
          aria-label={`Site for ${source.match_value}`}
          data={sites}
          value={site}
          onChange={setSite}
          error={invalid ? "Letters, digits, . _ -" : save.error ? errorMessage(save.error) : undefined}
          data-testid="source-site-inline"
        />
        <Button
          size="compact-xs"
          type="submit"
          loading={save.isPending}
          disabled={!value || invalid || (source.registered && value === source.site)}
          data-testid="source-assign"
        >
          {source.registered ? "Move" : "Assign"}
        </Button>
      </Group>
    </form>
  );
}
