// fileStorage(dir): the Node storage adapter. A directory holds one
// generation at a time: snapshot-<g>.bin, log-<g>.bin (length-framed
// entries, fsynced per append) and MANIFEST naming <g>. compact() writes the
// next generation's files, fsyncs them, then renames a new MANIFEST into
// place: that rename is the commit point, so a crash leaves the old state or
// the new one, never a mix. A failed append is cut back off the log. One
// process at a time holds the directory (LOCK, js/storage/file-lock.js),
// taken on the first call and released by close().
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KraiterError, invalid } from "../errors.js";
import { callQueue, checkOptions, storageError as failure } from "./common.js";
import { lockDirectory } from "./file-lock.js";

const MANIFEST = "MANIFEST";
const FORMAT = 1;

/**
 * @param {string} dir directory for this dataset; created if missing
 * @param {{ wait?: boolean | number }} [options] wait: when another process
 *   (or another fileStorage in this one) has the directory open, false
 *   (default) fails at once with STORAGE_ERROR, true waits until it is
 *   closed, a number of milliseconds waits that long and then fails.
 */
export function fileStorage(dir, options) {
  if (typeof dir !== "string" || dir === "") {
    throw new KraiterError("STORAGE_ERROR", "fileStorage(dir) needs a directory path");
  }
  const { wait = false } = checkOptions(options, ["wait"], "fileStorage");
  if (typeof wait !== "boolean" && !(typeof wait === "number" && wait >= 0 && Number.isFinite(wait))) {
    throw invalid("wait", "must be true, false or a number of milliseconds");
  }
  let state = null; // { generation, snapshot: boolean, log: FileHandle, logSize }
  let lock = null; // Promise of the held lock, taken by the first call
  const queue = callQueue({
    closedMessage: `file storage at ${dir} is closed`,
    describe: (what, err) => storageError(what, dir, err),
  });

  /** The directory's lock: taken once, before anything is read; a failed try is retried by the next call. */
  function locked() {
    lock ??= mkdir(dir, { recursive: true })
      .then(() => lockDirectory(dir, { wait, stopped: () => queue.closed }))
      .catch((err) => {
        lock = null;
        throw err;
      });
    return lock;
  }

  const snapshotPath = (g) => join(dir, `snapshot-${g}.bin`);
  const logPath = (g) => join(dir, `log-${g}.bin`);

  /** Reads MANIFEST, drops leftovers of interrupted compactions, trims a torn log tail. */
  async function ready() {
    if (state) return state;
    let manifest = { format: FORMAT, generation: 0, snapshot: false };
    try {
      manifest = JSON.parse(await readFile(join(dir, MANIFEST), "utf8"));
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    if (manifest.format !== FORMAT) throw new Error(`unknown storage format ${manifest.format} in ${dir}`);
    const g = manifest.generation;
    const keep = new Set([MANIFEST, `log-${g}.bin`, ...(manifest.snapshot ? [`snapshot-${g}.bin`] : [])]);
    for (const f of await readdir(dir)) {
      if (!keep.has(f) && /^(snapshot-\d+\.bin|log-\d+\.bin|MANIFEST)(\.tmp)?$/.test(f)) {
        await rm(join(dir, f), { force: true });
      }
    }
    await writeFile(logPath(g), "", { flag: "a" }); // create if missing
    const log = await open(logPath(g), "r+"); // not "a": writes go at logSize, after a trimmed tail
    const { entries, validBytes, size } = parseLog(await log.readFile());
    if (validBytes !== size) {
      await log.truncate(validBytes);
      await log.datasync();
    }
    state = { generation: g, snapshot: manifest.snapshot, log, logSize: validBytes, entries };
    return state;
  }

  /** Runs `job(state)` after every earlier call, holding the lock; `write`: check it is still ours first. */
  function run(what, job, { write = true } = {}) {
    return queue.run(what, async () => {
      const held = await locked();
      if (write) await held.check();
      return job(await ready());
    });
  }

  return {
    load: () => run("load", async (s) => {
      const snapshot = s.snapshot ? new Uint8Array(await readFile(snapshotPath(s.generation))) : null;
      const log = s.entries ?? parseLog(await s.log.readFile()).entries;
      s.entries = null; // only the first load reuses what ready() parsed
      return { snapshot, log };
    }, { write: false }),

    append: (entry) => run("append a log entry", async (s) => {
      if (typeof entry !== "string") throw new TypeError("a log entry must be a string");
      s.entries = null;
      const body = Buffer.from(entry, "utf8");
      const frame = Buffer.concat([Buffer.from(`${body.length}\n`), body, Buffer.from("\n")]);
      try {
        let written = 0;
        while (written < frame.length) {
          const { bytesWritten } = await s.log.write(frame, written, frame.length - written, s.logSize + written);
          written += bytesWritten;
        }
        await s.log.datasync();
        s.logSize += frame.length;
      } catch (err) {
        // Cut the partial frame off, so nothing of the failed call remains.
        try {
          await s.log.truncate(s.logSize);
          await s.log.datasync();
        } catch {
          await forget(s); // ready() trims the torn tail on the next call
        }
        throw err;
      }
    }),

    compact: (snapshot) => {
      if (!(snapshot instanceof Uint8Array)) {
        return Promise.reject(storageError("write a snapshot", dir, new TypeError("a snapshot must be a Uint8Array")));
      }
      // Copy now: the caller may reuse the array before this call's turn comes.
      const bytes = Buffer.from(snapshot);
      return run("write a snapshot", (s) => writeGeneration(s, bytes));
    },

    close: () => queue.close(async () => {
      if (state) await forget(state);
      const held = lock && (await lock.catch(() => null));
      lock = null;
      await held?.release();
    }),
  };

  /** compact(): the next generation's files, then MANIFEST renamed over the old one. */
  async function writeGeneration(s, snapshot) {
    const g = s.generation + 1;
    const created = [snapshotPath(g), logPath(g)];
    try {
      await writeDurably(snapshotPath(g), snapshot);
      await writeDurably(logPath(g), new Uint8Array(0));
      const manifest = Buffer.from(JSON.stringify({ format: FORMAT, generation: g, snapshot: true }));
      await writeDurably(join(dir, MANIFEST), manifest, { commit: true });
    } catch (err) {
      for (const f of created) await rm(f, { force: true }).catch(() => {});
      throw err;
    }
    // Committed. Switch to the new generation; old files are only garbage now.
    const old = s.generation;
    await forget(s);
    await rm(snapshotPath(old), { force: true }).catch(() => {});
    await rm(logPath(old), { force: true }).catch(() => {});
  }

  async function forget(s) {
    if (state === s) state = null;
    await s.log.close().catch(() => {});
  }

  /**
   * Writes `path` through a temp file: write, fsync, rename, fsync the
   * directory. With `commit`, the rename is the commit point: a failing
   * directory fsync after it no longer undoes the write (a compaction
   * changes no content, so old and new state are equivalent anyway).
   */
  async function writeDurably(path, bytes, { commit = false } = {}) {
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    if (commit) await syncDir(dir).catch(() => {});
    else await syncDir(dir);
  }
}

/** Makes a rename durable. Platforms that cannot open or fsync a directory (Windows) skip it. */
async function syncDir(dir) {
  const unsupported = (err) => ["EINVAL", "EISDIR", "EPERM", "EACCES"].includes(err.code);
  let fh;
  try {
    fh = await open(dir, "r");
  } catch (err) {
    if (unsupported(err)) return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    if (!unsupported(err)) throw err;
  } finally {
    await fh.close();
  }
}

/**
 * A log is a sequence of frames `<byte length>\n<entry>\n`. A frame cut
 * short at the end of the file (a crash mid-append: never acknowledged) ends
 * the valid part. Damage anywhere else (bytes changed on disk) must not cut
 * off the acknowledged entries after it: the damaged bytes, up to the next
 * frame that parses, are returned as one entry, so replay reports it at its
 * position (js/core.js) instead of the log silently ending there.
 */
export function parseLog(buf) {
  const entries = [];
  let at = 0;
  while (at < buf.length) {
    const end = frameEnd(buf, at);
    if (end > 0) {
      entries.push(buf.toString("utf8", buf.indexOf(10, at) + 1, end - 1));
      at = end;
      continue;
    }
    const next = damagedEnd(buf, at);
    if (next < 0) break; // a torn tail
    entries.push(buf.toString("utf8", at, next));
    at = next;
  }
  return { entries, validBytes: at, size: buf.length };
}

/** The frame header at `at` as [newline index, byte length], or null if it is not `<digits>\n`. */
function header(buf, at) {
  const nl = buf.indexOf(10, at);
  if (nl <= at || nl - at > 16) return null;
  for (let i = at; i < nl; i++) if (buf[i] < 48 || buf[i] > 57) return null;
  return [nl, Number(buf.toString("latin1", at, nl))];
}

/** The index just after the whole frame starting at `at`, or -1 if none starts there. */
function frameEnd(buf, at) {
  const h = header(buf, at);
  if (!h) return -1;
  const end = h[0] + 1 + h[1];
  return end < buf.length && buf[end] === 10 ? end + 1 : -1;
}

/**
 * Where the damaged bytes at `at` end (the next frame starts there), or -1 if
 * they are a torn tail. A header whose frame only has a wrong final byte
 * keeps its length; otherwise the next frame is the first that parses after
 * a newline (Core's entries are JSON: they hold no raw newline).
 */
function damagedEnd(buf, at) {
  const h = header(buf, at);
  if (h) {
    const end = h[0] + 1 + h[1];
    if (end + 1 === buf.length && buf[end] !== 0) return buf.length; // whole frame, wrong last byte (a torn write leaves none, or zeros)
    if (end + 1 < buf.length && frameEnd(buf, end + 1) > 0) return end + 1;
  }
  for (let nl = buf.indexOf(10, at); nl >= 0 && nl + 1 < buf.length; nl = buf.indexOf(10, nl + 1)) {
    if (frameEnd(buf, nl + 1) > 0) return nl + 1;
  }
  return -1;
}

function storageError(what, dir, err) {
  if (err instanceof KraiterError) return err;
  const full = err?.code === "ENOSPC" || err?.code === "EDQUOT";
  const message = full
    ? `Disk full: could not ${what} in ${dir}; nothing was written.`
    : `File storage could not ${what} in ${dir}: ${err?.message ?? err}`;
  return failure(message, err);
}
