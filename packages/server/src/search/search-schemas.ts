import { Type } from "@fastify/type-provider-typebox";
import { ProblemSchema } from "../http/problem.js";
import { MAX_QUERY_CHARS } from "../query/kql/lexer.js";

/** TypeBox schemas of the search API (validation and the OpenAPI document). */

export const KqlBody = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: MAX_QUERY_CHARS,
      description: "A KQL query: a table (Events, SecurityEvent, ModSecLogs) and a pipeline of operators",
      examples: ['Events | where action == "drop" | summarize count() by src_ip | top 10 by count_'],
    }),
    from: Type.Optional(
      Type.String({ description: "ISO 8601 start (inclusive); default: 24 hours before `to`" }),
    ),
    to: Type.Optional(Type.String({ description: "ISO 8601 end (exclusive); default: now" })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, description: "Rows returned at most (default 500)" }),
    ),
  },
  { additionalProperties: false },
);

const KqlTypeSchema = Type.Union([
  Type.Literal("string"),
  Type.Literal("long"),
  Type.Literal("real"),
  Type.Literal("bool"),
  Type.Literal("datetime"),
  Type.Literal("timespan"),
  Type.Literal("dynamic"),
]);

export const KqlResultSchema = Type.Object({
  columns: Type.Array(Type.Object({ name: Type.String(), type: KqlTypeSchema })),
  rows: Type.Array(Type.Array(Type.Unknown()), {
    description: "One array per row, values in column order; datetimes ISO 8601, timespans in milliseconds",
  }),
  truncated: Type.Boolean({ description: "More rows matched than `limit`; only the first `limit` are here" }),
  stats: Type.Object({
    rows_read: Type.Number({ description: "Rows ClickHouse read to answer" }),
    bytes_read: Type.Number({ description: "Bytes (uncompressed) ClickHouse read to answer" }),
    elapsed_ms: Type.Number({ description: "Query time inside ClickHouse" }),
  }),
});

/** A problem with the KQL error's position: where the query went wrong and what would have been valid. */
export const KqlProblemSchema = Type.Object(
  {
    ...ProblemSchema.properties,
    line: Type.Optional(Type.Integer({ description: "1-based line of the error in the query" })),
    column: Type.Optional(Type.Integer({ description: "1-based column of the error in the query" })),
    expected: Type.Optional(Type.String({ description: "What would have been valid there" })),
    suggestions: Type.Optional(Type.Array(Type.String(), { description: "The nearest valid names" })),
    limit: Type.Optional(Type.String({ description: "The execution limit the query ran into" })),
  },
  { title: "KqlProblem" },
);

export const SchemaResponse = Type.Object({
  tables: Type.Array(
    Type.Object({
      name: Type.String(),
      description: Type.String(),
      columns: Type.Array(Type.Object({ name: Type.String(), type: KqlTypeSchema })),
    }),
  ),
  operators: Type.Array(Type.String()),
  functions: Type.Array(Type.String()),
  aggregations: Type.Array(Type.String()),
});
