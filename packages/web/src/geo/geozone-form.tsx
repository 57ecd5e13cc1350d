import {
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { GeoZone, GeoZoneConfig } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { countryOptions } from "./countries.js";

const POLICIES: Array<{ value: GeoZone; label: string }> = [
  { value: "neutral", label: "Neutral (standard thresholds)" },
  { value: "hostile", label: "Hostile (ban at once)" },
  { value: "authorized", label: "Authorized (approval needed)" },
];

/** GeoZone: countries you do business with need more evidence (or a person) before a ban; hostile ones less. */
export function GeoZoneForm({ canEdit }: { canEdit: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const config = useQuery({
    queryKey: ["geozone"],
    queryFn: ({ signal }) => api.get<GeoZoneConfig>("/api/v1/geozone", undefined, signal),
  });
  const [form, setForm] = useState<GeoZoneConfig | null>(null);
  useEffect(() => {
    if (config.data) setForm(config.data);
  }, [config.data]);
  const save = useMutation({
    mutationFn: (body: GeoZoneConfig) => api.put<GeoZoneConfig>("/api/v1/geozone", body),
    onSuccess: (saved) => queryClient.setQueryData(["geozone"], saved),
  });
  if (config.isPending) return <Loading />;
  if (config.error) return <ErrorNote error={config.error} onRetry={() => void config.refetch()} />;
  if (!form) return <Loading />;
  const set = <K extends keyof GeoZoneConfig>(key: K, value: GeoZoneConfig[K]) =>
    setForm((f) => (f ? { ...f, [key]: value } : f));
  const num = (v: number | string, fallback: number) => (typeof v === "number" ? v : fallback);
  const dirty = JSON.stringify(form) !== JSON.stringify(config.data);
  const overlap = form.authorized_countries.filter((c) => form.hostile_countries.includes(c));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(form);
  };

  return (
    <Paper withBorder p="sm" bg="dark.7">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Switch
            label="GeoZone classification enabled"
            checked={form.enabled}
            onChange={(e) => set("enabled", e.currentTarget.checked)}
            disabled={!canEdit}
            data-testid="geozone-enabled"
          />
          <MultiSelect
            label="Authorized countries"
            description="Where your users and customers are: a ban needs a high threat score, or else an analyst's approval."
            data={countryOptions()}
            value={form.authorized_countries}
            onChange={(v) => set("authorized_countries", v)}
            searchable
            clearable
            disabled={!canEdit}
            data-testid="geozone-authorized"
          />
          <MultiSelect
            label="Hostile countries"
            description="No business there: one event is enough for a ban."
            data={countryOptions()}
            value={form.hostile_countries}
            onChange={(v) => set("hostile_countries", v)}
            searchable
            clearable
            disabled={!canEdit}
            data-testid="geozone-hostile"
          />
          {overlap.length > 0 && (
            <Text size="xs" c="orange.4">
              In both lists: {overlap.join(", ")}. The server decides which wins; better pick one.
            </Text>
          )}
          <Group grow align="flex-start">
            <Select
              label="Other countries"
              data={POLICIES}
              value={form.default_policy}
              onChange={(v) => v && set("default_policy", v as GeoZone)}
              allowDeselect={false}
              disabled={!canEdit}
            />
            <NumberInput
              label="Events before ban (hostile)"
              min={1}
              value={form.waf_threshold_hzone}
              onChange={(v) => set("waf_threshold_hzone", num(v, 1))}
              disabled={!canEdit}
            />
            <NumberInput
              label="Events before ban (others)"
              min={1}
              value={form.waf_threshold_zone}
              onChange={(v) => set("waf_threshold_zone", num(v, 3))}
              disabled={!canEdit}
            />
            <NumberInput
              label="Threat score to ban authorized"
              min={0}
              max={100}
              value={form.threat_score_threshold}
              onChange={(v) => set("threat_score_threshold", num(v, 50))}
              disabled={!canEdit}
            />
          </Group>
          {save.error && (
            <Alert color="red" variant="light">
              {errorMessage(save.error)}
            </Alert>
          )}
          {canEdit && (
            <Group justify="flex-end">
              {save.isSuccess && !dirty && (
                <Text size="xs" c="teal.4">
                  Saved
                </Text>
              )}
              <Button
                type="submit"
                size="xs"
                disabled={!dirty}
                loading={save.isPending}
                data-testid="geozone-save"
              >
                Save
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
