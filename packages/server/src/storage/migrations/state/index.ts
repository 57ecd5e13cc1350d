import type { Migration } from "kysely";
import * as auth from "./0001-auth.js";
import * as sources from "./0002-sources.js";
import * as detection from "./0003-detection.js";
import * as response from "./0004-response.js";
import * as enforcement from "./0005-enforcement.js";
import * as bouncers from "./0006-bouncers.js";
import * as feeds from "./0007-feeds.js";
import * as channels from "./0008-channels.js";
import * as alerts from "./0009-alerts.js";
import * as sourceVia from "./0010-source-via.js";
import * as pendingUnverified from "./0011-pending-unverified-sender.js";
import * as tenancy from "./0012-tenancy.js";
import * as mfa from "./0013-mfa.js";
import * as oidc from "./0014-oidc.js";
import * as bouncerDecisionSites from "./0015-bouncer-decision-sites.js";
import * as threatIntel from "./0016-threat-intel.js";
import * as banThreatSources from "./0017-ban-threat-sources.js";
import * as threatProviderSettings from "./0018-threat-provider-settings.js";
import * as search from "./0019-search.js";
import * as vigimail from "./0020-vigimail.js";

/**
 * Every state-store migration, in the order it runs. Names sort in that same order (Kysely checks),
 * and a migration, once released, is never edited: add a new one instead.
 */
export const STATE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001-auth": auth,
  "0002-sources": sources,
  "0003-detection": detection,
  "0004-response": response,
  "0005-enforcement": enforcement,
  "0006-bouncers": bouncers,
  "0007-feeds": feeds,
  "0008-channels": channels,
  "0009-alerts": alerts,
  "0010-source-via": sourceVia,
  "0011-pending-unverified-sender": pendingUnverified,
  "0012-tenancy": tenancy,
  "0013-mfa": mfa,
  "0014-oidc": oidc,
  "0015-bouncer-decision-sites": bouncerDecisionSites,
  "0016-threat-intel": threatIntel,
  "0017-ban-threat-sources": banThreatSources,
  "0018-threat-provider-settings": threatProviderSettings,
  "0019-search": search,
  "0020-vigimail": vigimail,
};
