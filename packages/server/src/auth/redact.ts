/**
 * Remove secrets from what the audit log keeps of a request: any property whose name is, or ends in,
 * password, token, key, secret or api_key (so `new_password`, `session_token`, `api_key`…), at any depth,
 * any value that is a credential by itself (a Slack webhook URL), and the `user:password@` written
 * inside any URL (`https://user:pass@feeds.example.com/list.txt`).
 */
const SECRET_NAME = /(^|[_-])(password|passwd|token|key|secret|api_key|apikey)$/i;

export const REDACTED = "[redacted]";

/** URLs that are themselves credentials (a Slack incoming webhook's path is its token). */
const SECRET_URL = /^https:\/\/hooks\.slack(-gov)?\.com\//i;

/** `scheme://userinfo@`: the credentials part of a URL, wherever it appears in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]+@/gi;

/** The text with every URL's `user:password@` replaced by `[redacted]@`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(value)) {
      out[name] = SECRET_NAME.test(name) ? REDACTED : redactSecrets(v, depth + 1);
    }
    return out;
  }
  if (typeof value === "string" && SECRET_URL.test(value)) return REDACTED;
  if (typeof value === "string") {
    const clean = redactUrlCredentials(value);
    return clean.length > 2000 ? `${clean.slice(0, 2000)}…` : clean;
  }
  return value;
}
