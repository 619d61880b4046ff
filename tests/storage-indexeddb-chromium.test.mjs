// The storage contract against indexedDBStorage() in real Chromium. Each
// adapter lives in the page; Node drives it through page.evaluate, bytes
// crossing as base64. Quota failures are real: the DevTools protocol shrinks
// the origin's quota (Storage.overrideQuotaForOrigin) below what a write needs.
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
before(async () => {
  chrome = await openChromium();
  cdp = await chrome.context.newCDPSession(chrome.page);
  await chrome.page.evaluate(async () => {
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
    // One entry point: run a method of a page-side adapter, report errors as data.
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
          const { b64, start, end } = arg;
          const backing = fromB64(b64);
          const view = backing.subarray(start, end);
          const pending = s.compact(view);
          backing.fill(0xee); // the adapter must have copied the view already
          return { ok: await pending };
        }
        return { ok: await s[method](arg) };
      } catch (err) {
        return { error: { kraiter: err instanceof KraiterError, name: err.name, code: err.code, message: err.message } };
      }
    };
  });
});
after(() => chrome?.close());

async function call(id, method, arg) {
  const r = await chrome.page.evaluate(([i, m, a]) => window.storageCall(i, m, a), [id, method, arg]);
  if (r.error) {
    if (!r.error.kraiter) throw Object.assign(new Error(r.error.message), { name: r.error.name });
    throw new KraiterError(r.error.code, r.error.message);
  }
  return r.ok;
}

storageContract("indexeddb (Chromium)", {
  async open(name) {
    const id = await call(0, "open", name);
    return {
      async load() {
        const { snapshot, isBytes, log } = await call(id, "load");
        if (snapshot !== null && !isBytes) throw new Error("snapshot is not a Uint8Array in the page");
        return { snapshot: snapshot === null ? null : new Uint8Array(Buffer.from(snapshot, "base64")), log };
      },
      append: (entry) => call(id, "append", entry),
      compact: (snap) => {
        const copy = Buffer.from(snap.buffer, snap.byteOffset, snap.byteLength);
        return call(id, "compact", { b64: copy.toString("base64"), start: 0, end: snap.byteLength });
      },
      close: () => call(id, "close"),
    };
  },
  faults: {
    async arm() {
      const { usage } = await chrome.page.evaluate(() => navigator.storage.estimate());
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: chrome.url, quotaSize: usage + 256 * 1024 });
    },
    async disarm() {
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: chrome.url });
    },
  },
});
