// The storage contract against memoryStorage(). Reopening a memory storage
// means using the same object again: its data lives as long as the object.
import { memoryStorage } from "../js/storage/memory.js";
import { storageContract } from "./storage-contract.mjs";

const stores = new Map();
storageContract("memory", {
  async open(name) {
    if (!stores.has(name)) stores.set(name, memoryStorage());
    return stores.get(name);
  },
});
