// Worker tasks behind "Simulate activity": while running, tracks demo
// events (the demo's names, with properties per name) for random existing
// contacts at a steady rate, timestamped now, through the Kraiter in the
// worker, so live segments move as a real stream would move them. One run
// at a time; `stopActivity` ends it and the start task then answers.
import { EVENTS, pick, prng, weighted } from "./demo-data.js";

const POOL = 1000; // contacts to pick from: the first ones of the list
const CATEGORIES = ["shoes", "hats", "bags", "books"];
const PATHS = ["/", "/pricing", "/docs", "/blog", "/account"];
const PRIORITIES = ["low", "normal", "high"];

const PROPERTIES = {
  login: () => ({}),
  page_view: (rand) => ({ path: pick(rand, PATHS) }),
  purchase: (rand) => ({ category: pick(rand, CATEGORIES), amount: 5 + Math.floor(rand() * 200) }),
  trial_started: (rand) => ({ plan: pick(rand, ["pro", "enterprise"]) }),
  support_ticket: (rand) => ({ priority: pick(rand, PRIORITIES) }),
};

/** One simulated event for one of `emails`. */
export function simulatedEvent(rand, emails) {
  const name = weighted(rand, EVENTS);
  return { name, email: pick(rand, emails), properties: (PROPERTIES[name] ?? PROPERTIES.login)(rand) };
}

let running = null; // { stopped: boolean, wake() }

async function contactPool(kraiter) {
  const emails = [];
  for await (const c of await kraiter.contacts.list({ limit: 100 })) {
    emails.push(c.email);
    if (emails.length >= POOL) break;
  }
  return emails;
}

/**
 * Worker task: tracks `rate` events a second until stopActivity. Progress
 * after each: { tracked }. Answers { tracked } once stopped.
 */
export async function simulateActivity(kraiter, { rate = 5, seed = Date.now() } = {}, { progress } = {}) {
  if (running) throw Object.assign(new Error("activity is already being simulated"), { name: "BusyError" });
  const run = { stopped: false, wake: () => {} };
  running = run;
  try {
    const emails = await contactPool(kraiter);
    if (!emails.length) throw new Error("There are no contacts to simulate: generate demo data first.");
    const rand = prng(seed);
    const period = 1000 / rate;
    const start = Date.now();
    let tracked = 0;
    while (!run.stopped) {
      await kraiter.events.track(simulatedEvent(rand, emails));
      tracked += 1;
      progress?.({ tracked });
      // Steady: the n-th event is due at start + n periods, however long tracking took.
      const wait = start + tracked * period - Date.now();
      if (wait > 0) await new Promise((resolve) => { run.wake = resolve; setTimeout(resolve, wait); });
    }
    return { tracked };
  } finally {
    running = null;
  }
}

/** Worker task: ends the running simulation (if any). */
export function stopActivity() {
  if (!running) return { stopped: false };
  running.stopped = true;
  running.wake();
  return { stopped: true };
}
