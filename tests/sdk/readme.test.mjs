// The README's usage example, run as written through the package's own
// "exports" (self-reference), so the documentation cannot drift from the code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the README usage example runs and prints what its comments say", () => {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const usage = readme.slice(readme.indexOf("## Usage"));
  const code = usage.match(/```js\n([\s\S]*?)```/)[1];
  const file = `${root}/tests/sdk/.readme-example.mjs`;
  writeFileSync(file, code);
  try {
    const out = execFileSync("node", [file], { cwd: root, encoding: "utf8" });
    const lines = out.trim().split("\n");
    assert.equal(lines[0], "1 [ 'ada@example.com' ]");
    assert.equal(lines[1], "1");
    assert.match(lines[2], /^ada@example\.com \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(out, /VALIDATION_ERROR 400 \[\s*\{\s*path: 'rules\[0\]\.op'/);
  } finally {
    rmSync(file, { force: true });
  }
});
