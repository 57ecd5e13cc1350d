import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared` beside the repository: present in CI and development, never on a user's machine. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const SHARED_DIR = process.env.VIGIL_SHARED_DIR ?? resolve(repoRoot, "../shared");
export const CORPUS_DIR = join(SHARED_DIR, "corpus");
export const hasCorpus = existsSync(CORPUS_DIR);

if (!hasCorpus) {
  console.warn(
    `[corpus] ${CORPUS_DIR} is absent: corpus tests are SKIPPED (the in-repo fixtures still run).`,
  );
}

export function corpusPath(...parts: string[]): string {
  return join(CORPUS_DIR, ...parts);
}
