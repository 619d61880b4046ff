// `npm test`: every layer in order, stopping at the first failure.
//   1. the Rust core natively (cargo test), the differential tests
//      (tests/differential.rs) and a short fuzz run (scripts/fuzz.mjs)
//   2. the package build (wasm + glue)
//   3. the wasm boundary in Node (wasm-bindgen-test)
//   4. the TypeScript declarations (tsc --noEmit on a usage file per runtime condition)
//   5. every node:test suite under tests/ (SDK, storage, browser, worker, bench smoke)
// Pass file or folder names to run only those node suites (steps 1-4 still run
// unless SKIP_RUST=1).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const step = (title, cmd, args, env = {}) => {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "fixtures" ? [] : testFiles(p);
    return name.endsWith(".test.mjs") ? [relative(root, p)] : [];
  });
}

const only = process.argv.slice(2);
if (!process.env.SKIP_RUST) {
  step("Rust core (native)", "cargo", ["test", "--lib"]);
  step("Differential tests: engine vs reference model (proptest)", "cargo", ["test", "--test", "differential"]);
  step("Fuzz smoke: each cargo-fuzz target for 10 s", "node", ["scripts/fuzz.mjs", "10", "--if-available"]);
  step("Build", "node", ["scripts/build.mjs"]);
  step("wasm boundary (wasm-bindgen-test in Node)", "cargo", ["test", "--target", "wasm32-unknown-unknown", "--test", "wasm"], {
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
  });
  for (const runtime of ["", "browser", "workerd"]) {
    step(`TypeScript declarations${runtime ? ` (${runtime} condition)` : " (node)"}`, "node", ["node_modules/typescript/bin/tsc", "-p", `tests/types/${runtime}`]);
  }
}
const files = only.length ? only.flatMap((p) => (statSync(p).isDirectory() ? testFiles(join(root, p)) : [p])) : testFiles(join(root, "tests"));
step(`JS suites (${files.length} files)`, "node", ["--test", "--test-concurrency=1", "--test-timeout=180000", ...files]);
