import { uuidv7 } from "uuidv7";
import { splitUrlCredentials, withUrlCredentials } from "../../auth/url-credentials.js";
import { HttpProblem } from "../../http/problem.js";
import type { TargetType } from "./enforcement-tables.js";
import type { SecretBox } from "./secret-box.js";
import {
  type FeedSyncStatus,
  statusOf,
  type TargetRepo,
  type TargetRow,
  type TargetStatus,
} from "./target-repo.js";
import type { WebhookConfig } from "./webhook-target.js";
import type { XgsConfig } from "./xgs-client.js";

/**
 * Enforcement targets: validation, sealing of secrets at rest, and the API view in which a secret
 * only ever appears as `********`. Sending `********` (or nothing) back on update keeps the old one.
 */
export const MASK = "********";
const SECRET_FIELD: Record<TargetType, string> = { sophos_xgs: "password", webhook: "secret" };

export interface TargetView {
  id: string;
  name: string;
  type: TargetType;
  enabled: boolean;
  config: Record<string, unknown>;
  sites: string[];
  status: TargetStatus;
}

export interface TargetInput {
  name: string;
  type: TargetType;
  enabled?: boolean | undefined;
  config: Record<string, unknown>;
  sites?: string[] | undefined;
}

export type OpenTarget =
  | { id: string; name: string; type: "sophos_xgs"; config: XgsConfig }
  | { id: string; name: string; type: "webhook"; config: WebhookConfig };

/**
 * The URL as a caller may see it: the credentials written in it only for an admin (decrypted),
 * `********` in their place for everyone else.
 */
export function shownUrl(url: string, sealed: unknown, box: SecretBox, revealCredentials: boolean): string {
  // Rows stored before credentials were sealed apart still carry them in the URL itself.
  const inline = splitUrlCredentials(url);
  const credentials = typeof sealed === "string" ? box.open(sealed) : inline.credentials;
  if (credentials === null) return url;
  return withUrlCredentials(inline.url, revealCredentials ? credentials : MASK);
}

