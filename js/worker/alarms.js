// A Durable Object has one alarm; the tenant object needs it for three jobs:
// recovering computes lost with an evicted object, retrying webhook
// deliveries, and applying the clock to live segments (kraiter.nextWakeAt()).
// This multiplexes them. Outside the alarm handler `arm(at)` only ever moves
// the alarm earlier, so no job's wake is lost; a wake that turns out early
// costs one alarm run that finds nothing due. The handler (`fire`) runs every
// job, then re-arms at the earliest time any job still asks for.

export class Alarms {
  #storage;
  #armed; // undefined: not read yet; null: none set; else epoch ms
  #firing = false;
  #requested = null; // the earliest arm() made while the handler runs

  constructor(storage) {
    this.#storage = storage;
  }

  /** Makes sure the alarm goes off at `at` (epoch ms) or earlier; null asks for nothing. */
  async arm(at) {
    if (at === null || at === undefined || !Number.isFinite(at)) return;
    if (this.#firing) {
      this.#requested = this.#requested === null ? at : Math.min(this.#requested, at);
      return;
    }
    if (this.#armed === undefined) {
      const stored = await this.#storage.getAlarm();
      this.#armed ??= stored; // unless another arm() set it meanwhile
    }
    if (this.#armed === null || at < this.#armed) {
      this.#armed = at;
      await this.#storage.setAlarm(at);
    }
  }

  /**
   * The alarm handler: runs `jobs` (each awaited in turn; a failing one is
   * logged and does not stop the others), then sets the alarm to the earliest
   * time the `wakes` functions (each → epoch ms or null) and arm() calls made
   * meanwhile ask for. Never throws, so the runtime's own alarm retries never
   * compete with the re-arm.
   */
  async fire(jobs, wakes) {
    this.#firing = true;
    this.#armed = null; // the alarm that fired is spent
    this.#requested = null;
    for (const [name, job] of jobs) {
      try {
        await job();
      } catch (error) {
        console.error(`alarm: ${name} failed`, error);
      }
    }
    const times = [this.#requested];
    for (const [name, wake] of wakes) {
      try {
        times.push(await wake());
      } catch (error) {
        console.error(`alarm: ${name} could not say when to wake`, error);
      }
    }
    this.#firing = false;
    const due = times.filter((t) => t !== null && t !== undefined && Number.isFinite(t));
    if (due.length === 0) return;
    const at = Math.max(Math.min(...due), Date.now());
    this.#armed = at;
    await this.#storage.setAlarm(at);
  }
}
