//! Routes the `log` crate to the console: cubecl-wgpu reports shader compilation failures only
//! there, and unseen they leave training silently wrong.
use wasm_bindgen::JsValue;

struct ConsoleLogger;

impl log::Log for ConsoleLogger {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Warn
    }

    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            let msg = JsValue::from_str(&format!("[{}] {}: {}", r.level(), r.target(), r.args()));
            match r.level() {
                log::Level::Error => web_sys::console::error_1(&msg),
                _ => web_sys::console::warn_1(&msg),
            }
        }
    }

    fn flush(&self) {}
}

static LOGGER: ConsoleLogger = ConsoleLogger;

pub fn install() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}
