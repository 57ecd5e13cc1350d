import { Box, Button, Group, NavLink, Stack, Tabs, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Outlet, NavLink as RouterLink, useLocation, useNavigate } from "react-router";
import { useAuth, useIsStaff } from "../auth/auth-context.js";
import { Empty } from "../components/query-state.js";
import { usePageTitle } from "../layout/use-page-title.js";

export const SETTINGS_SECTIONS = [
  { path: "users", label: "Users" },
  { path: "api-keys", label: "API keys" },
  { path: "audit", label: "Audit log" },
  { path: "clients", label: "Clients and sites" },
  // Provider keys are the platform's: operator staff only.
  { path: "threat-intel", label: "Threat intelligence", staffOnly: true },
] as const;

/**
 * The frame of the admin pages: a sub-navigation on the left, or tabs across the top below Mantine's
 * `sm` breakpoint (a 390 px phone has no room beside the page). The page beside it may not grow wider
 * than what is left (`minWidth: 0`), so its tables scroll inside their own box.
 */
export function SettingsLayout() {
  const { user } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const staff = useIsStaff();
  const sections = SETTINGS_SECTIONS.filter((s) => staff || !("staffOnly" in s));
  const current = sections.find((s) => location.pathname.startsWith(`/settings/${s.path}`));
  if (user?.role !== "admin") {
    return <Empty>Settings are for administrators.</Empty>;
  }
  return (
    <Stack gap="sm">
      <Tabs
        hiddenFrom="sm"
        value={current?.path ?? null}
        onChange={(value) => value && navigate(`/settings/${value}`)}
        data-testid="settings-tabs"
      >
        <Tabs.List style={{ flexWrap: "nowrap", overflowX: "auto" }}>
          {sections.map((s) => (
            <Tabs.Tab key={s.path} value={s.path} style={{ whiteSpace: "nowrap" }}>
              {s.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group align="flex-start" gap="md" wrap="nowrap">
        <Stack gap={2} w={170} visibleFrom="sm" data-testid="settings-nav" style={{ flexShrink: 0 }}>
          {sections.map((s) => (
            <NavLink
              key={s.path}
              component={RouterLink}
              to={`/settings/${s.path}`}
              label={s.label}
              active={current?.path === s.path}
              data-testid={`settings-nav-${s.path}`}
            />
          ))}
        </Stack>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Outlet />
        </Box>
      </Group>
    </Stack>
  );
}

/** A page's or a section's one "New …" button. */
export interface NewAction {
  label: string;
  onClick: () => void;
  testId: string;
}

/** A title with its "New …" button on the right: the page's, or a section's inside it. */
export function SectionHeader(p: { title: string; order: 3 | 4; action?: NewAction | undefined }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Title order={p.order}>{p.title}</Title>
      {p.action && (
        <Button size="xs" onClick={p.action.onClick} data-testid={p.action.testId}>
          {p.action.label}
        </Button>
      )}
    </Group>
  );
}

/** The header every settings page shares: its title (also the tab's), a line on what it is for, its action. */
export function SettingsPage(p: {
  title: string;
  description: ReactNode;
  action?: NewAction | undefined;
  children: ReactNode;
}) {
  usePageTitle(p.title);
  return (
    <Stack gap="sm">
      <SectionHeader title={p.title} order={3} action={p.action} />
      <Text size="sm" c="dimmed">
        {p.description}
      </Text>
      {p.children}
    </Stack>
  );
}
