// The declarations are checked against the code: each runtime entry's
// declaration file (js/node.d.ts, browser.d.ts, workerd.d.ts, chosen by
// package.json's "exports" conditions) declares exactly the values that
// entry exports, read by the TypeScript compiler on one side and from the
// entry's export statements on the other.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ts from "typescript";

const js = (f) => new URL(`../../js/${f}`, import.meta.url);

/** Value names a module exports, following `export * from` and `export { … } from`. */
function runtimeExports(file) {
  const source = readFileSync(file, "utf8");
  const names = new Set();
  for (const m of source.matchAll(/export \* from "(\.\/[^"]+)";/g)) {
    for (const n of runtimeExports(new URL(m[1], file))) names.add(n);
  }
  for (const m of source.matchAll(/export \{([^}]+)\} from/g)) {
    for (const part of m[1].split(",")) names.add(part.trim().split(/\s+as\s+/).pop());
  }
  for (const m of source.matchAll(/export (?:async )?(?:function|class|const) (\w+)/g)) names.add(m[1]);
  return [...names];
}

/** Value (not type-only) names a declaration file exports, as the compiler sees them. */
function declaredValues(file) {
  const path = file.pathname;
  const program = ts.createProgram([path], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(path));
  return checker
    .getExportsOfModule(symbol)
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return target.flags & ts.SymbolFlags.Value;
    })
    .map((s) => s.name);
}

for (const entry of ["node", "browser", "workerd"]) {
  test(`js/${entry}.d.ts declares exactly what js/${entry}.js exports`, () => {
    assert.deepEqual(declaredValues(js(`${entry}.d.ts`)).sort(), runtimeExports(js(`${entry}.js`)).sort());
  });
}

test("package.json picks each runtime's declarations with its code", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  for (const [condition, target] of Object.entries(pkg.exports["."])) {
    assert.equal(target.types, target.default.replace(/\.js$/, ".d.ts"), condition);
  }
});
