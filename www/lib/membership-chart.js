// "Membership over time" for the selected segment: entered and left per hour
// or day (auto from the feed's span, or the user's pick), drawn with uPlot
// (www/vendor/, a canvas chart) from the whole change feed, paged through,
// then kept current from the changes the page is given. The text
// alternative is a summary sentence and a table of the non-empty buckets,
// always in the accessibility tree (the canvas itself is hidden from it).
import uPlot from "../vendor/uplot.esm.js";
import { bucketChanges, pickUnit, UNITS } from "./change-buckets.js";
import { count, h } from "./dom.js";

const HEIGHT = 200;
const LABEL = {
  hour: new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }),
  day: new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" }),
};

const H = 3600;
/** Tick spacings (seconds) for the x axis: whole buckets only. */
const INCRS = { hour: [H, 2 * H, 3 * H, 6 * H, 12 * H, 24 * H], day: [24 * H, 2 * 24 * H, 7 * 24 * H, 14 * 24 * H, 28 * 24 * H] };
const TICK = {
  time: new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }),
  date: new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" }),
};
/** "15:00", with the date under the first tick and under each midnight; days as "1 Dec". */
const tickLabels = (unit) => (u, splits) => splits.map((t, i) => {
  const d = new Date(t * 1000);
  if (unit === "day") return TICK.date.format(d);
  return i === 0 || (d.getHours() === 0 && d.getMinutes() === 0) ? `${TICK.time.format(d)}\n${TICK.date.format(d)}` : TICK.time.format(d);
});

const plural = (n, one, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/**
 * @param {{ client: () => object }} options `client` returns the current client.
 * @returns {{ show(segment: { id, name }): Promise<void>, add(change: object): void, hide(): void }}
 */
export function createMembershipChart({ client }) {
  const [section, plot, summary, table, numbers, showTable] = ["", "-plot", "-summary", "-table", "-numbers", "-show-table"]
    .map((suffix) => document.getElementById(`membership${suffix}`));
  const tableBody = table.querySelector("tbody");
  const unitInputs = [...document.querySelectorAll("input[name=membership-unit]")];
  let segmentId = null;
  let changes = [];
  let seen = new Set();
  let chart = null;
  let chartUnit = null;
  let pending = null;

  const chosenUnit = () => unitInputs.find((i) => i.checked)?.value ?? "auto";
  const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function keep(change) {
    if (seen.has(change.id)) return;
    seen.add(change.id);
    changes.push(change);
  }

  async function show(segment) {
    segmentId = segment.id;
    changes = [];
    seen = new Set();
    section.hidden = false;
    section.setAttribute("aria-busy", "true");
    summary.textContent = "Reading the change feed…";
    const mine = segment.id;
    try {
      const page = await client().segments.changes(mine, { limit: 100 });
      for await (const change of page) {
        if (segmentId !== mine) return;
        keep(change);
      }
    } finally {
      if (segmentId === mine) section.setAttribute("aria-busy", "false");
    }
    render();
  }

  /** A change from subscribe: kept (once, whatever paging also read) and drawn soon. */
  function add(change) {
    if (change.segmentId !== segmentId) return;
    keep(change);
    if (section.getAttribute("aria-busy") === "true" || pending) return;
    pending = setTimeout(() => {
      pending = null;
      render();
    }, 250);
  }

  function hide() {
    segmentId = null;
    section.hidden = true;
    chart?.destroy();
    chart = null;
  }

  function render() {
    const now = Date.now();
    const unit = chosenUnit() === "auto" ? pickUnit(changes, now) : chosenUnit();
    const buckets = bucketChanges(changes, unit, { now });
    section.dataset.unit = unit;
    const entered = buckets.reduce((n, b) => n + b.entered, 0);
    const left = buckets.reduce((n, b) => n + b.left, 0);
    summary.textContent = buckets.length
      ? `${plural(entered, "contact")} entered and ${plural(left, "contact")} left over ${plural(buckets.length, unit)}, per ${unit}.`
      : "No changes yet: this segment's members have not changed since it was saved.";
    plot.hidden = !buckets.length;
    const nonEmpty = buckets.filter((b) => b.entered || b.left);
    table.querySelector("caption").textContent = `Entered and left per ${unit} (${unit}s without changes left out)`;
    table.querySelector("th[data-role=bucket]").textContent = unit === "hour" ? "Hour starting" : "Day";
    tableBody.replaceChildren(...nonEmpty.map((b) => h("tr", { "data-start": new Date(b.start).toISOString() },
      h("th", { scope: "row" }, LABEL[unit].format(b.start)),
      h("td", { class: "num", "data-role": "entered" }, count(b.entered)),
      h("td", { class: "num", "data-role": "left" }, count(b.left)))));
    if (!buckets.length) return;
    // Bars sit at the middle of their bucket (entered left of it, left right of it), with an
    // empty bucket either side: bars get their width from the spacing, and one bucket has neighbours.
    const step = UNITS[unit] / 1000;
    const xs = buckets.map((b) => b.start / 1000 + step / 2);
    const data = [[xs[0] - step, ...xs, xs.at(-1) + step], [0, ...buckets.map((b) => b.entered), 0], [0, ...buckets.map((b) => b.left), 0]];
    if (chart && chartUnit === unit) chart.setData(data);
    else draw(unit, data);
  }

  function draw(unit, data) {
    chart?.destroy();
    chartUnit = unit;
    const ink = colour("--muted");
    const grid = colour("--line");
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const bars = (align) => uPlot.paths.bars({ size: [0.42, 48], align });
    chart = new uPlot({
      width: Math.max(240, plot.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{ ...axis, incrs: INCRS[unit], values: tickLabels(unit) }, { ...axis, size: 44, values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? count(v) : "")) }],
      series: [
        {},
        { label: "Entered", fill: colour("--ok"), stroke: colour("--ok"), width: 0, paths: bars(-1), points: { show: false } },
        { label: "Left", fill: colour("--danger"), stroke: colour("--danger"), width: 0, paths: bars(1), points: { show: false } },
      ],
    }, data, plot);
  }

  for (const input of unitInputs) input.addEventListener("change", () => { chart?.destroy(); chart = null; render(); });
  showTable.addEventListener("change", () => numbers.classList.toggle("sr-only", !showTable.checked));
  new ResizeObserver(() => chart?.setSize({ width: Math.max(240, plot.clientWidth), height: HEIGHT })).observe(plot);

  return { show, add, hide, get segmentId() { return segmentId; } };
}
