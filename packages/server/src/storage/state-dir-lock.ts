import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * PGlite has no postmaster.pid guard: two processes opening the same data directory would both
 * write to it and corrupt it. A lock file holding the owner's pid refuses the second opener
 * (a stale file from a crashed process is taken over).
 */
const openInThisProcess = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock `<dataDir>/state.lock` (beside PGlite's directory, not inside PostgreSQL's own files). */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, "state.lock");
  const dir = join(dataDir, "state");
  if (openInThisProcess.has(file)) throw new Error(`state store ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      openInThisProcess.add(file);
      return async () => {
        openInThisProcess.delete(file);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new Error(
          `state store ${dir} is in use by process ${owner}; stop it first (or remove ${file})`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock state store ${dir}`);
}
