import { Checkbox, NumberInput, PasswordInput, Text, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useApi } from "../auth/auth-context.js";
import { FormModal } from "../components/form-modal.js";

interface ProviderConfig {
  enabled: boolean;
  key_set: boolean;
  key_source: "console" | "environment" | null;
  url: string;
}

interface VigimailConfig {
  interval_hours: number;
  dkim_selectors: string[];
  dkim_selectors_default: boolean;
  providers: {
    hibp: ProviderConfig & { requests_per_minute: number; domain_search: boolean };
    leakcheck: ProviderConfig;
  };
}

const keyHint = (p: ProviderConfig) =>
  p.key_source === "console"
    ? "A key is set here (sealed). Type a new one to replace it."
    : p.key_source === "environment"
      ? "A key comes from the environment; one typed here wins."
      : "No key: this provider is not asked.";

/**
 * Vigimail's settings for operator admins: the check interval, the DKIM selectors tried, and the
 * leak providers. Keys are write-only: the server seals them and only says whether one is set.
 */
export function VigimailSettings(p: { opened: boolean; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const config = useQuery({
    queryKey: ["vigimail", "config"],
    queryFn: ({ signal }) => api.get<VigimailConfig>("/api/v1/vigimail/config", undefined, signal),
    enabled: p.opened,
  });
  const [interval, setIntervalHours] = useState<number | string>(24);
  const [rpm, setRpm] = useState<number | string>(10);
  const [domainSearch, setDomainSearch] = useState(false);
  const [selectors, setSelectors] = useState("");
  const [hibpKey, setHibpKey] = useState("");
  const [leakKey, setLeakKey] = useState("");
  useEffect(() => {
    const c = config.data;
    if (!c) return;
    setIntervalHours(c.interval_hours);
    setRpm(c.providers.hibp.requests_per_minute);
    setDomainSearch(c.providers.hibp.domain_search);
    setSelectors(c.dkim_selectors.join(", "));
  }, [config.data]);
  const save = useMutation({
    mutationFn: () =>
      api.put("/api/v1/vigimail/config", {
        interval_hours: Number(interval),
        dkim_selectors: selectors
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        providers: {
          hibp: {
            requests_per_minute: Number(rpm),
            domain_search: domainSearch,
            ...(hibpKey.trim() ? { key: hibpKey.trim() } : {}),
          },
          leakcheck: leakKey.trim() ? { key: leakKey.trim() } : {},
        },
      }),
    onSuccess: () => {
      setHibpKey("");
      setLeakKey("");
      p.onClose();
      return queryClient.invalidateQueries({ queryKey: ["vigimail"] });
    },
  });
  const c = config.data;
  return (
    <FormModal
      opened={p.opened}
      title="Vigimail settings"
      onClose={p.onClose}
      onSubmit={() => save.mutate()}
      error={save.error ?? config.error}
      submitLabel="Save"
      submitting={save.isPending}
      canSubmit={c !== undefined && Number(interval) >= 1}
      testId="vigimail-settings"
    >
      <NumberInput
        label="Check every (hours)"
        min={1}
        max={720}
        value={interval}
        onChange={setIntervalHours}
        data-testid="vigimail-interval"
      />
      <Textarea
        label="DKIM selectors tried"
        description="Comma- or space-separated; DKIM keys can only be found under a known selector"
        autosize
        minRows={2}
        value={selectors}
        onChange={(e) => setSelectors(e.currentTarget.value)}
      />
      <PasswordInput
        label="Have I Been Pwned API key"
        description={c ? keyHint(c.providers.hibp) : undefined}
        value={hibpKey}
        onChange={(e) => setHibpKey(e.currentTarget.value)}
        autoComplete="off"
        data-testid="vigimail-hibp-key"
      />
      <NumberInput
        label="HIBP requests per minute (your plan's limit)"
        min={1}
        max={5000}
        value={rpm}
        onChange={setRpm}
      />
      <Checkbox
        label="HIBP domain search (domains verified for the key)"
        checked={domainSearch}
        onChange={(e) => setDomainSearch(e.currentTarget.checked)}
      />
      <PasswordInput
        label="LeakCheck API key"
        description={c ? keyHint(c.providers.leakcheck) : undefined}
        value={leakKey}
        onChange={(e) => setLeakKey(e.currentTarget.value)}
        autoComplete="off"
        data-testid="vigimail-leakcheck-key"
      />
      <Text size="xs" c="dimmed">
        Keys are sealed at rest and never shown again.
      </Text>
    </FormModal>
  );
}
