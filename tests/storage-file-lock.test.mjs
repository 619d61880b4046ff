// One process at a time opens a fileStorage directory (js/storage/file-lock.js).
// Before the lock, two Kraiters on one directory each appended to a log the
// other did not replay, and a compaction by one deleted what the other had
// acknowledged. Covered: two instances in this process, a second real Node
// process (both ways round), waiting (wait: true / ms), a stale LOCK left by
// a process that is gone (by pid, and by a reused pid), openers racing for
// a stale lock, a lock taken away while open, and option checks.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, readFile, readdir, rm, unlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Kraiter, KraiterError, fileStorage } from "kraiter-segments";

const root = await mkdtemp(join(tmpdir(), "kraiter-lock-"));
after(() => rm(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `d${n++}`);
const NODE_ENTRY = new URL("../js/node.js", import.meta.url).href;

const isStorageError = (pattern) => (err) => {
  assert.ok(err instanceof KraiterError, `expected a KraiterError, got ${err}`);
  assert.equal(err.code, "STORAGE_ERROR");
  assert.match(err.message, pattern);
  return true;
};

async function emails(kraiter) {
  const out = [];
  for await (const c of await kraiter.contacts.list()) out.push(c.email);
  return out;
}

/**
 * A child Node process that opens `dir` with a Kraiter, creates a contact,
 * prints "opened" (or the error as JSON) and then waits: "close" on stdin
 * closes and exits; SIGKILL kills it holding the lock.
 */
function child(dir, { wait = false } = {}) {
  const script = `
    const { Kraiter, fileStorage } = await import(${JSON.stringify(NODE_ENTRY)});
    let k;
    try {
      k = await Kraiter.open({ storage: fileStorage(${JSON.stringify(dir)}, { wait: ${JSON.stringify(wait)} }) });
      await k.contacts.create({ email: "child-" + process.pid + "@x.io" });
      console.log("opened");
    } catch (e) {
      console.log(JSON.stringify({ code: e.code, message: e.message }));
      process.exit(0);
    }
    process.stdin.on("data", async (d) => {
      if (String(d).includes("close")) { await k.close(); console.log("closed"); process.exit(0); }
    });`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const waiters = [];
  proc.stdout.on("data", (d) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  return {
    proc,
    exited,
    /** The next line the child prints. */
    async line() {
      for (;;) {
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          const l = out.slice(0, nl);
          out = out.slice(nl + 1);
          return l;
        }
        await new Promise((resolve) => waiters.push(resolve));
      }
    },
    send: (text) => proc.stdin.write(`${text}\n`),
  };
}

/** The pid of a process that has exited (so no process has it, barring reuse within the test). */
async function deadPid() {
  const p = spawn(process.execPath, ["-e", "0"]);
  await new Promise((resolve) => p.on("exit", resolve));
  return p.pid;
}

test("a second Kraiter on the same directory in this process fails clearly, and the first keeps its writes", async () => {
  const dir = fresh();
  const first = await Kraiter.open({ storage: fileStorage(dir) });
  await first.contacts.create({ email: "a@x.io" });
  await assert.rejects(Kraiter.open({ storage: fileStorage(dir) }),
    isStorageError(new RegExp(`is open in this process \\(pid ${process.pid}\\).*wait: true`)));
  await first.contacts.create({ email: "b@x.io" });
  await first.close();
  const again = await Kraiter.open({ storage: fileStorage(dir) });
  assert.deepEqual(await emails(again), ["a@x.io", "b@x.io"]);
  await again.close();
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith("LOCK")), [], "close() removes the lock");
});

test("wait: true waits for the other storage to close, then sees everything it wrote", async () => {
  const dir = fresh();
  const first = await Kraiter.open({ storage: fileStorage(dir) });
  let opened = false;
  const second = Kraiter.open({ storage: fileStorage(dir, { wait: true }) }).then((k) => { opened = true; return k; });
  await first.contacts.create({ email: "a@x.io" });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(opened, false, "the second opener waits while the first is open");
  await first.close();
  const k = await second;
  assert.deepEqual(await emails(k), ["a@x.io"]);
  await k.close();
});

test("wait: <ms> gives up after that long with STORAGE_ERROR", async () => {
  const dir = fresh();
  const first = fileStorage(dir);
  await first.load();
  const t0 = Date.now();
  await assert.rejects(fileStorage(dir, { wait: 250 }).load(), isStorageError(/is open in this process .*\(waited 250 ms\)/));
  assert.ok(Date.now() - t0 >= 240, "it waited");
  await first.close();
});

test("close() while waiting for the lock ends the wait", async () => {
  const dir = fresh();
  const first = fileStorage(dir);
  await first.load();
  const waiting = fileStorage(dir, { wait: true });
  const load = waiting.load();
  await new Promise((r) => setTimeout(r, 150));
  await waiting.close();
  await assert.rejects(load, isStorageError(/closed while waiting for its lock/));
  await first.close();
});

test("a second Node process is refused while this one holds the directory", async () => {
  const dir = fresh();
  const k = await Kraiter.open({ storage: fileStorage(dir) });
  await k.contacts.create({ email: "parent@x.io" });
  const c = child(dir);
  const reply = JSON.parse(await c.line());
  await c.exited;
  assert.equal(reply.code, "STORAGE_ERROR");
  assert.match(reply.message, new RegExp(`is open in process ${process.pid} since `));
  await k.close();
  const again = await Kraiter.open({ storage: fileStorage(dir) });
  assert.deepEqual(await emails(again), ["parent@x.io"]);
  await again.close();
});

