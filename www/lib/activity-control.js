// The "Simulate activity" control of the data panel: starts and stops the
// worker's simulateActivity task (www/lib/activity-simulator.js), says how
// many events it has tracked, and shows a pulsing "Simulating activity" in
// the header while it runs. Stops when the page goes away.
import { count } from "./dom.js";

const RATE = 5;

/**
 * @param {{ client: () => object, onTick(): void, onStopped(): void }} options
 *   `onTick` runs every couple of seconds while running (to refresh counts).
 */
export function createActivityControl({ client, onTick, onStopped }) {
  const button = document.getElementById("simulate-toggle");
  const status = document.getElementById("simulate-status");
  const indicator = document.getElementById("activity-indicator");
  const idleText = status.textContent;
  let run = null; // the running task's promise
  let ticker = null;

  function setRunning(on) {
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "Stop simulating" : "Simulate activity";
    indicator.hidden = !on;
    clearInterval(ticker);
    ticker = on ? setInterval(onTick, 2000) : null;
  }

  function start() {
    setRunning(true);
    status.textContent = `Simulating: starting…`;
    run = client().task("simulateActivity", { rate: RATE }, {
      onProgress: ({ tracked }) => { status.textContent = `Simulating: ${count(tracked)} events tracked, ${RATE} a second.`; },
    });
    run.then(({ tracked }) => { status.textContent = `Stopped after ${count(tracked)} simulated events. ${idleText}`; },
      (err) => { status.textContent = `Simulation stopped: ${err.message}`; })
      .finally(() => {
        run = null;
        setRunning(false);
        onStopped();
      });
  }

  /** Stops a running simulation; resolves once the worker has stopped it. */
  async function stop() {
    if (!run) return;
    const ending = run.catch(() => {});
    await client().task("stopActivity", {});
    await ending;
  }

  button.addEventListener("click", () => (run ? stop() : start()));
  addEventListener("pagehide", () => { if (run) client().task("stopActivity", {}).catch(() => {}); });
  return { stop, get running() { return Boolean(run); } };
}
