// Builds the package: the Rust core to wasm (release profile, LTO), the
// wasm-bindgen glue (--target web, which Node, browsers and workerd all load
// through initSync/init), then wasm-opt from npm's binaryen. Output: js/wasm/.
// KRAITER_PROFILE=1 keeps function names so CPU profiles name wasm functions.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib"]);
mkdirSync(`${root}/js/wasm`, { recursive: true });
run("wasm-bindgen", [
  "--target", "web",
  "--out-dir", "js/wasm",
  "--out-name", "kraiter_segments",
  "--no-typescript",
  "target/wasm32-unknown-unknown/release/kraiter_segments.wasm",
]);
const wasm = `${root}/js/wasm/kraiter_segments_bg.wasm`;
const wasmOpt = `${root}/node_modules/.bin/wasm-opt`;
if (existsSync(wasmOpt)) {
  run(wasmOpt, [
    "-O3",
    ...(process.env.KRAITER_PROFILE ? ["-g"] : []), // keep function names for profiles
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "--enable-simd",
    wasm, "-o", wasm,
  ]);
}
// The time zone database the engine loads on demand (js/zones.js).
run("cargo", ["run", "--quiet", "--bin", "export-tzdb", "--", "js/wasm/tzdb.js"]);
const bytes = readFileSync(wasm);
console.log(`wasm: ${statSync(wasm).size} bytes raw, ${gzipSync(bytes, { level: 9 }).length} bytes gzip`);
