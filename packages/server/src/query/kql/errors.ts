/** Where in the query text something is: 1-based line and column, and the 0-based offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/**
 * A query the caller got wrong: syntax, an unknown table, column or function, a type mismatch, a
 * construct outside the subset. The route answers it with a 400 problem+json carrying `line`,
 * `column`, `expected` and, for unknown names, `suggestions`. The message never holds SQL.
 */
export class KqlError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(
    message: string,
    at: Position,
    /** What would have been valid here ("an expression", "a column name"...), when that is known. */
    readonly expected?: string,
    /** The nearest valid names, for an unknown column, table or function. */
    readonly suggestions?: readonly string[],
  ) {
    super(message);
    this.name = "KqlError";
    this.line = at.line;
    this.column = at.column;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * Up to `max` names closest to `wanted`: a case-insensitive match first, then the nearest by edit
 * distance within a third of the word (at least 2), then names that contain it or it contains.
 */
export function nearest(wanted: string, names: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.ceil(w.length / 3));
  return names
    .map((name) => {
      const n = name.toLowerCase();
      let score = editDistance(w, n);
      if (n === w) score = -2;
      else if (score > limit && w.length >= 3 && (n.includes(w) || w.includes(n))) score = limit;
      return { name, score };
    })
    .filter((c) => c.score <= limit)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** ` Did you mean a, b?` or nothing. */
export function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length === 0 ? "" : ` Did you mean ${suggestions.join(", ")}?`;
}
