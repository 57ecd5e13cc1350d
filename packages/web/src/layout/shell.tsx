import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Outlet, NavLink as RouterLink, useLocation } from "react-router";
import { AlertToasts } from "../alerts/alert-toasts.js";
import { OpenAlertsBadge } from "../alerts/open-alerts-badge.js";
import { useAuth, useIsStaff } from "../auth/auth-context.js";
import { Logo } from "../components/logo.js";
import { useLive } from "../live/live-context.js";
import type { LiveStatus } from "../live/live-socket.js";

const NAV = [
  { to: "/", label: "Dashboard", testId: "nav-dashboard", exact: true },
  { to: "/events", label: "Events", testId: "nav-events", exact: false },
  { to: "/hunt", label: "Hunt", testId: "nav-hunt", exact: false },
  { to: "/alerts", label: "Alerts", testId: "nav-alerts", exact: false },
  { to: "/sites", label: "Sites", testId: "nav-sites", exact: false },
  { to: "/bans", label: "Bans", testId: "nav-bans", exact: false },
  { to: "/threats", label: "Advanced Threat", testId: "nav-threats", exact: false },
  { to: "/vigimail", label: "Vigimail", testId: "nav-vigimail", exact: false },
  { to: "/scenarios", label: "Scenarios", testId: "nav-scenarios", exact: false },
  { to: "/alert-rules", label: "Alert rules", testId: "nav-alert-rules", exact: false },
  { to: "/channels", label: "Channels", testId: "nav-channels", exact: false },
  { to: "/whitelist", label: "Whitelist", testId: "nav-whitelist", exact: false, staffOnly: true },
  { to: "/geo", label: "Geo zones", testId: "nav-geo", exact: false, staffOnly: true },
  { to: "/enforcement", label: "Enforcement", testId: "nav-enforcement", exact: false, staffOnly: true },
  { to: "/feeds", label: "Blocklist feeds", testId: "nav-feeds", exact: false, staffOnly: true },
  { to: "/sources", label: "Sources", testId: "nav-sources", exact: false },
  { to: "/status", label: "Status", testId: "nav-status", exact: false, staffOnly: true },
  { to: "/settings", label: "Settings", testId: "nav-settings", exact: false, adminOnly: true },
] as const;

type NavItem = (typeof NAV)[number];
/** Admin-only entries for admins; the platform's own pages (staff-only routes) for operator staff. */
const navFor = (item: NavItem, isAdmin: boolean, isStaff: boolean): boolean =>
  (!("adminOnly" in item) || isAdmin) && (!("staffOnly" in item) || isStaff);

const STATUS_LOOK: Record<LiveStatus, { color: string; label: string; hint: string }> = {
  live: { color: "green", label: "Live", hint: "Receiving events as they arrive" },
  connecting: { color: "yellow", label: "Connecting", hint: "Opening the live connection" },
  reconnecting: { color: "orange", label: "Reconnecting", hint: "Live connection lost; retrying" },
};

function LiveIndicator() {
  const { status, dropped } = useLive();
  const look = STATUS_LOOK[status];
  const hint =
    dropped > 0 ? `${look.hint}. ${dropped} events skipped while the console fell behind.` : look.hint;
  return (
    <Tooltip label={hint}>
      <Badge
        variant="dot"
        color={look.color}
        size="lg"
        data-testid="ws-status"
        data-status={status}
        aria-live="polite"
      >
        {look.label}
      </Badge>
    </Tooltip>
  );
}

function CurrentUser({
  testId,
  ...props
}: {
  testId: string;
  hiddenFrom?: "sm";
  visibleFrom?: "sm";
  p?: string;
}) {
  const { user } = useAuth();
  if (!user) return null;
  return (
    // The name leads to My account (password, MFA, sessions).
    <Text
      component={RouterLink}
      to="/account"
      size="sm"
      c="inherit"
      td="none"
      title="My account"
      data-testid={testId}
      {...props}
    >
      {user.username}{" "}
      <Text span c="dimmed" size="xs" tt="uppercase">
        {user.role}
      </Text>
    </Text>
  );
}

/**
 * The frame around every page. Below Mantine's `sm` breakpoint (phones: alerts are opened from mail and
 * Slack) the navigation folds behind a menu button and the user's name moves into it, so the header
 * fits 390 px.
 */
export function Shell() {
  const { logout, user } = useAuth();
  const isStaff = useIsStaff();
  const location = useLocation();
  const [navOpen, nav] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 48 }}
      navbar={{ width: 180, breakpoint: "sm", collapsed: { mobile: !navOpen } }}
      padding="sm"
    >
      <AppShell.Header bg="dark.8">
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? "Close navigation" : "Open navigation"}
              data-testid="nav-toggle"
            />
            <Logo size={24} />
            <Text fw={700} size="lg">
              Vigil
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LiveIndicator />
            <CurrentUser testId="current-user" visibleFrom="sm" />
            <Button size="xs" variant="default" onClick={() => void logout()} data-testid="sign-out">
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" bg="dark.8" data-testid="nav">
        <Stack gap={2}>
          <CurrentUser testId="nav-current-user" hiddenFrom="sm" p="xs" />
          {NAV.filter((item) => navFor(item, user?.role === "admin", isStaff)).map((item) => {
            const active = item.exact ? location.pathname === item.to : location.pathname.startsWith(item.to);
            return (
              <NavLink
                key={item.to}
                component={RouterLink}
                to={item.to}
                label={item.label}
                active={active}
                variant="filled"
                rightSection={item.to === "/alerts" ? <OpenAlertsBadge /> : undefined}
                onClick={nav.close}
                data-testid={item.testId}
              />
            );
          })}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
        <AlertToasts />
      </AppShell.Main>
    </AppShell>
  );
}
