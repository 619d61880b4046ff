// kraiter.contacts: create / get / update / delete / list and bulk import
// (upsert by email, one storage transaction per batch).

import { queryPages } from "./page.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export class Contacts {
  #core;

  constructor(core) {
    this.#core = core;
  }

  async create(input) {
    return this.#core.mutate("contacts.create", input);
  }

  async get(id) {
    return this.#core.query("contacts.get", { id });
  }

  async update(id, patch = {}) {
    return this.#core.mutate("contacts.update", isObject(patch) ? { ...patch, id } : { id, properties: patch });
  }

  async delete(id) {
    await this.#core.mutate("contacts.delete", { id });
  }

  async list(params = {}) {
    return queryPages(this.#core, "contacts.list", {}, params);
  }

  /** Upserts contacts by email; returns `{ created, updated }`. */
  async import(records) {
    return this.#core.mutate("contacts.import", records);
  }
}
