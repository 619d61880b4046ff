// memoryStorage(): the default adapter, on every runtime. It implements the
// same interface as the durable adapters (load / append / compact / close),
// so reopening a Kraiter on the same memoryStorage object gives back its
// state, and the contract suite holds it to the same rules.

export function memoryStorage() {
  let snapshot = null;
  let log = [];
  return {
    async load() {
      return { snapshot: snapshot && snapshot.slice(), log: log.slice() };
    },
    async append(entry) {
      if (typeof entry !== "string") throw new TypeError("log entries are strings");
      log.push(entry);
    },
    async compact(next) {
      snapshot = next; // a fresh copy out of wasm memory already
      log = [];
    },
    async close() {},
  };
}
