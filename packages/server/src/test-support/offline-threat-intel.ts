import { THREAT_INTEL_PROVIDERS } from "../config/config.js";

/**
 * Test Vigils never reach a threat-intelligence provider on the internet: every per-IP provider's
 * base URL points at a closed local port (the discard port, refused at once), so a lookup's rows say
 * "error" quickly. A test that wants answers overrides the URL with a local fake. IPsum is left
 * alone: its download only starts when its URL is set or it is enabled.
 */
const CLOSED = "http://127.0.0.1:9";

export const OFFLINE_THREAT_INTEL_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  THREAT_INTEL_PROVIDERS.filter((name) => name !== "ipsum").map((name) => [
    `VIGIL_TI_${name.toUpperCase()}_URL`,
    CLOSED,
  ]),
);
