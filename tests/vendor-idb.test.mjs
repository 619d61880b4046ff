// js/vendor/idb.js must be the pinned idb build, unchanged: the browser
// entry imports it by relative path instead of the bare "idb" specifier.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vendored } from "../scripts/vendor-idb.mjs";

test("js/vendor/idb.js is the pinned idb build (run node scripts/vendor-idb.mjs after bumping idb)", () => {
  assert.equal(readFileSync(new URL("../js/vendor/idb.js", import.meta.url), "utf8"), vendored());
});
