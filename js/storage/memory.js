// memoryStorage(): the default adapter, on every runtime. It implements the
// same interface as the durable adapters (load / append / compact / close),
// so reopening a Kraiter on the same memoryStorage object gives back its
// state, and the contract suite holds it to the same rules. close() keeps
// the data: the object is the dataset, and may be opened again.
import { storageError } from "./common.js";

export function memoryStorage() {
  let snapshot = null;
  let log = [];
  return {
    async load() {
      return { snapshot: snapshot && snapshot.slice(), log: log.slice() };
    },
    async append(entry) {
      if (typeof entry !== "string") throw storageError("memory storage: a log entry must be a string");
      log.push(entry);
    },
    async compact(next) {
      if (!(next instanceof Uint8Array)) throw storageError("memory storage: a snapshot must be a Uint8Array");
      snapshot = next; // a fresh copy out of wasm memory already
      log = [];
    },
    async close() {},
  };
}
