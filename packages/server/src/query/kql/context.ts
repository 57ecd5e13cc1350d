import type { QueryParams } from "../../storage/event-store.js";
import { chTime } from "../event-filter.js";
import type { KqlType } from "./schema.js";

/** A compiled expression: its SQL (parameters only, no query text) and its KQL type. */
export interface Typed {
  sql: string;
  type: KqlType;
  /** The default output name Kusto would give it (a column's name, `count_`, `dcount_src_ip`). */
  hint?: string;
  /** Holds an aggregation (only valid in summarize). */
  aggregate?: boolean;
}

/** The columns an operator reads: name → how to read it in the current SELECT. */
export type Env = ReadonlyMap<string, { sql: string; type: KqlType }>;

/**
 * The server-side parameters of one compiled query. Every value from the query text goes through
 * here and reaches SQL as `{pN:Type}`; ClickHouse binds it, so no quoting or escaping is ever done.
 */
export class Params {
  readonly values: Record<string, QueryParams[string]> = {};
  private n = 0;

  add(type: string, value: QueryParams[string]): string {
    const name = `p${++this.n}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }

  /** A compiler-owned parameter with a fixed name (time range, scope, limit). */
  fixed(name: string, type: string, value: QueryParams[string]): string {
    this.values[name] = value;
    return `{${name}:${type}}`;
  }

  datetime(ms: number): string {
    return this.add("DateTime64(3, 'UTC')", chTime(ms));
  }
}

export interface CompileContext {
  params: Params;
  /** The clock for ago() and now(): the request's, so a query and its time range agree. */
  now: number;
}
