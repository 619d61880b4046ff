// kraiter.events: track one event, or import many in one transaction.

export class Events {
  #core;

  constructor(core) {
    this.#core = core;
  }

  async track(input) {
    return this.#core.mutate("events.track", input);
  }

  /** Adds events; returns `{ imported, contactsCreated }`. */
  async import(records) {
    return this.#core.mutate("events.import", records);
  }
}
