// Copies the pinned uPlot build (its ESM file and stylesheet, with its
// licence) into www/vendor/, so the app loads the chart library by relative
// path from any static server, the Worker's staged assets included (those
// are www/ and js/ only: node_modules is never served). Pass the package
// folder when it is not node_modules/uplot. tests/www/vendor-uplot.test.mjs
// checks the copy is current.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PINNED = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies.uplot;

const NOTE = (version) => [
  `uPlot ${version} (MIT, Leon Sorokin), copied verbatim from node_modules/uplot/dist/ by`,
  "scripts/vendor-uplot.mjs so the app can import it by relative path. Do not edit.",
];
const jsHeader = (version) => NOTE(version).map((line) => `// ${line}\n`).join("");
const cssHeader = (version) => `/* ${NOTE(version).join("\n   ")} */\n`;

/** The vendored files' contents, from the package in `dir`. */
export function vendored(dir = join(root, "node_modules", "uplot")) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return {
    "uplot.esm.js": jsHeader(pkg.version) + readFileSync(join(dir, "dist", "uPlot.esm.js"), "utf8"),
    "uplot.min.css": cssHeader(pkg.version) + readFileSync(join(dir, "dist", "uPlot.min.css"), "utf8"),
    "uplot.LICENSE": readFileSync(join(dir, "LICENSE"), "utf8"),
    version: pkg.version,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = vendored(process.argv[2]);
  if (files.version !== PINNED) throw new Error(`uplot ${files.version} is not the pinned ${PINNED}`);
  for (const [name, text] of Object.entries(files)) if (name !== "version") writeFileSync(join(root, "www", "vendor", name), text);
  console.log(`www/vendor/ ← uplot ${files.version}`);
}
