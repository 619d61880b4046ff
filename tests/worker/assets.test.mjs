// Static assets next to the API in real workerd: files of the www directory
// are served (index.html at /), /api/* always reaches the Worker (auth
// included), and other unknown paths are 404.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, tempDir } from "./helpers.mjs";

const KEY = "assets-key";
const www = tempDir("www");
let worker;

before(async () => {
  writeFileSync(join(www.dir, "index.html"), "<!doctype html><title>Kraiter segments</title><h1>preview</h1>");
  mkdirSync(join(www.dir, "app"));
  writeFileSync(join(www.dir, "app", "main.js"), "export const answer = 42;\n");
  mkdirSync(join(www.dir, "api"));
  writeFileSync(join(www.dir, "api", "segments"), "an asset must never shadow the API");
  worker = await startWorker({ keys: [KEY], assets: www.dir });
});
after(async () => {
  await worker?.dispose();
  www.remove();
});

test("/ serves index.html", async () => {
  const response = await worker.call("GET", "/", { key: null });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /text\/html/);
  assert.match(response.text, /<h1>preview<\/h1>/);
});

test("other files are served with their content type", async () => {
  const response = await worker.call("GET", "/app/main.js", { key: null });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /javascript/);
  assert.equal(response.text, "export const answer = 42;\n");
});

test("/api/* goes to the Worker first, even where a file of that name exists", async () => {
  const anonymous = await worker.call("GET", "/api/segments", { key: null });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.json.error.code, "UNAUTHORISED");
  const authed = await worker.call("GET", "/api/segments", { key: KEY });
  assert.equal(authed.status, 200);
  assert.deepEqual(authed.json, { data: [], nextCursor: null });
});

test("a path that is neither a file nor a route is 404", async () => {
  const response = await worker.call("GET", "/no-such-file.css", { key: null });
  assert.equal(response.status, 404);
});
