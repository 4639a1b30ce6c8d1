//! inventory (in burn's tree through cubecl) registers `.init_array` constructors, so wasm-ld
//! treats the module as a command and wraps every export — wasm-bindgen's own helpers too — in
//! `__wasm_call_ctors`, re-running all constructors on each JS→wasm call (~8× slower steps).
//! Referencing the symbol turns the wrappers off; `run_once` then calls it once, at start.
use std::sync::atomic::{AtomicU32, Ordering};

unsafe extern "C" {
    fn __wasm_call_ctors();
}

static RUNS: AtomicU32 = AtomicU32::new(0);

extern "C" fn count_run() {
    RUNS.fetch_add(1, Ordering::Relaxed);
}

/// Our own constructor: it counts how often constructors run, so a test can see the fix hold.
#[used]
#[unsafe(link_section = ".init_array")]
static COUNT_RUNS: extern "C" fn() = count_run;

pub fn run_once() {
    // SAFETY: called once from the start function, before any other export runs.
    unsafe { __wasm_call_ctors() };
}

pub fn runs() -> u32 {
    RUNS.load(Ordering::Relaxed)
}
