//! kraiter-segments: the segment engine of the Kraiter API.
//!
//! The core (`rules`, `engine`, `api`) is plain Rust, built and tested
//! natively; `wasm` is the only module that knows about JavaScript.

pub mod api;
pub mod engine;
pub mod error;
pub mod rules;
pub mod text;
pub mod time;
pub mod zone;
pub mod zone_db;

/// The wasm-bindgen boundary (only on wasm32).
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm as wasm_api;
