/** An API failure as the user should read it: RFC 7807 `detail` when the server sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Seconds, from Retry-After on a 429. */
  readonly retryAfter: number | null;
  /** The parsed problem body, for extension members such as a validator's `errors` list. */
  readonly body: unknown;

  constructor(
    status: number,
    title: string,
    detail: string,
    retryAfter: number | null = null,
    body: unknown = null,
  ) {
    super(detail || title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

function field(body: unknown, key: string): string {
  if (typeof body === "object" && body !== null && key in body) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === "string") return value;
  }
  return "";
}

/** Builds the error from a failed response, reading a problem+json body when there is one. */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const text = await res.text().catch(() => "");
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  const retry = Number(res.headers.get("retry-after"));
  const title = field(body, "title") || res.statusText || `HTTP ${res.status}`;
  const detail = field(body, "detail") || field(body, "message") || defaultDetail(res.status);
  return new ApiError(res.status, title, detail, Number.isFinite(retry) && retry > 0 ? retry : null, body);
}

function defaultDetail(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "Your role does not allow this.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Please wait a moment.";
  if (status >= 500) return "The server failed to answer. Try again shortly.";
  return `Request failed (HTTP ${status}).`;
}

/** Message for any thrown value: ApiError detail, network failure, or the error text. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail || error.message;
  if (error instanceof TypeError) return "Cannot reach the Vigil server. Check the connection.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
