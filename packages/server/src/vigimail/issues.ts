/**
 * A finding on a domain's mail posture, in words a client can act on: what is wrong and how to fix
 * it. `code` is stable (tests, the console's grouping); `severity` drives the score (posture-score.ts).
 */
export type IssueSeverity = "critical" | "high" | "medium" | "low" | "info";

export interface PostureIssue {
  code: string;
  severity: IssueSeverity;
  message: string;
  fix: string;
}

export const issue = (code: string, severity: IssueSeverity, message: string, fix: string): PostureIssue => ({
  code,
  severity,
  message,
  fix,
});

/** A check whose lookup could not be answered is "unknown", never "missing". */
export const lookupFailed = (check: string, what: string): PostureIssue =>
  issue(
    `${check}_lookup_failed`,
    "high",
    `${what}; the ${check.toUpperCase()} state is unknown, not missing`,
    "Check that the domain's name servers answer, then run the check again",
  );

/** Blocking problems: anything critical or high makes the record "not valid". */
export const isBlocking = (i: PostureIssue) => i.severity === "critical" || i.severity === "high";
