/**
 * The shapes of the HTTP API the console calls. The event itself is the server's normalised Event
 * (shared, so the two cannot drift), except that JSON carries the time as an ISO 8601 string.
 */
import type { Event, ModSecRow, Severity } from "../../../server/src/ingest/event.js";

export type { Severity };

export type Role = "admin" | "supervisor" | "analyst" | "audit";

export interface User {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  /** The user's client; null (or absent, on older servers) for operator staff, who see every client. */
  client?: string | null;
  mfa_enabled?: boolean;
  /** The role must use MFA and it is not on yet: the server answers only enrolment until it is. */
  mfa_enrollment_required?: boolean;
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: User;
}

/** The login reply when MFA is on: a code is needed (POST /api/v1/auth/mfa/verify). */
export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
}

export type ApiEvent = Omit<Event, "timestamp"> & { timestamp: string };
export type ApiModSecRow = Omit<ModSecRow, "timestamp"> & { timestamp: string };

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface EventDetail {
  event: ApiEvent;
  modsec: ApiModSecRow[];
}

export interface KeyCount {
  key: string;
  count: number;
  label?: string;
}

export interface EventStats {
  total: number;
  by_log_type: KeyCount[];
  by_severity: KeyCount[];
  by_action: KeyCount[];
  by_site: KeyCount[];
  unique_src_ips: number;
}

export interface TimelineBucket {
  t: string;
  count: number;
  by_severity: Record<Severity, number>;
}

export interface Timeline {
  bucket_seconds: number;
  buckets: TimelineBucket[];
}

/** `attacker`: source IPs ranked by drops, rejections and detections only (the dashboard's top attackers). */
export type TopDimension = "src_ip" | "country" | "rule" | "dst_ip" | "hostname" | "user_agent" | "attacker";

export interface GeoPoint {
  country: string;
  count: number;
  lat: number;
  lon: number;
}

export interface SiteSummary {
  site: string;
  /** The client (tenant) the site belongs to; servers before clients send none. */
  client?: string;
  event_count: number;
  first_event?: string | null;
  last_event: string | null;
}

export type MatchType = "ip" | "hostname" | "serial";

export interface Source {
  id: string | null;
  match_type: MatchType;
  match_value: string;
  site: string;
  timezone: string;
  name: string;
  last_seen: string | null;
  registered: boolean;
  /** For a hostname or serial: the sender address it was last seen behind ("" when never seen). */
  via: string;
  event_count: number;
}

export interface SourceInput {
  match_type: MatchType;
  match_value: string;
  site: string;
  timezone: string;
  name: string;
}

/** Messages the server pushes over the WebSocket. */
export type ServerMessage =
  | { type: "hello"; data: { user: User } }
  | { type: "new_event"; data: ApiEvent }
  | { type: "lagged"; dropped: number }
  | { type: string; data?: unknown };

export interface StoreHealth {
  kind: string;
  ok: boolean;
}

export interface ListenerStatus {
  name: string;
  transport: string;
  port: number;
  ok: boolean;
  received: number;
  errors: number;
}

export interface SystemStatus {
  version: string;
  uptime_s: number;
  stores: { events: StoreHealth; state: StoreHealth };
  listeners: ListenerStatus[];
  ingest: {
    received_per_s: number;
    stored_per_s: number;
    queued: number;
    received_total: number;
    stored_total: number;
    kept_raw_total: number;
    rejected_total: number;
    dead_lettered: number;
    /** UDP lines dropped before parsing while the write queue was full (not counted as received). */
    dropped_total: number;
  };
}
