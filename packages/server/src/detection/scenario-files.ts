import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseScenarioYaml, ScenarioYamlError } from "./scenario-yaml.js";
import type { Scenario } from "./types.js";

/**
 * Scenario files on disk: the shipped defaults (`scenarios/` at the repository root) and an optional
 * operator folder. One bad file is reported and skipped; it never takes the others down.
 */
export interface FileScenario {
  scenario: Scenario;
  file: string;
  yaml: string;
}

export interface LoadedFolder {
  scenarios: FileScenario[];
  errors: { file: string; message: string }[];
}

/** The shipped scenarios: beside the sources (src/ or dist/ → ../../../scenarios), else under the cwd. */
export function builtinScenariosDir(): string {
  const candidates = [
    resolve(import.meta.dirname, "../../../../scenarios"),
    resolve(process.cwd(), "scenarios"),
  ];
  return candidates.find((d) => existsSync(d)) ?? (candidates[0] as string);
}

export async function loadScenarioFolder(dir: string, kind: "builtin" | "dir"): Promise<LoadedFolder> {
  const out: LoadedFolder = { scenarios: [], errors: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw err;
  }
  const seen = new Set<string>();
  for (const name of names) {
    const path = join(dir, name);
    const label = kind === "builtin" ? `scenarios/${name}` : path;
    try {
      const yaml = await readFile(path, "utf8");
      const scenario = parseScenarioYaml(yaml, { file: label, origin: `${kind}:${name}` });
      if (seen.has(scenario.name)) {
        out.errors.push({ file: label, message: `${label}: scenario '${scenario.name}' is defined twice` });
        continue;
      }
      seen.add(scenario.name);
      out.scenarios.push({ scenario, file: name, yaml });
    } catch (err) {
      if (err instanceof ScenarioYamlError) out.errors.push({ file: label, message: err.message });
      else out.errors.push({ file: label, message: `${label}: ${(err as Error).message}` });
    }
  }
  return out;
}
