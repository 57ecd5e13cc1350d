// `npm start` runs this before the server: it builds the console and the server only when their
// sources changed since the last successful build, so restarting an unchanged checkout takes seconds
// instead of a full Vite + tsc build. Each package's inputs (sources without tests, its package and
// TypeScript files, the lockfile) are hashed by content, not mtime, so a fresh clone, a `git checkout`
// that restores the same text or a copy does not trigger a rebuild, and any real change does. The hash
// is stamped into the package's dist/ after its build succeeds; deleting dist/ forces a build.
// Usage: node scripts/build-if-stale.mjs [--force]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const SHARED = ["package-lock.json", "tsconfig.base.json"];
const STAMP = "dist/.build-stamp";

// The console imports only types from packages/server/src (erased by Vite), so server edits leave its
// bundle unchanged and are not among its inputs.
const TARGETS = [
  {
    name: "console",
    dir: "packages/web",
    inputs: ["src", "public", "index.html", "vite.config.ts", "package.json", "tsconfig.json"],
    output: "dist/index.html",
  },
  {
    name: "server",
    dir: "packages/server",
    inputs: ["src", "package.json", "tsconfig.json", "tsconfig.build.json"],
    output: "dist/main.js",
  },
];

// Tests and test helpers are not part of either build; editing them must not cost a rebuild.
const isBuildInput = (path) => !/\.test\.tsx?$/.test(path) && !path.includes("/test-support/");

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function inputHash(target) {
  const paths = [
    ...target.inputs.flatMap((p) => files(join(ROOT, target.dir, p))),
    ...SHARED.map((p) => join(ROOT, p)),
  ]
    .map((p) => relative(ROOT, p))
    .filter(isBuildInput)
    .sort();
  const hash = createHash("sha256");
  for (const p of paths) {
    hash.update(`${p}\0`);
    hash.update(readFileSync(join(ROOT, p)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const force = process.argv.includes("--force");
for (const target of TARGETS) {
  const started = Date.now();
  const hash = inputHash(target);
  const stampPath = join(ROOT, target.dir, STAMP);
  const stamped = existsSync(stampPath) ? readFileSync(stampPath, "utf8").trim() : null;
  if (!force && stamped === hash && existsSync(join(ROOT, target.dir, target.output))) {
    console.log(`${target.name}: up to date (checked in ${Date.now() - started} ms)`);
    continue;
  }
  const why = force ? "build asked for" : stamped ? "sources changed" : "no build yet";
  console.log(`${target.name}: ${why}, building…`);
  // npm is npm.cmd on Windows, which Node only runs through a shell.
  const win = process.platform === "win32";
  const run = spawnSync(win ? "npm.cmd" : "npm", ["run", "build", "-w", target.dir], {
    cwd: ROOT,
    stdio: "inherit",
    shell: win,
  });
  if (run.status !== 0) {
    console.error(`${target.name}: build failed`);
    process.exit(run.status ?? 1);
  }
  writeFileSync(stampPath, `${hash}\n`);
}
