// The storage contract against fileStorage(dir), plus what only files have:
// a torn log tail from a crash mid-append, and leftovers of an interrupted
// compaction. Disk-full faults are injected at the FileHandle level, so the
// adapter's own recovery code runs.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, open, readdir, readFile, appendFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileStorage } from "../js/storage/file.js";
import { storageContract } from "./storage-contract.mjs";

const root = await mkdtemp(join(tmpdir(), "kraiter-file-"));
after(() => rm(root, { recursive: true, force: true }));

// FileHandle is not exported; take its prototype from a live handle.
const probe = await open(join(root, "probe"), "w");
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
const real = { write: FileHandle.write, writeFile: FileHandle.writeFile };

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

storageContract("file", {
  open: async (name) => fileStorage(join(root, name)),
  faults: {
    message: /disk full/i,
    // Each write gets half its bytes onto disk, then the disk is full.
    async arm() {
      FileHandle.write = async function (buf, offset = 0, length = buf.length - offset, position) {
        await real.write.call(this, buf, offset, Math.max(1, length >> 1), position);
        throw enospc();
      };
      FileHandle.writeFile = async function (data) {
        const bytes = Buffer.from(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength ?? data.length);
        await real.writeFile.call(this, bytes.subarray(0, bytes.length >> 1));
        throw enospc();
      };
    },
    async disarm() {
      Object.assign(FileHandle, real);
    },
  },
});

test("file: a frame torn by a crash mid-append is dropped and trimmed on open", async () => {
  const dir = join(root, "torn");
  let s = fileStorage(dir);
  await s.append("one");
  await s.append("two");
  await s.close();
  const log = (await readdir(dir)).find((f) => f.startsWith("log-"));
  await appendFile(join(dir, log), "120\n{\"cmd\":\"half"); // crash after part of a frame
  s = fileStorage(dir);
  assert.deepEqual((await s.load()).log, ["one", "two"]);
  await s.append("three"); // lands after "two", not after the garbage
  await s.close();
  s = fileStorage(dir);
  assert.deepEqual((await s.load()).log, ["one", "two", "three"]);
  await s.close();
});

test("file: leftovers of an interrupted compaction are ignored and removed", async () => {
  const dir = join(root, "interrupted");
  let s = fileStorage(dir);
  await s.compact(new Uint8Array([1, 2, 3]));
  await s.append("after");
  await s.close();
  // A crash after writing the next generation's files but before MANIFEST moved.
  await writeFile(join(dir, "snapshot-2.bin"), new Uint8Array([9, 9]));
  await writeFile(join(dir, "log-2.bin"), "");
  await writeFile(join(dir, "MANIFEST.tmp"), "{\"format\":1,\"generation\":2,\"snapshot\":true}");
  s = fileStorage(dir);
  const state = await s.load();
  assert.deepEqual([...state.snapshot], [1, 2, 3]);
  assert.deepEqual(state.log, ["after"]);
  assert.deepEqual((await readdir(dir)).sort(), ["LOCK", "MANIFEST", "log-1.bin", "snapshot-1.bin"]);
  await s.close();
  assert.deepEqual((await readdir(dir)).sort(), ["MANIFEST", "log-1.bin", "snapshot-1.bin"], "close() removes LOCK");
});

test("file: a failed append cuts its partial frame off the log file", async () => {
  const dir = join(root, "cut-back");
  const s = fileStorage(dir);
  await s.append("kept");
  const logFile = async () => readFile(join(dir, (await readdir(dir)).find((f) => f.startsWith("log-"))));
  const before = await logFile();
  FileHandle.write = async function (buf, offset = 0, length = buf.length - offset, position) {
    await real.write.call(this, buf, offset, length >> 1, position);
    throw enospc();
  };
  try {
    await assert.rejects(s.append("3\nabc\n".repeat(1000)), (err) => err.code === "STORAGE_ERROR");
  } finally {
    Object.assign(FileHandle, real);
  }
  assert.deepEqual(await logFile(), before);
  await s.close();
});
