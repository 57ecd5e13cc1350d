// Checks every locked package's `engines.node` against the Node.js versions Vigil claims to run on
// (root package.json `engines.node`), so the README's minimum stays true and `npm install` prints
// no EBADENGINE. Usage: node scripts/check-engines.mjs [version…] (defaults: the lowest version of
// each major line the range admits, plus that line's .x latest known to the range).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// semver comes with fastify (a server dependency), so this needs nothing installed beyond `npm install`.
const semver = createRequire(import.meta.url)("semver");

const root = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
const claimed = root.engines.node;

function lowestOfEachMajor(range) {
  const found = [];
  for (let major = 18; major <= 26; major++) {
    for (let minor = 0; minor <= 40; minor++) {
      const v = `${major}.${minor}.0`;
      if (semver.satisfies(v, range)) {
        found.push(v);
        break;
      }
    }
  }
  return found;
}

const versions = process.argv.length > 2 ? process.argv.slice(2) : lowestOfEachMajor(claimed);
let failures = 0;
for (const version of versions) {
  for (const [path, pkg] of Object.entries(lock.packages)) {
    const wanted = pkg.engines?.node;
    // Optional platform packages (a wasm or another OS's binary) are never installed here.
    if (!path || !wanted || pkg.optional) continue;
    if (!semver.satisfies(version, wanted)) {
      failures++;
      console.log(`node ${version}: ${path.replace(/^.*node_modules\//, "")}@${pkg.version} wants ${wanted}`);
    }
  }
}
console.log(
  failures === 0
    ? `engines: every locked package runs on node ${versions.join(", ")} (package.json says ${claimed})`
    : `engines: ${failures} mismatch(es) against package.json's ${claimed}`,
);
process.exit(failures === 0 ? 0 : 1);
