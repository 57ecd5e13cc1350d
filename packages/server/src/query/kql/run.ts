import type { EventStore, QueryStats } from "../../storage/event-store.js";
import { type CompileOptions, compileKql, DEFAULT_LIMITS } from "./compile.js";
import type { KqlType } from "./schema.js";

export interface KqlResult {
  columns: Array<{ name: string; type: KqlType }>;
  rows: unknown[][];
  truncated: boolean;
  stats: QueryStats;
}

/**
 * A query that compiled but that ClickHouse stopped or refused: past a limit (`limit` names the
 * setting, status 408 for time), or a value the engine would not take (a regex RE2 cannot compile).
 * The message is ours; ClickHouse's own text (which may quote SQL) is never passed on.
 */
export class KqlRunError extends Error {
  constructor(
    readonly status: 400 | 408,
    message: string,
    readonly limit?: "max_execution_time" | "max_memory_usage",
  ) {
    super(message);
    this.name = "KqlRunError";
  }
}

/** ClickHouse error codes that are the query's doing (by number; the name is in the message too). */
const INPUT_ERRORS: Record<number, string> = {
  6: "a value could not be parsed",
  27: "a value could not be parsed",
  36: "a function got an argument it does not accept",
  38: "a date could not be parsed",
  41: "a date and time could not be parsed",
  43: "a function got a value of the wrong type",
  53: "two values of different types were compared",
  69: "a value is out of range",
  70: "a value could not be converted",
  153: "a division by zero",
  386: "values have no common type",
  427: "the regular expression is not valid (RE2 syntax)",
};

/** Maps a ClickHouse exception to a KqlRunError, or null when it is not the query's doing. */
export function runErrorOf(err: unknown, limits = DEFAULT_LIMITS): KqlRunError | null {
  const text = err instanceof Error ? err.message : String(err);
  const code = Number(/Code: (\d+)/.exec(text)?.[1] ?? Number.NaN);
  if (code === 159 || /TIMEOUT_EXCEEDED/.test(text)) {
    return new KqlRunError(
      408,
      `The query ran past its time limit (max_execution_time ${limits.maxExecutionSeconds} s). Narrow the time range or filter earlier.`,
      "max_execution_time",
    );
  }
  if (code === 241 || /MEMORY_LIMIT_EXCEEDED/.test(text)) {
    return new KqlRunError(
      400,
      `The query needed more memory than its limit (max_memory_usage ${Math.round(limits.maxMemoryBytes / 1048576)} MiB). Aggregate fewer distinct values or narrow the time range.`,
      "max_memory_usage",
    );
  }
  const reason = INPUT_ERRORS[code];
  return reason ? new KqlRunError(400, `The query could not run: ${reason}.`) : null;
}

/** ClickHouse's "2024-05-01 12:00:00.000" (UTC) → ISO 8601, as the rest of the API writes times. */
function isoTime(v: unknown): unknown {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(v)
    ? `${v.replace(" ", "T")}Z`
    : v;
}

/** Compile and run a KQL query; throws KqlError (bad query), KqlRunError (stopped), or the store's own error. */
export async function runKql(store: EventStore, text: string, options: CompileOptions): Promise<KqlResult> {
  const compiled = compileKql(text, options);
  let answer: Awaited<ReturnType<EventStore["queryCompact"]>>;
  try {
    answer = await store.queryCompact(compiled.sql, compiled.params);
  } catch (err) {
    throw runErrorOf(err, options.limits) ?? err;
  }
  const truncated = answer.rows.length > options.limit;
  const rows = truncated ? answer.rows.slice(0, options.limit) : answer.rows;
  const times = compiled.columns.flatMap((c, i) => (c.type === "datetime" ? [i] : []));
  if (times.length > 0) {
    for (const row of rows) for (const i of times) row[i] = isoTime(row[i]);
  }
  return { columns: compiled.columns, rows, truncated, stats: answer.stats };
}
