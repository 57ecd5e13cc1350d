/**
 * The one way the console talks HTTP: adds the Bearer token, turns failures into ApiError with the
 * problem+json detail, and reports a 401 so the app can send the user back to sign-in.
 */
import { currentToken } from "../auth/session.js";
import { ApiError, problemFromResponse } from "./problem.js";

type Query = URLSearchParams | Record<string, string | number | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Login answers 401 for bad credentials: that is not an expired session. */
  skipUnauthorizedHook?: boolean;
}

function toSearch(query: Query | undefined): string {
  if (!query) return "";
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class ApiClient {
  private readonly onUnauthorized: () => void;

  constructor(onUnauthorized: () => void) {
    this.onUnauthorized = onUnauthorized;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = currentToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers };
    if (options.signal) init.signal = options.signal;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    const res = await fetch(`${path}${toSearch(options.query)}`, init);
    if (!res.ok) {
      const error = await problemFromResponse(res);
      if (res.status === 401 && !options.skipUnauthorizedHook) this.onUnauthorized();
      throw error;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, "Bad response", "The server sent a response the console cannot read.");
    }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    const options: RequestOptions = {};
    if (query) options.query = query;
    if (signal) options.signal = signal;
    return this.request<T>("GET", path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }

  delete(path: string): Promise<void> {
    return this.request<void>("DELETE", path);
  }
}
