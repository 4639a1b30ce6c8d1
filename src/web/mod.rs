//! The browser edge, and the only code that touches wasm-bindgen / js-sys / web-sys. It wraps
//! the core in one `Session` that a module Web Worker drives; core errors become JS `Error`s
//! carrying the core's message, once, here.
mod convert;
mod ctors;
mod logger;
mod session;

pub use session::Session;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    ctors::run_once();
    console_error_panic_hook::set_once();
    logger::install();
}

/// How many times the module's constructors have run: 1 when the fix in `ctors` holds.
#[wasm_bindgen]
pub fn ctor_runs() -> u32 {
    ctors::runs()
}
