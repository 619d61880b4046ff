//! The wasm-bindgen boundary, and the only code that knows about JS: a thin
//! `Engine` newtype whose methods take and return strings and bytes, and one
//! place where a core `Error` becomes a plain `{ code, status, message,
//! details }` object that js/errors.js turns into a `KraiterError`.

use wasm_bindgen::prelude::*;

use crate::api;
use crate::error::Error;

type JsResult<T> = Result<T, JsValue>;

fn to_js(e: Error) -> JsValue {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), &v);
    };
    set("code", serde_wasm_bindgen::to_value(&e.code).unwrap_or(JsValue::NULL));
    set("status", JsValue::from(e.code.status()));
    set("message", JsValue::from_str(&e.message));
    let details = js_sys::Array::new();
    for d in &e.details {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"path".into(), &JsValue::from_str(&d.path));
        let _ = js_sys::Reflect::set(&o, &"message".into(), &JsValue::from_str(&d.message));
        details.push(&o);
    }
    set("details", details.into());
    obj.into()
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// One tenant's resident data and rule engine.
#[wasm_bindgen]
pub struct Engine(api::Engine);

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine(api::Engine::new())
    }

    /// Rebuilds an engine from `snapshot()` bytes.
    pub fn restore(bytes: &[u8]) -> JsResult<Engine> {
        api::Engine::restore(bytes).map(Engine).map_err(to_js)
    }

    /// The engine state as bytes, copied out of wasm memory a piece at a
    /// time: wasm memory never holds a second copy of the state.
    pub fn snapshot(&mut self) -> js_sys::Uint8Array {
        let parts: Vec<js_sys::Uint8Array> = {
            let mut parts = Vec::new();
            self.0.snapshot_chunks(|c| parts.push(js_sys::Uint8Array::from(c)));
            parts
        };
        let total: u32 = parts.iter().map(|p| p.length()).sum();
        let out = js_sys::Uint8Array::new_with_length(total);
        let mut at = 0;
        for p in parts {
            out.set(&p, at);
            at += p.length();
        }
        out
    }

    /// Validates a mutation entry; nothing changes until `commit`.
    pub fn plan(&mut self, entry: &str) -> JsResult<()> {
        self.0.plan(entry).map_err(to_js)
    }

    /// `plan` for an entry given as UTF-8 bytes: a large entry (an import)
    /// crosses into wasm as one copy, where a string is re-encoded a
    /// character at a time.
    #[wasm_bindgen(js_name = planBytes)]
    pub fn plan_bytes(&mut self, entry: &[u8]) -> JsResult<()> {
        self.0.plan(utf8(entry)?).map_err(to_js)
    }

    /// Applies the planned mutation; returns its reply as JSON.
    pub fn commit(&mut self) -> Option<String> {
        self.0.commit()
    }

    pub fn discard(&mut self) {
        self.0.discard()
    }

    /// How many membership changes the last commit recorded.
    #[wasm_bindgen(js_name = changeCount)]
    pub fn change_count(&self) -> u32 {
        self.0.change_count() as u32
    }

    /// The membership changes the last commit recorded, as a JSON array.
    pub fn changes(&self) -> String {
        self.0.changes()
    }

    /// When live segments next need the clock applied (epoch ms), or
    /// undefined for never.
    #[wasm_bindgen(js_name = wakeAt)]
    pub fn wake_at(&self) -> Option<f64> {
        self.0.wake_at().map(|t| t as f64)
    }

    /// Answers a read-only entry with JSON.
    pub fn query(&mut self, entry: &str) -> JsResult<String> {
        self.0.query(entry).map_err(to_js)
    }

    /// `query` for an entry given as UTF-8 bytes (see `planBytes`).
    #[wasm_bindgen(js_name = queryBytes)]
    pub fn query_bytes(&mut self, entry: &[u8]) -> JsResult<String> {
        self.0.query(utf8(entry)?).map_err(to_js)
    }
}

fn utf8(entry: &[u8]) -> JsResult<&str> {
    std::str::from_utf8(entry).map_err(|_| to_js(crate::error::Error::invalid("", "the entry is not UTF-8")))
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// Bytes of wasm linear memory in use by this module instance.
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// Hands the engine the time zone database (the bytes of js/wasm/tzdb.js),
/// once, before the first rule that names a zone. js/zones.js calls it.
#[wasm_bindgen(js_name = loadZones)]
pub fn load_zones(bytes: &[u8]) -> JsResult<()> {
    crate::zone_db::load(bytes).map_err(|m| to_js(Error::new(crate::error::Code::StorageError, m)))
}

#[wasm_bindgen(js_name = zonesLoaded)]
pub fn zones_loaded() -> bool {
    crate::zone_db::loaded()
}
