// Loads the wasm module once per realm. Each runtime entry (node.js,
// browser.js, workerd.js) says how to get the bytes or the compiled module;
// Kraiter.open awaits `ensureWasm()` so users never call an init function.

let loader = null;
let ready = null;

export function setWasmLoader(fn) {
  loader = fn;
}

export function ensureWasm() {
  if (!ready) {
    if (!loader) throw new Error("kraiter-segments: no wasm loader for this runtime; import the package entry, not js/kraiter.js");
    ready = Promise.resolve().then(loader);
    ready.catch(() => { ready = null; });
  }
  return ready;
}
