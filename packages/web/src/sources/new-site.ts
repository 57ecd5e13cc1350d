/** The site the Sources forms can create in place (POST /api/v1/sites) before saving a sender to it. */
import { nameProblem, optionalText } from "../admin/admin-format.js";

export interface NewSiteDraft {
  name: string;
  /** Null until one is picked: every site belongs to a client. */
  client: string | null;
  description: string;
}

export const emptySiteDraft = (): NewSiteDraft => ({ name: "", client: null, description: "" });

/** Why the draft cannot be created yet, or null when it can. */
export function draftProblem(draft: NewSiteDraft): string | null {
  const name = draft.name.trim();
  if (name === "") return "Name the new site";
  const problem = nameProblem(name);
  if (problem) return problem;
  return draft.client === null ? "Choose the site's client" : null;
}

/** The body of POST /api/v1/sites: trimmed name, the client, the description or null. */
export function siteBody(draft: NewSiteDraft): { name: string; client: string; description: string | null } {
  return {
    name: draft.name.trim(),
    client: draft.client ?? "",
    description: optionalText(draft.description),
  };
}
