// www/vendor/ must hold the pinned uPlot build, unchanged: the app imports
// it by relative path (no bundler; the Worker's assets never include
// node_modules). Compared byte for byte when node_modules/uplot is installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { PINNED, vendored } from "../../scripts/vendor-uplot.mjs";

const file = (name) => readFileSync(new URL(`../../www/vendor/${name}`, import.meta.url), "utf8");
const installed = existsSync(new URL("../../node_modules/uplot/package.json", import.meta.url));

test("the vendored uPlot names the pinned version", () => {
  assert.match(file("uplot.esm.js"), new RegExp(`^// uPlot ${PINNED.replaceAll(".", "\\.")} `));
  assert.match(file("uplot.esm.js"), new RegExp(`\\(v${PINNED.replaceAll(".", "\\.")}\\)`), "the build's own banner agrees");
  assert.match(file("uplot.LICENSE"), /MIT License/);
});

test("www/vendor/ is the installed uplot build (run node scripts/vendor-uplot.mjs after bumping it)", { skip: !installed && "node_modules/uplot is not installed (npm ci)" }, () => {
  const want = vendored();
  for (const name of ["uplot.esm.js", "uplot.min.css", "uplot.LICENSE"]) assert.equal(file(name), want[name], name);
});
