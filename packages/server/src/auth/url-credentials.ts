import type { SecretBox } from "../response/enforcement/secret-box.js";

/**
 * Credentials written inside a URL (`https://user:pass@feeds.example.com/list.txt`): taken out to be
 * sealed apart, shown to admins only (`********@` in their place for everyone else), put back only
 * for the connection itself.
 */
export const URL_CREDENTIALS_MASK = "********";

/** The URL without its `user:password@`, and those as written (percent-encoded), or null. */
export function splitUrlCredentials(url: string): { url: string; credentials: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, credentials: null };
  }
  if (parsed.username === "" && parsed.password === "") return { url, credentials: null };
  const credentials = parsed.password === "" ? parsed.username : `${parsed.username}:${parsed.password}`;
  // Cut the userinfo out of the text as written, so the rest of the URL stays exactly as it was.
  const at = url.indexOf("@", url.indexOf("://") + 3);
  return { url: `${url.slice(0, url.indexOf("://") + 3)}${url.slice(at + 1)}`, credentials };
}

/** `scheme://credentials@rest`. */
export function withUrlCredentials(url: string, credentials: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1${credentials}@`);
}

/** The URL with its credentials replaced by the mask (unchanged when it has none). */
export function maskUrlCredentials(url: string): string {
  const { url: bare, credentials } = splitUrlCredentials(url);
  return credentials === null ? url : withUrlCredentials(bare, URL_CREDENTIALS_MASK);
}

/**
 * Credentials sealed inside the URL's own userinfo (`https://v1%3A…@host/…`), for a store that keeps
 * the URL in one text column: the row still reads as a URL, and holds no credential in clear.
 */
const SEALED_PREFIX = "v1%3A";

export function sealUrlCredentials(url: string, box: SecretBox): string {
  const { url: bare, credentials } = splitUrlCredentials(url);
  if (credentials === null || credentials.startsWith(SEALED_PREFIX)) return url;
  return withUrlCredentials(bare, encodeURIComponent(box.seal(credentials)));
}

/** The URL to connect to (credentials decrypted), from one that `sealUrlCredentials` stored. */
export function openUrlCredentials(url: string, box: SecretBox | undefined): string {
  const { url: bare, credentials } = splitUrlCredentials(url);
  if (credentials === null || !credentials.startsWith(SEALED_PREFIX) || !box) return url;
  return withUrlCredentials(bare, box.open(decodeURIComponent(credentials)));
}
