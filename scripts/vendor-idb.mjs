// Copies the pinned `idb` build into js/vendor/idb.js, so the browser entry
// loads from any static server with relative imports only (no bare
// specifier, no bundler). tests/vendor-idb.test.mjs checks the copy is current.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = require("idb/package.json");
const source = readFileSync(new URL("../node_modules/idb/build/index.js", import.meta.url), "utf8");
const license = readFileSync(new URL("../node_modules/idb/LICENSE", import.meta.url), "utf8");

export const header = (version) =>
  `// idb ${version} (ISC, Jake Archibald), copied verbatim from node_modules/idb/build/index.js\n` +
  `// by scripts/vendor-idb.mjs so browsers can import it by relative path. Do not edit.\n` +
  license.trim().split("\n").map((line) => `// ${line}`.trimEnd()).join("\n") + "\n";

export function vendored() {
  return header(pkg.version) + source;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL("../js/vendor/idb.js", import.meta.url), vendored());
  console.log(`js/vendor/idb.js ← idb ${pkg.version}`);
}
