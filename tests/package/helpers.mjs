// Packaging tests install kraiter-segments the way users get it: `npm pack`,
// then the tarball installed into a fixture project in a temp dir. Shared by
// tests/package/*.test.mjs. The browser fixture (browser issue) plugs in the
// same way: packTarball() + installFixture(dir, { "index.html": … }).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../../scripts/lib/miniflare-options.mjs";

export function run(command, args, { cwd, timeout = 120_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** A temp workspace for one test file; `remove()` deletes it. */
export function workspace(label) {
  const dir = mkdtempSync(join(tmpdir(), `kraiter-pkg-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `npm pack` of the repo into dir; resolves to { tarball, files } (files: paths inside the package). */
export async function packTarball(dir) {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT });
  const [info] = JSON.parse(stdout);
  return { tarball: join(dir, info.filename), files: info.files.map((f) => f.path) };
}

/**
 * Writes a fixture project (files: path → contents) depending on the tarball and
 * installs it, from npm's local cache when it can (`--prefer-offline`).
 */
export async function installFixture(dir, tarball, files, extraPackageJson = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({
    name: "kraiter-fixture", private: true, type: "module",
    dependencies: { "kraiter-segments": `file:${tarball}` },
    ...extraPackageJson,
  }, null, 2));
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: dir });
  return join(dir, "node_modules", "kraiter-segments");
}

/** The single .wasm file of an installed package's js/wasm/. */
export function wasmFileIn(packageDir) {
  const dir = join(packageDir, "js", "wasm");
  const wasm = readdirSync(dir).filter((f) => f.endsWith(".wasm"));
  if (wasm.length !== 1) throw new Error(`expected one .wasm in ${dir}, found ${wasm.join(", ")}`);
  return join(dir, wasm[0]);
}