test("this process is refused while a second Node process holds it; its lock is stale once it is killed", async () => {
  const dir = fresh();
  const c = child(dir);
  assert.equal(await c.line(), "opened");
  await assert.rejects(fileStorage(dir).load(), isStorageError(new RegExp(`is open in process ${c.proc.pid} since`)));
  c.proc.kill("SIGKILL"); // dies holding the lock: LOCK stays behind
  await c.exited;
  assert.ok(existsSync(join(dir, "LOCK")));
  const k = await Kraiter.open({ storage: fileStorage(dir) });
  assert.deepEqual(await emails(k), [`child-${c.proc.pid}@x.io`], "what the child acknowledged survives");
  await k.close();
});

test("a waiting second process opens once the first closes", async () => {
  const dir = fresh();
  const k = await Kraiter.open({ storage: fileStorage(dir) });
  await k.contacts.create({ email: "first@x.io" });
  const c = child(dir, { wait: true });
  await new Promise((r) => setTimeout(r, 500));
  await k.close();
  assert.equal(await c.line(), "opened");
  c.send("close");
  assert.equal(await c.line(), "closed");
  await c.exited;
  const again = await Kraiter.open({ storage: fileStorage(dir) });
  assert.deepEqual(await emails(again), ["first@x.io", `child-${c.proc.pid}@x.io`]);
  await again.close();
});

test("a stale LOCK naming a process that is gone is taken over", async () => {
  const dir = fresh();
  await mkdir(dir, { recursive: true });
  const pid = await deadPid();
  await writeFile(join(dir, "LOCK"), JSON.stringify({ pid, host: hostname(), token: "0".repeat(24), procStart: null, since: "2020-01-01T00:00:00.000Z" }));
  const s = fileStorage(dir);
  assert.deepEqual(await s.load(), { snapshot: null, log: [] });
  assert.equal(JSON.parse(await readFile(join(dir, "LOCK"), "utf8")).pid, process.pid);
  await s.close();
});

test("a LOCK naming this pid with another start time (the pid was reused) is stale", { skip: !existsSync("/proc/self/stat") }, async () => {
  const dir = fresh();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "LOCK"), JSON.stringify({ pid: process.pid, host: hostname(), token: "1".repeat(24), procStart: "1", since: "2020-01-01T00:00:00.000Z" }));
  const s = fileStorage(dir);
  await s.load();
  await s.close();
});

test("openers racing for one stale lock: exactly one wins", async () => {
  const dir = fresh();
  await mkdir(dir, { recursive: true });
  const pid = await deadPid();
  await writeFile(join(dir, "LOCK"), JSON.stringify({ pid, host: hostname(), token: "2".repeat(24), procStart: null, since: "2020-01-01T00:00:00.000Z" }));
  const storages = Array.from({ length: 8 }, () => fileStorage(dir));
  const results = await Promise.allSettled(storages.map((s) => s.load()));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, JSON.stringify(results.map((r) => r.reason?.message ?? "ok")));
  for (const r of results) if (r.status === "rejected") isStorageError(/is open in this process/)(r.reason);
  await Promise.all(storages.map((s) => s.close()));
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith("LOCK")), []);
});

test("a LOCK from another host is not judged stale: the message says to delete it if that process is gone", async () => {
  const dir = fresh();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "LOCK"), JSON.stringify({ pid: 4242, host: "elsewhere.example", token: "3".repeat(24), procStart: null, since: "2020-01-01T00:00:00.000Z" }));
  await assert.rejects(fileStorage(dir).load(), isStorageError(/is open in process 4242 on host elsewhere\.example .*delete .*LOCK/));
});

test("a file named LOCK that is not a lock is reported, not overwritten", async () => {
  const dir = fresh();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "LOCK"), "my notes");
  const old = new Date(Date.now() - 10_000);
  const { utimes } = await import("node:fs/promises");
  await utimes(join(dir, "LOCK"), old, old);
  await assert.rejects(fileStorage(dir).load(), isStorageError(/is not a lock written by kraiter-segments/));
  assert.equal(await readFile(join(dir, "LOCK"), "utf8"), "my notes");
});

test("writes stop with STORAGE_ERROR once the lock was taken away from an open storage", async () => {
  const dir = fresh();
  const s = fileStorage(dir);
  await s.append("kept");
  await unlink(join(dir, "LOCK")); // say, a second container that sees other pids took it over
  await writeFile(join(dir, "LOCK"), JSON.stringify({ pid: 99999, host: hostname(), token: "4".repeat(24), procStart: null, since: "2020-01-01T00:00:00.000Z" }));
  await assert.rejects(s.append("lost"), isStorageError(/lock was taken over by process 99999.*nothing was written/));
  await assert.rejects(s.compact(new Uint8Array([1])), isStorageError(/lock was taken over/));
  await s.close();
  assert.ok(existsSync(join(dir, "LOCK")), "close() leaves a lock that is not its own");
  await unlink(join(dir, "LOCK"));
  const again = fileStorage(dir);
  assert.deepEqual((await again.load()).log, ["kept"]);
  await again.close();
});

test("fileStorage options are checked: unknown keys and bad wait values are VALIDATION_ERROR", () => {
  const validation = (path) => (err) => err instanceof KraiterError && err.code === "VALIDATION_ERROR" && err.details[0].path === path;
  assert.throws(() => fileStorage(fresh(), { wiat: true }), validation("wiat"));
  assert.throws(() => fileStorage(fresh(), { wait: "yes" }), validation("wait"));
  assert.throws(() => fileStorage(fresh(), { wait: -1 }), validation("wait"));
  assert.throws(() => fileStorage(fresh(), "wait"), validation(""));
});
