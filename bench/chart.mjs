// The picture of a bench run: per shape and engine, that engine's median time
// over kraiter's (so above 1 means kraiter is faster), preview and compute
// one above the other, on a log scale with the targets drawn across (10x the
// hand-written predicate, 3x DuckDB). A vega-lite spec rendered to SVG
// headless in Node (vega's `toSVG`, no DOM, no canvas, no network).

import * as vega from "vega";
import { compile } from "vega-lite";
import { TARGETS } from "./report.mjs";

const TARGET_LINES = [
  { ratio: TARGETS.vsPredicate, label: `target: ${TARGETS.vsPredicate}x js-predicate` },
  { ratio: TARGETS.vsDuckdb, label: `target: ${TARGETS.vsDuckdb}x duckdb` },
];

/** [{ shape, op, engine, ratio }] from ratios[shape][op][engine]. */
export function ratioRows(rat, shapes) {
  const rows = [];
  for (const s of shapes) for (const op of ["preview", "compute"]) for (const [engine, ratio] of Object.entries(rat[s.id]?.[op] ?? {})) rows.push({ shape: s.id, op, engine, ratio });
  return rows;
}

function spec(rows, shapes, title) {
  const ratios = rows.map((r) => r.ratio);
  const domain = [Math.min(0.5, ...ratios) / 1.5, Math.max(20, ...ratios) * 1.5];
  const y = { type: "quantitative", scale: { type: "log", domain } };
  const panel = (op) => ({
    title: { text: op, anchor: "start" },
    width: Math.max(400, shapes.length * 80),
    height: 220,
    data: { values: rows.filter((r) => r.op === op) },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "shape", type: "nominal", sort: shapes.map((s) => s.id), title: null, axis: { labelAngle: -35 } },
          xOffset: { field: "engine", type: "nominal" },
          y: { ...y, field: "ratio", title: "engine time / kraiter time (log)" },
          y2: { datum: domain[0] }, // a log scale has no zero to start bars from
          color: { field: "engine", type: "nominal", title: "engine" },
        },
      },
      { mark: { type: "rule", color: "#999" }, encoding: { y: { ...y, datum: 1 } } },
      ...TARGET_LINES.flatMap((t) => [
        { mark: { type: "rule", strokeDash: [6, 4], color: "#333" }, encoding: { y: { ...y, datum: t.ratio } } },
        { data: { values: [{}] }, mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -2, fontSize: 10, color: "#333", text: t.label }, encoding: { y: { ...y, datum: t.ratio }, x: { value: 0 } } },
      ]),
    ],
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, anchor: "start" },
    vconcat: [panel("preview"), panel("compute")],
    config: { font: "sans-serif", background: "white" },
  };
}

/** The SVG text of the ratio chart. */
export async function ratioChart(rat, shapes, title) {
  const view = new vega.View(vega.parse(compile(spec(ratioRows(rat, shapes), shapes, title)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
