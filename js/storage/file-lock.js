// The one-writer lock of a fileStorage directory. Two writers on one
// directory would each append to a log the other does not replay, and one's
// compaction would delete the other's files, so acknowledged writes would be
// lost. The lock is a file, LOCK, naming its owner ({ pid, host, token,
// procStart, since }); it is created whole (written to LOCK.<token>.tmp,
// fsynced, then hard-linked to LOCK, which fails if LOCK exists). A LOCK
// whose process is gone (no such pid on this host, or the pid now belongs
// to a process that started later) is stale and is taken over: renamed
// aside to a name only this opener uses, checked to be the very lock judged
// stale, then deleted (so two openers recovering at once cannot both win).
// The owner checks before every write that LOCK still names it.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { link, open, readFile, readdir, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { storageError } from "./common.js";

export const LOCK = "LOCK";
const POLL_MS = 100;
/** A LOCK that is not a lock's JSON yet is being written (no-link file systems) if it is this young. */
const YOUNG_MS = 2000;
/** Leftovers of openers that crashed mid-acquisition are removed once this old. */
const LEFTOVER_MS = 60_000;

/**
 * Takes the lock of `dir` (which must exist).
 * @param {string} dir
 * @param {{ wait: boolean | number, stopped(): boolean }} options
 *   wait: false fails at once if another process holds it; true waits as long as it takes; a number waits that many ms.
 *   stopped: polled while waiting; true gives up (the storage was closed).
 * @returns {Promise<{ check(): Promise<void>, release(): Promise<void> }>}
 */
export async function lockDirectory(dir, { wait, stopped }) {
  const path = join(dir, LOCK);
  const deadline = wait === true ? Infinity : Date.now() + (wait || 0);
  const me = { pid: process.pid, host: hostname(), token: randomBytes(12).toString("hex"), procStart: await processStart(process.pid), since: new Date().toISOString() };
  for (;;) {
    const mine = await create(dir, path, me);
    if (mine) {
      await removeLeftovers(dir);
      return held(dir, path, me.token);
    }
    let text;
    let info;
    try {
      [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    } catch (err) {
      if (err.code === "ENOENT") continue; // released meanwhile: try again
      throw err;
    }
    const owner = parseOwner(text);
    if (owner && (await ownerState(owner)) === "gone") {
      await takeOver(dir, path, text, me.token);
      continue;
    }
    if (!owner && Date.now() - info.mtimeMs >= YOUNG_MS) {
      throw storageError(`file storage at ${dir}: ${path} is not a lock written by kraiter-segments; if no process uses ${dir}, delete it and retry`);
    }
    if (stopped()) throw storageError(`file storage at ${dir} was closed while waiting for its lock`);
    if (Date.now() >= deadline) throw heldError(dir, path, owner, wait);
    await sleep(Math.min(POLL_MS, deadline - Date.now()));
    if (stopped()) throw storageError(`file storage at ${dir} was closed while waiting for its lock`);
  }
}

/** Creates LOCK naming `me`; false if LOCK exists. */
async function create(dir, path, me) {
  const tmp = join(dir, `${LOCK}.${me.token}.tmp`);
  const fh = await open(tmp, "wx");
  try {
    await fh.writeFile(JSON.stringify(me));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if (err.code === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "ENOSYS", "EOPNOTSUPP", "EXDEV"].includes(err.code)) throw err;
    return createWithoutLink(path, me); // a file system without hard links
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

async function createWithoutLink(path, me) {
  let fh;
  try {
    fh = await open(path, "wx");
  } catch (err) {
    if (err.code === "EEXIST") return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify(me));
    await fh.sync();
    return true;
  } finally {
    await fh.close();
  }
}

/**
 * Removes the stale LOCK whose content is `text`, unless another opener got
 * there first: the rename moves whatever LOCK is now to a name that is ours
 * alone, and only if that is the stale lock is it deleted; a live lock moved
 * by mistake is linked back (its owner's check() fails if that is too late).
 */
async function takeOver(dir, path, text, token) {
  const aside = join(dir, `${LOCK}.${token}.stale`);
  try {
    await rename(path, aside);
  } catch (err) {
    if (err.code === "ENOENT") return;
    throw err;
  }
  const moved = await readFile(aside, "utf8").catch(() => null);
  if (moved !== text) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

function held(dir, path, token) {
  const owner = async () => parseOwner(await readFile(path, "utf8").catch(() => ""));
  return {
    /** Throws STORAGE_ERROR if LOCK no longer names this opener (deleted, or taken over). */
    async check() {
      const now = await owner();
      if (now?.token === token) return;
      const by = now ? `taken over by process ${now.pid}` : existsSync(path) ? "replaced" : "deleted";
      throw storageError(`file storage at ${dir}: its lock was ${by}, so another process may be writing; nothing was written. Close this storage and open it again.`);
    },
    async release() {
      if ((await owner())?.token === token) await unlink(path).catch(() => {});
    },
  };
}

/** "alive", "gone" (the process has ended), or "unknown" (another host: cannot tell). */
async function ownerState(owner) {
  if (owner.host !== hostname()) return "unknown";
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if (err.code === "ESRCH") return "gone";
    if (err.code !== "EPERM") return "unknown"; // EPERM: alive, another user's
  }
  if (owner.procStart != null) {
    const start = await processStart(owner.pid);
    if (start != null && start !== owner.procStart) return "gone"; // the pid was reused
  }
  return "alive";
}

/** When process `pid` started (Linux: /proc/<pid>/stat field 22, in clock ticks since boot), or null. */
async function processStart(pid) {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function parseOwner(text) {
  try {
    const o = JSON.parse(text);
    return o && Number.isSafeInteger(o.pid) && typeof o.host === "string" && typeof o.token === "string" ? o : null;
  } catch {
    return null;
  }
}

function heldError(dir, path, owner, wait) {
  let who = "another process";
  if (owner) {
    const here = owner.host === hostname();
    who = owner.pid === process.pid && here
      ? `this process (pid ${owner.pid}), by another fileStorage that was not closed`
      : `process ${owner.pid}${here ? "" : ` on host ${owner.host}`}`;
    who += ` since ${owner.since}`;
  }
  const waited = typeof wait === "number" && wait > 0 ? ` (waited ${wait} ms)` : "";
  return storageError(
    `file storage at ${dir} is open in ${who}${waited}: one process at a time may open a directory. ` +
      `Close it there, or pass fileStorage(dir, { wait: true }) to wait for it` +
      (owner && owner.host !== hostname() ? `; if that process no longer runs, delete ${path}.` : "."),
  );
}

/** Lock files of openers that crashed between writing and linking or renaming them. */
async function removeLeftovers(dir) {
  const names = (await readdir(dir).catch(() => [])).filter((f) => /^LOCK\.[0-9a-f]{24}\.(tmp|stale)$/.test(f));
  for (const f of names) {
    const s = await stat(join(dir, f)).catch(() => null);
    if (s && Date.now() - s.mtimeMs > LEFTOVER_MS) await unlink(join(dir, f)).catch(() => {});
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
