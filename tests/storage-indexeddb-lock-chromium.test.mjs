// indexedDBStorage in real Chromium, across tabs and with damaged data.
// One writer per database: two pages of one origin that open
// indexedDBStorage("same") directly (no worker host in between) must not
// both write; the second waits, says so through onWaiting, and goes on with
// everything the first wrote once the first closes or its tab goes away.
// Damaged data: a Kraiter in the page writes a dataset
// (reliability/corruption-workload.mjs), a byte of the stored snapshot or of
// a log entry is flipped in IndexedDB, and reopening must say so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./browser/chromium.mjs";

if (!hasChromium()) {
  console.log("# skipped: no Chromium at /usr/bin/chromium");
  process.exit(0);
}

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

async function tab() {
  const page = await chrome.context.newPage();
  await page.goto(`${chrome.url}/tests/browser/fixtures/blank.html`);
  await page.evaluate(async () => {
    const { indexedDBStorage } = await import("/js/storage/indexeddb.js");
    window.events = [];
    window.openStorage = (name) => {
      window.storage = indexedDBStorage(name, { onWaiting: () => window.events.push("waiting") });
    };
    window.track = (label, promise) => promise.then(
      (value) => window.events.push([label, value === undefined ? null : value.log ?? value]),
      (err) => window.events.push([label, `${err.code}: ${err.message}`]),
    );
  });
  return page;
}

const events = (page) => page.evaluate(() => window.events);
const until = async (page, count) => {
  await page.waitForFunction((n) => window.events.length >= n, count, { timeout: 10_000 });
  return events(page);
};

test("a second tab opening the same database directly waits, writing nothing, until the first closes", async () => {
  const name = `same-${Date.now()}`;
  const first = await tab();
  const second = await tab();
  await first.evaluate(async (name) => {
    window.openStorage(name);
    await window.storage.load();
    await window.storage.append("first-1");
  }, name);

  await second.evaluate((name) => {
    window.openStorage(name);
    window.track("load", window.storage.load());
    window.track("append", window.storage.append("second-1"));
  }, name);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await events(second), ["waiting"], "told it waits, and nothing ran");

  const seenByFirst = await first.evaluate(async () => {
    await window.storage.append("first-2");
    return (await window.storage.load()).log;
  });
  assert.deepEqual(seenByFirst, ["first-1", "first-2"], "the waiting tab wrote nothing");

  await first.evaluate(() => window.storage.close());
  assert.deepEqual(await until(second, 3), ["waiting", ["load", ["first-1", "first-2"]], ["append", null]]);
  assert.deepEqual(await second.evaluate(async () => (await window.storage.load()).log), ["first-1", "first-2", "second-1"]);
  await second.evaluate(() => window.storage.close());
  await first.close();
  await second.close();
});

test("a tab that goes away without close() releases the database to the waiting one", async () => {
  const name = `gone-${Date.now()}`;
  const first = await tab();
  await first.evaluate(async (name) => {
    window.openStorage(name);
    await window.storage.append("from the closed tab");
  }, name);
  const second = await tab();
  await second.evaluate((name) => {
    window.openStorage(name);
    window.track("load", window.storage.load());
  }, name);
  await second.waitForFunction(() => window.events.includes("waiting"));
  await first.close();
  assert.deepEqual(await until(second, 2), ["waiting", ["load", ["from the closed tab"]]]);
  await second.evaluate(() => window.storage.close());
  await second.close();
});

test("close() while waiting for another tab gives up the wait with STORAGE_ERROR", async () => {
  const name = `give-up-${Date.now()}`;
  const first = await tab();
  await first.evaluate(async (name) => {
    window.openStorage(name);
    await window.storage.load();
  }, name);
  const second = await tab();
  await second.evaluate(async (name) => {
    window.openStorage(name);
    window.track("load", window.storage.load());
    await new Promise((r) => setTimeout(r, 200));
    await window.storage.close();
  }, name);
  const [waiting, [label, outcome]] = await until(second, 2);
  assert.equal(waiting, "waiting");
  assert.equal(label, "load");
  assert.match(outcome, /^STORAGE_ERROR: .*closed while waiting for another tab/);
  await first.evaluate(() => window.storage.close());
  await first.close();
  await second.close();
});

/** In a page: writes the dataset with a Kraiter, flips one stored byte, reopens; returns what happened. */
async function corruptAndReopen(page, name, damage) {
  return page.evaluate(async ([name, damage]) => {
    const { Kraiter, indexedDBStorage } = await import("/js/browser.js");
    const { T0, keepLog, writeDataset } = await import("/tests/reliability/corruption-workload.mjs");
    const storage = keepLog(indexedDBStorage(name));
    const k = await Kraiter.open({ storage, now: () => T0 });
    await writeDataset(k);
    storage.freeze();
    await k.close();

    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const store = damage === "snapshot" ? "snapshot" : "log";
    await new Promise((resolve, reject) => {
      const tx = db.transaction(store, "readwrite");
      const os = tx.objectStore(store);
      const cursor = os.openCursor();
      let position = 1;
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (damage === "snapshot") {
          const bytes = new Uint8Array(c.value);
          bytes[0] ^= 0xff; // the format marker
          c.update(bytes);
        } else if (position++ < 3) {
          c.continue();
        } else {
          c.update(`z${c.value.slice(1)}`); // entry 3, late2's create: "{" becomes "z", not JSON any more
        }
      };
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();

    const outcome = {};
    try {
      const again = await Kraiter.open({ storage: indexedDBStorage(name), now: () => T0 });
      outcome.opened = true;
      await again.close();
    } catch (err) {
      outcome.error = { isKraiterError: err.name === "KraiterError", code: err.code, message: err.message };
    }
    const warn = console.warn;
    console.warn = () => {};
    try {
      const skipping = await Kraiter.open({ storage: indexedDBStorage(name), now: () => T0, onCorruptEntry: "skip" });
      outcome.skipped = skipping.openReport.skipped.map((s) => s.position);
      outcome.contacts = (await skipping.contacts.list({ limit: 100 })).data.length;
      await skipping.close();
    } catch (err) {
      outcome.skipError = `${err.code}: ${err.message}`;
    } finally {
      console.warn = warn;
    }
    return outcome;
  }, [name, damage]);
}

test("Chromium IndexedDB: a flipped byte in the stored snapshot is STORAGE_ERROR saying the snapshot cannot be restored", async () => {
  const page = await tab();
  const outcome = await corruptAndReopen(page, `corrupt-snapshot-${Date.now()}`, "snapshot");
  assert.equal(outcome.error?.isKraiterError, true, JSON.stringify(outcome));
  assert.equal(outcome.error.code, "STORAGE_ERROR");
  assert.match(outcome.error.message, /^The stored snapshot \(\d+ bytes\) cannot be restored: snapshot is unreadable/);
  assert.match(outcome.skipError, /^STORAGE_ERROR: The stored snapshot/, "skipping is for log entries only");
  await page.close();
});

test("Chromium IndexedDB: a flipped byte in a log entry is STORAGE_ERROR naming it; skipping opens without it", async () => {
  const page = await tab();
  const outcome = await corruptAndReopen(page, `corrupt-log-${Date.now()}`, "log");
  assert.equal(outcome.error?.code, "STORAGE_ERROR", JSON.stringify(outcome));
  assert.match(outcome.error.message, /^Log entry 3 of 4 cannot be replayed: /);
  assert.deepEqual(outcome.skipped, [3]);
  assert.equal(outcome.contacts, 7, "the six contacts of the snapshot and late2; late1's create was skipped");
  await page.close();
});
