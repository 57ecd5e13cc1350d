import { Badge, CloseButton, Group, Stack, Tabs, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { formatCount } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { ActiveBans } from "./active-bans.js";
import { BanDrawer } from "./ban-drawer.js";
import { BanForm } from "./ban-form.js";
import { BanHistoryTable } from "./ban-history-table.js";
import { useBanLiveRefresh, useBanStats, usePendingBans } from "./ban-queries.js";
import { EnforcementBanner } from "./enforcement-banner.js";
import { PendingBans } from "./pending-bans.js";

function StatsLine() {
  const stats = useBanStats();
  if (!stats.data) return null;
  const s = stats.data;
  const top = s.by_country.slice(0, 3);
  return (
    <Group gap="md" data-testid="bans-stats">
      <Text size="sm">
        <Text span fw={700} c="red.4">
          {formatCount(s.active)}
        </Text>{" "}
        active
      </Text>
      <Text size="sm">
        <Text span fw={700} c="grape.4">
          {formatCount(s.permanent)}
        </Text>{" "}
        permanent
      </Text>
      <Text size="sm">
        <Text span fw={700} c="yellow.4">
          {formatCount(s.pending)}
        </Text>{" "}
        pending
      </Text>
      <Text size="sm" c="dimmed">
        {formatCount(s.expired_24h)} ended in 24 h
      </Text>
      {top.length > 0 && (
        <Text size="sm" c="dimmed">
          top: {top.map((c) => `${c.key || "??"} ${c.count}`).join(" · ")}
        </Text>
      )}
    </Group>
  );
}

export function BansPage() {
  usePageTitle("Bans");
  const { user } = useAuth();
  const canAct = roleAtLeast(user?.role, "analyst");
  const [tab, setTab] = useState<string | null>("active");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const [open, setOpen] = useState<string | null>(null);
  // `?site=` (from a site's page): the active bans of that site only.
  const [params, setParams] = useSearchParams();
  const site = params.get("site") ?? "";
  const pending = usePendingBans();
  const waiting = (pending.data ?? []).filter((p) => p.status === "pending").length;
  useBanLiveRefresh();

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={3}>Bans</Title>
          <StatsLine />
        </Stack>
        <TextInput
          size="xs"
          placeholder="Search IP or reason"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
          data-testid="bans-search"
        />
      </Group>
      <EnforcementBanner />
      {site && (
        <Group gap={4} data-testid="bans-site-filter">
          <Badge variant="light" size="lg">
            Site: {site}
          </Badge>
          <CloseButton size="sm" aria-label="Show every site" onClick={() => setParams({})} />
        </Group>
      )}
      {canAct && <BanForm />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="active" data-testid="bans-tab-active">
            Active
          </Tabs.Tab>
          <Tabs.Tab
            value="pending"
            data-testid="bans-tab-pending"
            rightSection={
              waiting > 0 ? (
                <Badge size="xs" color="yellow" circle>
                  {waiting}
                </Badge>
              ) : null
            }
          >
            Pending approvals
          </Tabs.Tab>
          <Tabs.Tab value="history" data-testid="bans-tab-history">
            History
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="active" pt="xs">
          <ActiveBans q={q} site={site} canAct={canAct} onOpen={setOpen} />
        </Tabs.Panel>
        <Tabs.Panel value="pending" pt="xs">
          <PendingBans canAct={canAct} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="xs">
          <BanHistoryTable q={q} onOpen={setOpen} />
        </Tabs.Panel>
      </Tabs>
      <BanDrawer ip={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
