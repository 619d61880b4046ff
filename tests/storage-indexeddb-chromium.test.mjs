// The storage contract against indexedDBStorage() in real Chromium. Each
// adapter lives in a page; Node drives it through page.evaluate, bytes
// crossing as base64. Quota failures are real: the DevTools protocol sets the
// quota of a second origin (localhost instead of 127.0.0.1) small from its
// first use, and shrinks it to the bytes in use when armed (Chromium caches
// an origin's free space, so only a quota that was small all along bites
// at once).
import { after, before } from "node:test";
import { KraiterError } from "../js/errors.js";
import { openChromium, hasChromium } from "./browser/chromium.mjs";
import { storageContract } from "./storage-contract.mjs";

if (!hasChromium()) {
  console.log("# skipped: no Chromium at /usr/bin/chromium");
  process.exit(0);
}

let chrome;
let cdp;
let main; // page on 127.0.0.1
let tight; // page on localhost, origin with a small quota
let tightOrigin;
before(async () => {
  chrome = await openChromium();
  cdp = await chrome.context.newCDPSession(chrome.page);
  main = chrome.page;
  tightOrigin = chrome.url.replace("127.0.0.1", "localhost");
  await cdp.send("Storage.overrideQuotaForOrigin", { origin: tightOrigin, quotaSize: 1_500_000 });
  tight = await chrome.context.newPage();
  await tight.goto(`${tightOrigin}/tests/browser/fixtures/blank.html`);
  for (const page of [main, tight]) await page.evaluate(installHarness);
});
after(() => chrome?.close());

/** Runs in the page: adapters by id, one entry point, errors reported as data. */
async function installHarness() {
  const { indexedDBStorage } = await import("/js/storage/indexeddb.js");
  const { KraiterError } = await import("/js/errors.js");
  const toB64 = (u8) => {
    let s = "";
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const fromB64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const adapters = new Map();
  let next = 0;
  window.storageCall = async (id, method, arg) => {
    try {
      if (method === "open") {
        adapters.set(++next, indexedDBStorage(arg, { chunkBytes: 1 << 20 }));
        return { ok: next };
      }
      const s = adapters.get(id);
      if (method === "load") {
        const { snapshot, log } = await s.load();
        return { ok: { snapshot: snapshot && toB64(snapshot), isBytes: snapshot instanceof Uint8Array, log } };
      }
      if (method === "compact") {
        const backing = fromB64(arg);
        const pending = s.compact(backing);
        backing.fill(0xee); // stricter than the contract: this adapter copies at call time
        return { ok: await pending };
      }
      return { ok: await s[method](arg) };
    } catch (err) {
      return { error: { kraiter: err instanceof KraiterError, name: err.name, code: err.code, message: err.message } };
    }
  };
}

async function call(page, id, method, arg) {
  const r = await page.evaluate(([i, m, a]) => window.storageCall(i, m, a), [id, method, arg]);
  if (r.error) {
    if (!r.error.kraiter) throw Object.assign(new Error(r.error.message), { name: r.error.name });
    throw new KraiterError(r.error.code, r.error.message);
  }
  return r.ok;
}

/** A Node-side adapter whose calls run on an adapter in `page`. */
async function remote(page, name) {
  const id = await call(page, 0, "open", name);
  return {
    async load() {
      const { snapshot, isBytes, log } = await call(page, id, "load");
      if (snapshot !== null && !isBytes) throw new Error("snapshot is not a Uint8Array in the page");
      return { snapshot: snapshot === null ? null : new Uint8Array(Buffer.from(snapshot, "base64")), log };
    },
    append: (entry) => call(page, id, "append", entry),
    compact: (snap) => call(page, id, "compact", Buffer.from(snap.buffer, snap.byteOffset, snap.byteLength).toString("base64")),
    close: () => call(page, id, "close"),
  };
}

storageContract("indexeddb (Chromium)", {
  open: (name) => remote(main, name),
  faults: {
    message: /quota exceeded/i,
    open: (name) => remote(tight, name),
    async arm() {
      const { usage } = await tight.evaluate(() => navigator.storage.estimate());
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: tightOrigin, quotaSize: usage + 64 * 1024 });
    },
    async disarm() {
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: tightOrigin });
    },
  },
});
