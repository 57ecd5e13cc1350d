/**
 * Test Vigils never reach DNS or a leak provider on the internet: resolvers and provider URLs point at
 * closed local ports, refused at once. A test that wants answers starts a local DNS server and fakes.
 */
export const OFFLINE_VIGIMAIL_ENV: Readonly<Record<string, string>> = {
  VIGIL_DNS_SERVERS: "127.0.0.1:9",
  VIGIL_HIBP_URL: "http://127.0.0.1:9",
  VIGIL_LEAKCHECK_URL: "http://127.0.0.1:9",
};
