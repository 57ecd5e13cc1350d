import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { AccountPage } from "./account/account-page.js";
import { EnrolmentRequiredPage } from "./account/enrolment-required-page.js";
import { settingsRoutes } from "./admin/settings-routes.js";
import { AlertDetailPage } from "./alerts/alert-detail-page.js";
import { AlertsPage } from "./alerts/alerts-page.js";
import { AlertRulesPage } from "./alerts/rules/rules-page.js";
import { ApiError } from "./api/problem.js";
import { AuthProvider, useAuth } from "./auth/auth-context.js";
import { LoginPage } from "./auth/login-page.js";
import { BansPage } from "./bans/bans-page.js";
import { ChannelsPage } from "./channels/channels-page.js";
import { Loading } from "./components/query-state.js";
import { DashboardPage } from "./dashboard/dashboard-page.js";
import { EnforcementPage } from "./enforcement/enforcement-page.js";
import { EventsPage } from "./events/events-page.js";
import { FeedsPage } from "./feeds/feeds-page.js";
import { GeoPage } from "./geo/geo-page.js";
import { Shell } from "./layout/shell.js";
import { LiveProvider } from "./live/live-context.js";
import { ScenariosPage } from "./scenarios/scenarios-page.js";
import { SiteDetailPage } from "./sites/site-detail-page.js";
import { SitesPage } from "./sites/sites-page.js";
import { SourcesPage } from "./sources/sources-page.js";
import { StatusPage } from "./status/status-page.js";
import { theme } from "./theme.js";
import { IpPage } from "./threats/ip-page.js";
import { ThreatsPage } from "./threats/threats-page.js";
import { VigimailPage } from "./vigimail/vigimail-page.js";
import { WhitelistPage } from "./whitelist/whitelist-page.js";

// CodeMirror is only for the workbench: its own chunk, fetched on the first visit to /hunt.
const HuntPage = lazy(() => import("./hunt/hunt-page.js").then((m) => ({ default: m.HuntPage })));

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again; network blips and 5xx may.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        staleTime: 5_000,
      },
    },
  });
}

function RequireUser() {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  // The server answers only enrolment until then (auth/mfa-gate.ts): no shell, no live channel.
  if (user.mfa_enrollment_required) return <EnrolmentRequiredPage />;
  return (
    <LiveProvider>
      <Shell />
    </LiveProvider>
  );
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  return (
    <MantineProvider theme={theme} forceColorScheme="dark">
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<RequireUser />}>
                <Route index element={<DashboardPage />} />
                <Route path="events" element={<EventsPage />} />
                <Route
                  path="hunt"
                  element={
                    <Suspense fallback={<Loading h={240} />}>
                      <HuntPage />
                    </Suspense>
                  }
                />
                <Route path="alerts" element={<AlertsPage />} />
                <Route path="alerts/:id" element={<AlertDetailPage />} />
                <Route path="alert-rules" element={<AlertRulesPage />} />
                <Route path="channels" element={<ChannelsPage />} />
                <Route path="bans" element={<BansPage />} />
                <Route path="sites" element={<SitesPage />} />
                <Route path="sites/:name" element={<SiteDetailPage />} />
                <Route path="scenarios" element={<ScenariosPage />} />
                <Route path="whitelist" element={<WhitelistPage />} />
                <Route path="geo" element={<GeoPage />} />
                <Route path="threats" element={<ThreatsPage />} />
                <Route path="ip/:ip" element={<IpPage />} />
                <Route path="vigimail" element={<VigimailPage />} />
                <Route path="enforcement" element={<EnforcementPage />} />
                <Route path="feeds" element={<FeedsPage />} />
                <Route path="sources" element={<SourcesPage />} />
                <Route path="status" element={<StatusPage />} />
                <Route path="account" element={<AccountPage />} />
                {settingsRoutes()}
                <Route path="*" element={<Navigate to="/" replace />} />
              </Route>
            </Routes>
          </AuthProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
