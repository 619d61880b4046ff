//! kraiter-segments: the segment engine of the Kraiter API.
//!
//! The core (`rules`, `engine`, `api`) is plain Rust, built and tested
//! natively; `wasm` is the only module that knows about JavaScript.

pub mod api;
pub mod engine;
pub mod error;
pub mod rules;
pub mod time;

#[cfg(target_arch = "wasm32")]
mod wasm;
