import { Navigate, Route } from "react-router";
import { ApiKeysPage } from "./api-keys/api-keys-page.js";
import { AuditPage } from "./audit/audit-page.js";
import { ClientsPage } from "./clients/clients-page.js";
import { SettingsLayout } from "./settings-layout.js";
import { ThreatSettingsPage } from "./threat-intel/threat-settings-page.js";
import { UsersPage } from "./users/users-page.js";

/** The /settings pages, as a fragment of the app's route tree (called, not rendered as a component). */
export function settingsRoutes() {
  return (
    <Route path="settings" element={<SettingsLayout />}>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="api-keys" element={<ApiKeysPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="clients" element={<ClientsPage />} />
      <Route path="threat-intel" element={<ThreatSettingsPage />} />
    </Route>
  );
}
