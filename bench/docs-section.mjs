// The generated part of docs/performance.md: between two marker comments, a
// bench run writes the chart, the full table, the target lines, the
// breakdowns of the shapes that miss a target, the machine, the commit and
// how to reproduce; the hand-written text around the markers stays. A
// full-size `npm run bench` writes into docs/, smaller runs into
// artifacts/bench/ (run.mjs --docs).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const START = "<!-- bench:start (written by npm run bench; edits here are overwritten) -->";
export const END = "<!-- bench:end -->";
const fence = (lines) => ["```", ...lines, "```"];

/** The section's markdown (without the markers). */
export function section({ meta, chartFile, table, kraiterLines, targetLines, breakdowns, skipLines, reproduce }) {
  const gib = (b) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const load = (l) => l.map((x) => x.toFixed(2)).join(" ");
  const b = meta.build;
  return [
    `## Latest run: ${meta.contacts.toLocaleString("en")} contacts, ${meta.events.toLocaleString("en")} events`,
    "",
    `![Engine time over kraiter's per shape, preview and compute, log scale, with the 10x and 3x target lines](${chartFile})`,
    "",
    `${meta.date}, commit ${b.commit}${b.dirty?.length ? " with uncommitted changes to " + b.dirty.join(", ") : ""}, wasm sha256 ${b.wasmSha256}. ` +
      `Machine: ${meta.cpuModel}, ${meta.cpus} cores, ${gib(meta.memoryBytes)} memory, Node ${meta.node}; load average (1, 5, 15 min) ${load(meta.loadAverage.start)} at the start, ${load(meta.loadAverage.end)} at the end. ` +
      `Medians over up to ${meta.runs} runs (imports: ${meta.importRuns}); (Nx) = that engine's time / kraiter's.`,
    "",
    ...fence([table, ...kraiterLines]),
    "",
    ...skipLines.map((l) => `- ${l}`),
    ...(skipLines.length ? [""] : []),
    "### Targets",
    "",
    ...fence(targetLines),
    "",
    ...(breakdowns.length ? ["### Where the time goes (shapes that miss a target)", "", "kraiter's `preview` of every group and condition on its own, and one `compute` of the whole rule, on the instance the table was measured on.", "", ...fence(breakdowns.flatMap((lines, i) => (i ? ["", ...lines] : lines))), ""] : []),
    "### Reproduce",
    "",
    ...fence([`git checkout ${b.commit}`, "npm ci && npm run build", reproduce]),
  ].join("\n");
}

/** Writes the chart and the section into `dir` (its performance.md: between the markers, or a new file). */
export function writeDocs(dir, { svg, chartName = "bench-ratios.svg", ...parts }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, chartName), svg);
  const md = join(dir, "performance.md");
  const body = `${START}\n${section({ ...parts, chartFile: chartName })}\n${END}`;
  const old = existsSync(md) ? readFileSync(md, "utf8") : "";
  const [i, j] = [old.indexOf(START), old.indexOf(END)];
  const text = i >= 0 && j > i ? old.slice(0, i) + body + old.slice(j + END.length) : old ? `${old.trimEnd()}\n\n${body}\n` : `# Benchmark run\n\n${body}\n`;
  writeFileSync(md, text);
  return { markdown: md, chart: join(dir, chartName) };
}
