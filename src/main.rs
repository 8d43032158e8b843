//! Mounts the console: panic hook first, then the app.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(switchboard::app::App);
}
