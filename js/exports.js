// What every runtime entry exports: the SDK and the storage adapters that
// work everywhere. Runtime entries add their own adapters.

export { Kraiter } from "./kraiter.js";
export { KraiterError } from "./errors.js";
export { memoryStorage } from "./storage/memory.js";
