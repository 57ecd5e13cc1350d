import { Button, Group, Progress, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useApi, useAuth, useIsStaff } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { FormModal } from "../components/form-modal.js";
import { ErrorNote } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { DomainTable } from "./domain-table.js";
import { MailboxTable } from "./mailbox-table.js";
import { VigimailSettings } from "./settings-modal.js";
import type { Mailbox, VigimailDomain, VigimailStatus } from "./vigimail-types.js";

/** Add a domain or a mailbox: one field, and for operator staff the client it belongs to. */
function AddForm(p: { kind: "domain" | "email"; opened: boolean; onClose: () => void; staff: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [value, setValue] = useState("");
  const [client, setClient] = useState("");
  const add = useMutation({
    mutationFn: () =>
      api.post(`/api/v1/vigimail/${p.kind === "domain" ? "domains" : "emails"}`, {
        [p.kind]: value.trim(),
        ...(client.trim() ? { client: client.trim() } : {}),
      }),
    onSuccess: () => {
      setValue("");
      p.onClose();
      return queryClient.invalidateQueries({ queryKey: ["vigimail"] });
    },
  });
  const what = p.kind === "domain" ? "domain" : "mailbox";
  return (
    <FormModal
      opened={p.opened}
      title={`Add a ${what}`}
      onClose={() => {
        add.reset();
        p.onClose();
      }}
      onSubmit={() => add.mutate()}
      error={add.error}
      submitLabel={`Add ${what}`}
      submitting={add.isPending}
      canSubmit={value.trim().length > 0}
      testId={`vigimail-${p.kind}-form`}
    >
      <TextInput
        label={p.kind === "domain" ? "Mail domain" : "Mailbox address"}
        placeholder={p.kind === "domain" ? "example.com" : "someone@example.com"}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        data-autofocus
        data-testid={`vigimail-${p.kind}-input`}
      />
      {p.staff && (
        <TextInput
          label="Client"
          description="The client it belongs to (default: default)"
          value={client}
          onChange={(e) => setClient(e.currentTarget.value)}
        />
      )}
    </FormModal>
  );
}

export function VigimailPage() {
  usePageTitle("Vigimail");
  const api = useApi();
  const { user } = useAuth();
  const staff = useIsStaff();
  const canAct = roleAtLeast(user?.role, "analyst");
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<"domain" | "email" | null>(null);
  const [settings, setSettings] = useState(false);
  const isAdminStaff = staff && user?.role === "admin";

  const status = useQuery({
    queryKey: ["vigimail", "status"],
    queryFn: ({ signal }) => api.get<VigimailStatus>("/api/v1/vigimail/status", undefined, signal),
    // While a check-all runs, follow its progress.
    refetchInterval: (q) => (q.state.data?.check_all?.running ? 1000 : 30_000),
  });
  const running = status.data?.check_all?.running ?? false;
  const domains = useQuery({
    queryKey: ["vigimail", "domains"],
    queryFn: ({ signal }) =>
      api.get<{ items: VigimailDomain[] }>("/api/v1/vigimail/domains", undefined, signal),
    select: (d) => d.items,
    refetchInterval: running ? 2000 : false,
  });
  const mailboxes = useQuery({
    queryKey: ["vigimail", "emails"],
    queryFn: ({ signal }) => api.get<{ items: Mailbox[] }>("/api/v1/vigimail/emails", undefined, signal),
    select: (d) => d.items,
    refetchInterval: running ? 2000 : false,
  });
  const checkAll = useMutation({
    mutationFn: () => api.post("/api/v1/vigimail/check-all", {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["vigimail"] }),
  });
  const progress = status.data?.check_all;
  // When a check-all ends, the lists show its last results (the polling above stops with it).
  const finishedAt = progress?.finished_at;
  useEffect(() => {
    if (!finishedAt) return;
    void queryClient.invalidateQueries({ queryKey: ["vigimail", "domains"] });
    void queryClient.invalidateQueries({ queryKey: ["vigimail", "emails"] });
  }, [finishedAt, queryClient]);
  const s = status.data;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Vigimail</Title>
        <Group gap="xs">
          {isAdminStaff && (
            <Button
              size="xs"
              variant="default"
              onClick={() => setSettings(true)}
              data-testid="vigimail-settings-open"
            >
              Settings
            </Button>
          )}
          {canAct && (
            <Button
              size="xs"
              onClick={() => checkAll.mutate()}
              loading={checkAll.isPending}
              disabled={running}
              data-testid="vigimail-check-all"
            >
              Check everything now
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Whether your mail domains are protected against spoofing (SPF, DKIM, DMARC, MX), and which mailboxes
        appear in known data breaches.
      </Text>
      {s && (
        <Text size="xs" data-testid="vigimail-summary">
          {s.domains} domains · {s.mailboxes} mailboxes · {s.leaked_mailboxes} leaked · checked every{" "}
          {s.interval_hours} h{s.last_run_at ? ` · last run ${formatTime(s.last_run_at)}` : ""}
          {!s.providers.hibp.configured && !s.providers.leakcheck.configured
            ? " · no leak provider configured"
            : ""}
        </Text>
      )}
      {progress && (running || progress.finished_at) && (
        <Stack gap={2} data-testid="vigimail-progress" data-running={running}>
          <Progress
            value={progress.total ? (100 * progress.done) / progress.total : running ? 5 : 100}
            animated={running}
          />
          <Text size="xs" c="dimmed">
            {running ? "Checking" : "Checked"} {progress.done} of {progress.total}
            {progress.failed ? ` · ${progress.failed} failed` : ""}
          </Text>
        </Stack>
      )}
      {checkAll.error && <ErrorNote title="Check failed" error={checkAll.error} />}

      <Group justify="space-between" mt="sm">
        <Title order={4}>Domains</Title>
        {canAct && (
          <Button
            size="xs"
            variant="light"
            onClick={() => setAdding("domain")}
            data-testid="vigimail-add-domain"
          >
            Add domain
          </Button>
        )}
      </Group>
      <DomainTable query={domains} canAct={canAct} showClient={staff} />

      <Group justify="space-between" mt="sm">
        <Title order={4}>Mailboxes</Title>
        {canAct && (
          <Button
            size="xs"
            variant="light"
            onClick={() => setAdding("email")}
            data-testid="vigimail-add-email"
          >
            Add mailbox
          </Button>
        )}
      </Group>
      <MailboxTable query={mailboxes} canAct={canAct} showClient={staff} />

      <AddForm kind="domain" opened={adding === "domain"} onClose={() => setAdding(null)} staff={staff} />
      <AddForm kind="email" opened={adding === "email"} onClose={() => setAdding(null)} staff={staff} />
      {isAdminStaff && <VigimailSettings opened={settings} onClose={() => setSettings(false)} />}
    </Stack>
  );
}
