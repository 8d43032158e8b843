//! Mounts the console: panic hook first, then the app.

fn main() {
    // Besides logging, a panic marks the page so that browser tests can fail on it.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-panicked", "true");
        }
    }));
    leptos::mount::mount_to_body(switchboard::app::App);
}
