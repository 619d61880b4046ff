// Runs the cargo-fuzz targets in fuzz/ for a fixed time each and reports
// runs and crashes; exits non-zero on a crash (libFuzzer leaves the input in
// fuzz/artifacts/<target>/). `npm test` runs it briefly (scripts/test.mjs);
// run it longer by hand, politely on a shared machine:
//   nice -n 19 node scripts/fuzz.mjs 600            # 10 minutes per target
//   node scripts/fuzz.mjs 30 rules worlds           # chosen targets
//   node scripts/fuzz.mjs 10 --if-available         # npm test: skips without nightly
// The corpus grows in fuzz/corpus/<target>/ (not committed) on top of the
// committed seeds in fuzz/seeds/<target>/.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const fuzzDir = fileURLToPath(new URL("../fuzz/", import.meta.url));
const args = process.argv.slice(2);
// --if-available (npm test): skip, loudly, where there is no nightly toolchain
// or cargo-fuzz (scripts/setup.sh installs cargo-fuzz; nightly comes with the machine).
const ifAvailable = args.includes("--if-available");
const [secondsArg, ...named] = args.filter((a) => a !== "--if-available");
const seconds = Number(secondsArg ?? 20);
const targets = named.length ? named : ["rules", "commands", "worlds", "snapshot"];
if (ifAvailable && spawnSync("cargo", ["+nightly", "fuzz", "--version"], { encoding: "utf8" }).status !== 0) {
  console.log("FUZZ SMOKE SKIPPED: `cargo +nightly fuzz` is not available on this machine (see scripts/setup.sh)");
  process.exit(0);
}
if (!(seconds > 0)) throw new Error("usage: node scripts/fuzz.mjs <seconds per target> [targets...]");

// -a: debug assertions and overflow checks; -s none: safe Rust needs no
// AddressSanitizer, and without it the build and every run are faster.
const flags = ["-a", "-s", "none"];
const cargo = (args, opts = {}) => spawnSync("cargo", ["+nightly", "fuzz", ...args], { cwd: fuzzDir, encoding: "utf8", ...opts });

const built = cargo(["build", ...flags], { stdio: "inherit" });
if (built.status !== 0) {
  console.error("fuzz targets did not build (not a fuzzing crash)");
  process.exit(built.status || 1);
}
// Run the binaries built above (what `cargo fuzz run` does, minus its rebuild,
// so a tree edited meanwhile cannot turn into a false crash).
const host = /host: (\S+)/.exec(spawnSync("rustc", ["+nightly", "-vV"], { encoding: "utf8" }).stdout)[1];

let failed = 0;
for (const t of targets) {
  mkdirSync(`${fuzzDir}corpus/${t}`, { recursive: true });
  mkdirSync(`${fuzzDir}artifacts/${t}`, { recursive: true });
  const started = Date.now();
  const args = [`-artifact_prefix=artifacts/${t}/`, `-max_total_time=${seconds}`, "-max_len=16384", "-timeout=20", `corpus/${t}`, `seeds/${t}`];
  const r = spawnSync(`${fuzzDir}target/${host}/release/${t}`, args, { cwd: fuzzDir, encoding: "utf8", stdio: ["ignore", "inherit", "pipe"], maxBuffer: 1 << 30 });
  const runs = /Done (\d+) runs/.exec(r.stderr)?.[1] ?? "?";
  const secs = Math.round((Date.now() - started) / 1000);
  if (r.status === 0) {
    console.log(`fuzz ${t}: ${runs} runs in ${secs} s, 0 crashes`);
  } else {
    failed++;
    console.error(r.stderr.split("\n").slice(-60).join("\n"));
    console.error(`fuzz ${t}: CRASH after ${secs} s (exit ${r.status ?? r.signal}); input saved under fuzz/artifacts/${t}/`);
    console.error(`replay: (cd fuzz && cargo +nightly fuzz run ${flags.join(" ")} ${t} artifacts/${t}/<file>)`);
  }
}
process.exit(failed ? 1 : 0);
