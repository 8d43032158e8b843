//! Cycles the theme: follow the system, light, dark.

use crate::state::{use_settings, Theme};
use leptos::prelude::*;

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let settings = use_settings();
    let next = move || match settings.theme.get() {
        Theme::System => Theme::Light,
        Theme::Light => Theme::Dark,
        Theme::Dark => Theme::System,
    };
    let label = move || match settings.theme.get() {
        Theme::System => "Theme: system",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    view! {
        <button
            type="button"
            class="button ghost theme-toggle"
            data-testid="theme-toggle"
            title=label
            aria-label=label
            on:click=move |_| settings.theme.set(next())
        >
            <span class=move || format!("theme-icon theme-{}", settings.theme.get().as_str()) aria-hidden="true"></span>
            <span class="theme-label">{move || settings.theme.get().as_str()}</span>
        </button>
    }
}