function httpUrl(value: unknown, field: string): string {
  if (typeof value !== "string") throw new HttpProblem(400, `config.${field} is required`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HttpProblem(400, `config.${field} is not a URL: ${value}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new HttpProblem(400, `config.${field} must be an http or https URL`);
  return url.toString().replace(/\/$/, "");
}

/**
 * `url` without the credentials written in it, and those sealed apart as `url_credentials` (kept from
 * `previous` when sent back as `********@`).
 */
function checkUrl(
  value: unknown,
  previous: Record<string, unknown> | undefined,
  box: SecretBox,
): { url: string; url_credentials?: string } {
  const { url, credentials } = splitUrlCredentials(httpUrl(value, "url"));
  if (credentials === null) return { url };
  if (credentials === MASK) {
    const kept = previous?.url_credentials;
    if (typeof kept === "string") return { url, url_credentials: kept };
    const inline = typeof previous?.url === "string" ? splitUrlCredentials(previous.url).credentials : null;
    if (inline === null) throw new HttpProblem(400, "config.url: there are no stored credentials to keep");
    return { url, url_credentials: box.seal(inline) };
  }
  return { url, url_credentials: box.seal(credentials) };
}

/** The config to store: validated, its secret sealed (or kept from `previous` when masked/absent). */
function checkConfig(
  type: TargetType,
  input: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  box: SecretBox,
): Record<string, unknown> {
  const field = SECRET_FIELD[type];
  const given = input[field];
  let sealed: string;
  if (typeof given === "string" && given !== MASK && given.length > 0) sealed = box.seal(given);
  else if (typeof previous?.[field] === "string") sealed = previous[field] as string;
  else throw new HttpProblem(400, `config.${field} is required`);
  if (type === "sophos_xgs") {
    if (typeof input.username !== "string" || input.username.length === 0)
      throw new HttpProblem(400, "config.username is required");
    if (input.verify_tls !== undefined && typeof input.verify_tls !== "boolean")
      throw new HttpProblem(400, "config.verify_tls must be true or false");
    return {
      ...checkUrl(input.url, previous, box),
      username: input.username,
      password: sealed,
      verify_tls: input.verify_tls ?? true,
    };
  }
  return { ...checkUrl(input.url, previous, box), secret: sealed };
}

export function createTargetService(deps: {
  repo: TargetRepo;
  box: SecretBox;
  /** The feed-group sync status of a target, when known (see FeedSyncStatus). */
  feedStatus?: (id: string) => FeedSyncStatus | undefined;
}) {
  const { repo, box } = deps;

  /** `revealCredentials`: show the credentials written in the URL (admins only). */
  const view = (row: TargetRow, revealCredentials = false): TargetView => {
    const { url_credentials: sealedCredentials, ...config } = row.config;
    if (typeof config.url === "string")
      config.url = shownUrl(config.url, sealedCredentials, box, revealCredentials);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      enabled: row.enabled,
      config: { ...config, [SECRET_FIELD[row.type]]: MASK },
      sites: row.sites,
      status: statusOf(row, deps.feedStatus?.(row.id)),
    };
  };
  /** The URL to connect to: with its credentials, decrypted. */
  const openUrl = (c: Record<string, unknown>): string =>
    typeof c.url_credentials === "string"
      ? withUrlCredentials(String(c.url), box.open(c.url_credentials))
      : String(c.url);

  /** Every site named must exist: a 400 naming the first unknown one. */
  async function knownSites(sites: string[]): Promise<string[]> {
    const unique = [...new Set(sites)];
    const unknown = await repo.unknownSites(unique);
    if (unknown.length > 0) throw new HttpProblem(400, `sites: no site named "${unknown[0]}"`);
    return unique;
  }

  async function mustGet(id: string): Promise<TargetRow> {
    const row = await repo.get(id);
    if (!row) throw new HttpProblem(404, `No enforcement target with id ${id}`);
    return row;
  }

  return {
    view,
    async list(revealCredentials = false): Promise<TargetView[]> {
      return (await repo.list()).map((row) => view(row, revealCredentials));
    },
    async get(id: string, revealCredentials = false): Promise<TargetView> {
      return view(await mustGet(id), revealCredentials);
    },
    async create(input: TargetInput): Promise<TargetView> {
      if (await repo.nameTaken(input.name))
        throw new HttpProblem(409, `An enforcement target named "${input.name}" already exists`);
      const config = checkConfig(input.type, input.config, undefined, box);
      const row = await repo.insert({
        id: uuidv7(),
        name: input.name,
        type: input.type,
        enabled: input.enabled ?? true,
        config,
        sites: await knownSites(input.sites ?? []),
      });
      return view(row, true);
    },
    async update(id: string, input: TargetInput): Promise<TargetView> {
      const old = await mustGet(id);
      if (input.type !== old.type)
        throw new HttpProblem(400, `A target's type cannot change (it is ${old.type}); create a new one`);
      if (await repo.nameTaken(input.name, id))
        throw new HttpProblem(409, `An enforcement target named "${input.name}" already exists`);
      const config = checkConfig(old.type, input.config, old.config, box);
      const row = await repo.update(id, {
        name: input.name,
        enabled: input.enabled ?? old.enabled,
        config,
        sites: input.sites === undefined ? old.sites : await knownSites(input.sites),
      });
      if (!row) throw new HttpProblem(404, `No enforcement target with id ${id}`);
      return view(row, true);
    },
    async remove(id: string): Promise<void> {
      if (!(await repo.remove(id))) throw new HttpProblem(404, `No enforcement target with id ${id}`);
    },
    /** The target with its secret decrypted, for the reconciler only. */
    open(row: TargetRow): OpenTarget {
      const c = row.config;
      if (row.type === "sophos_xgs")
        return {
          id: row.id,
          name: row.name,
          type: "sophos_xgs",
          config: {
            url: openUrl(c),
            username: String(c.username),
            password: box.open(String(c.password)),
            verify_tls: c.verify_tls !== false,
          },
        };
      return {
        id: row.id,
        name: row.name,
        type: "webhook",
        config: { url: openUrl(c), secret: box.open(String(c.secret)) },
      };
    },
  };
}

export type TargetService = ReturnType<typeof createTargetService>;
