//! Display settings kept in this browser: theme and whether times show in UTC or local time.
//! Neither is sensitive, so they live in localStorage (the token never does).

use leptos::prelude::*;

const THEME_KEY: &str = "switchboard.theme";
const TZ_KEY: &str = "switchboard.tz";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZoneMode {
    Local,
    Utc,
}

#[derive(Clone, Copy)]
pub struct Settings {
    pub theme: RwSignal<Theme>,
    pub tz: RwSignal<TimeZoneMode>,
}

pub fn provide_settings() -> Settings {
    let settings = Settings {
        theme: RwSignal::new(Theme::parse(&read(THEME_KEY).unwrap_or_default())),
        tz: RwSignal::new(if read(TZ_KEY).as_deref() == Some("utc") {
            TimeZoneMode::Utc
        } else {
            TimeZoneMode::Local
        }),
    };
    provide_context(settings);
    Effect::new(move |_| {
        let theme = settings.theme.get();
        write(THEME_KEY, theme.as_str());
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", theme.as_str());
        }
    });
    Effect::new(move |_| {
        let tz = settings.tz.get();
        write(
            TZ_KEY,
            if tz == TimeZoneMode::Utc {
                "utc"
            } else {
                "local"
            },
        );
    });
    settings
}

pub fn use_settings() -> Settings {
    expect_context::<Settings>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn write(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}
