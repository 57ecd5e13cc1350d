/**
 * KQL for CodeMirror: a small stream tokenizer for highlighting (the server's parser is the judge of
 * what is valid; this only colours) and a completion source fed by `GET /api/v1/search/schema`.
 */
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { StreamLanguage, type StringStream } from "@codemirror/language";
import type { KqlSchema } from "./hunt-api.js";

/** Words that read as keywords wherever they stand (scalar operators and pipeline clauses). */
const WORDS = new Set([
  "and",
  "or",
  "not",
  "by",
  "asc",
  "desc",
  "nulls",
  "first",
  "last",
  "in",
  "has",
  "contains",
  "startswith",
  "endswith",
  "matches",
  "regex",
  "between",
  "true",
  "false",
  "has_cs",
  "contains_cs",
  "startswith_cs",
  "endswith_cs",
]);
const TABLES = new Set(["events", "securityevent", "modseclogs"]);

interface State {
  /** The next word is an operator name (start of a pipeline step). */
  afterPipe: boolean;
}

function token(stream: StringStream, state: State): string | null {
  if (stream.eatSpace()) return null;
  if (stream.match("//")) {
    stream.skipToEnd();
    return "comment";
  }
  const ch = stream.peek() ?? "";
  if (ch === "|") {
    stream.next();
    state.afterPipe = true;
    return "operator";
  }
  if (ch === '"' || ch === "'" || (ch === "@" && /["']/.test(stream.string.charAt(stream.pos + 1)))) {
    const verbatim = ch === "@";
    if (verbatim) stream.next();
    const quote = stream.next();
    let escaped = false;
    for (let c = stream.next(); c !== undefined; c = stream.next()) {
      if (c === quote && !escaped) break;
      escaped = !verbatim && !escaped && c === "\\";
    }
    state.afterPipe = false;
    return "string";
  }
  // Numbers and timespans (1h, 30s, 100ms, 1.5e3).
  if (stream.match(/^\d+(\.\d+)?(e[+-]?\d+)?(ms|microsecond|tick|[dhms])?\b/i)) {
    state.afterPipe = false;
    return "number";
  }
  const word = stream.match(/^[A-Za-z_][\w-]*/) as RegExpMatchArray | null;
  if (word) {
    const text = word[0];
    const wasAfterPipe = state.afterPipe;
    state.afterPipe = false;
    if (wasAfterPipe) return "keyword";
    const lower = text.toLowerCase();
    if (TABLES.has(lower)) return "typeName";
    if (WORDS.has(lower)) return "keyword";
    if (stream.match(/^\s*\(/, false)) return "variableName.function";
    return "variableName";
  }
  if (stream.match(/^(==|!=|<=|>=|=~|!~|!in~?|in~|\.\.|[-+*/%<>=!,()[\]])/)) return "operator";
  stream.next();
  return null;
}

export const kqlLanguage = StreamLanguage.define<State>({
  name: "kql",
  startState: () => ({ afterPipe: false }),
  token,
  languageData: { commentTokens: { line: "//" } },
});

/** The table named at the start of the query (for column completion); Events when none yet. */
function tableOf(text: string, schema: KqlSchema) {
  const first = /^\s*(?:\/\/[^\n]*\n\s*)*([A-Za-z_]\w*)/.exec(text)?.[1]?.toLowerCase();
  const alias = first === "securityevent" ? "events" : first;
  return (
    schema.tables.find((t) => t.name.toLowerCase() === alias) ??
    schema.tables.find((t) => t.name === "Events") ??
    schema.tables[0]
  );
}

/** Completion from the server's schema: tables first, operators after `|`, else columns and functions. */
export function kqlCompletion(schema: KqlSchema) {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const before = context.state.doc.sliceString(0, word.from);
    let options: Completion[];
    if (/^\s*(\/\/[^\n]*\n\s*)*$/.test(before)) {
      options = schema.tables.map((t) => ({
        label: t.name,
        type: "class",
        detail: "table",
        info: t.description,
      }));
    } else if (/\|\s*$/.test(before)) {
      options = schema.operators.map((op) => ({ label: op, type: "keyword" }));
    } else {
      const table = tableOf(context.state.doc.toString(), schema);
      options = [
        ...(table?.columns ?? []).map((c) => ({ label: c.name, type: "property", detail: c.type, boost: 2 })),
        ...schema.aggregations.map((f) => ({
          label: f,
          type: "function",
          detail: "aggregation",
          apply: `${f}(`,
        })),
        ...schema.functions.map((f) => ({ label: f, type: "function", apply: `${f}(` })),
        ...[...WORDS].map((w) => ({ label: w, type: "keyword", boost: -1 })),
      ];
    }
    return { from: word.from, options, validFor: /^[\w-]*$/ };
  };
}
