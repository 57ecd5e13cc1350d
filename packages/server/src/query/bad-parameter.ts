/**
 * A query parameter the caller got wrong. Routes turn it into a 400 application/problem+json whose
 * `detail` names the parameter and says why, so the console can show it next to the right field.
 */
export class BadParameterError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly parameter: string,
    reason: string,
  ) {
    super(`${parameter}: ${reason}`);
    this.name = "BadParameterError";
  }

  /** RFC 7807 body. */
  toProblem(): { type: string; title: string; status: number; detail: string } {
    return { type: "about:blank", title: "Bad Request", status: 400, detail: this.message };
  }
}

/** Quote a caller's value for an error message without letting it run on for pages. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
