//! Time-range filter: presets (last 15 minutes, hour, 24 h, 7 days) and a custom from/until, as kept in the
//! URL query (`range`, `since`, `until`) and turned into the API's `since`/`until` bounds.

use crate::format::local_offset_minutes;
use crate::state::{use_settings, TimeZoneMode};
use leptos::prelude::*;
use switchboard_api::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeRange {
    All,
    Last15Minutes,
    LastHour,
    Last24Hours,
    Last7Days,
    /// Either bound may be open.
    Custom {
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    },
}

impl TimeRange {
    /// The presets in the order the picker offers them, with their URL keys and labels.
    pub const PRESETS: [(&'static str, &'static str); 6] = [
        ("", "Any time"),
        ("15m", "Last 15 minutes"),
        ("1h", "Last hour"),
        ("24h", "Last 24 hours"),
        ("7d", "Last 7 days"),
        ("custom", "Custom…"),
    ];

    /// Reads the URL's `range`, `since` and `until`; anything unknown means no bound.
    pub fn from_query(range: Option<&str>, since: Option<&str>, until: Option<&str>) -> TimeRange {
        match range.unwrap_or("") {
            "15m" => TimeRange::Last15Minutes,
            "1h" => TimeRange::LastHour,
            "24h" => TimeRange::Last24Hours,
            "7d" => TimeRange::Last7Days,
            "custom" => TimeRange::Custom {
                since: since.and_then(Timestamp::parse),
                until: until.and_then(Timestamp::parse),
            },
            // A link that carries only `since`/`until` is a custom range.
            _ if since.is_some() || until.is_some() => TimeRange::Custom {
                since: since.and_then(Timestamp::parse),
                until: until.and_then(Timestamp::parse),
            },
            _ => TimeRange::All,
        }
    }

    /// The URL key of this range.
    pub fn key(&self) -> &'static str {
        match self {
            TimeRange::All => "",
            TimeRange::Last15Minutes => "15m",
            TimeRange::LastHour => "1h",
            TimeRange::Last24Hours => "24h",
            TimeRange::Last7Days => "7d",
            TimeRange::Custom { .. } => "custom",
        }
    }

    /// `(range, since, until)` for the URL; empty strings are left out of the query.
    pub fn to_query(&self) -> (String, String, String) {
        match self {
            TimeRange::Custom { since, until } => (
                "custom".into(),
                since.map(|t| t.to_rfc3339()).unwrap_or_default(),
                until.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ),
            other => (other.key().into(), String::new(), String::new()),
        }
    }

    /// The API bounds at `now_ms`: presets count back from now, so a shared link stays "recent".
    pub fn bounds(&self, now_ms: i64) -> (Option<Timestamp>, Option<Timestamp>) {
        let back = |ms: i64| Timestamp::from_unix_millis(now_ms - ms);
        match self {
            TimeRange::All => (None, None),
            TimeRange::Last15Minutes => (back(900_000), None),
            TimeRange::LastHour => (back(3_600_000), None),
            TimeRange::Last24Hours => (back(86_400_000), None),
            TimeRange::Last7Days => (back(7 * 86_400_000), None),
            TimeRange::Custom { since, until } => (*since, *until),
        }
    }
}

/// Parses an `<input type="datetime-local">` value taken in the given offset from UTC.
pub fn parse_datetime_local(value: &str, offset_minutes: i32) -> Option<Timestamp> {
    crate::format::parse_local_input(value, |_| offset_minutes)
}

pub use crate::format::to_local_input as format_datetime_local;

/// The offset the user reads times in: 0 in UTC mode, else the browser's at that moment.
pub fn display_offset(mode: TimeZoneMode, at: &Timestamp) -> i32 {
    match mode {
        TimeZoneMode::Utc => 0,
        TimeZoneMode::Local => local_offset_minutes(at),
    }
}

/// A preset `<select>` plus, for "Custom", two `datetime-local` inputs read in the user's time
/// zone setting (UTC or local).
#[component]
pub fn TimeRangePicker(
    /// The current range (from the URL).
    #[prop(into)]
    value: Signal<TimeRange>,
    /// Called with the new range.
    on_change: Callback<TimeRange>,
) -> impl IntoView {
    let settings = use_settings();
    let now = Timestamp::now;
    let offset = move |t: &Timestamp| display_offset(settings.tz.get(), t);
    let custom = move || match value.get() {
        TimeRange::Custom { since, until } => Some((since, until)),
        _ => None,
    };
    let on_preset = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        let next = if key == "custom" {
            let (since, until) = value.get_untracked().bounds(crate::format::now_ms());
            TimeRange::Custom {
                since: since
                    .or_else(|| Timestamp::from_unix_millis(crate::format::now_ms() - 86_400_000)),
                until,
            }
        } else {
            TimeRange::from_query(Some(&key), None, None)
        };
        on_change.run(next);
    };
    let set_bound = move |is_since: bool, raw: String| {
        let parsed = parse_datetime_local(&raw, offset(&now()));
        if let TimeRange::Custom { since, until } = value.get_untracked() {
            let next = if is_since {
                TimeRange::Custom {
                    since: parsed,
                    until,
                }
            } else {
                TimeRange::Custom {
                    since,
                    until: parsed,
                }
            };
            on_change.run(next);
        }
    };
    let zone = move || {
        if settings.tz.get() == TimeZoneMode::Utc {
            "UTC"
        } else {
            "local time"
        }
    };
    view! {
        <div class="time-range" data-testid="time-range">
            <div class="field">
                <label for="filter-range">"Time"</label>
                <select id="filter-range" data-testid="filter-range"
                    prop:value=move || value.get().key()
                    on:change=on_preset>
                    {TimeRange::PRESETS.iter().map(|(key, label)| view! { <option value=*key selected=move || value.get().key() == *key>{*label}</option> }).collect_view()}
                </select>
            </div>
            {move || custom().map(|(since, until)| view! {
                <div class="field">
                    <label for="filter-since">"From (" {zone} ")"</label>
                    <input id="filter-since" type="datetime-local" data-testid="filter-since"
                        prop:value=since.map(|t| format_datetime_local(&t, offset(&t))).unwrap_or_default()
                        on:change=move |ev| set_bound(true, event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="filter-until">"Until (" {zone} ")"</label>
                    <input id="filter-until" type="datetime-local" data-testid="filter-until"
                        prop:value=until.map(|t| format_datetime_local(&t, offset(&t))).unwrap_or_default()
                        on:change=move |ev| set_bound(false, event_target_value(&ev))/>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn presets_round_trip_through_the_query() {
        for key in ["15m", "1h", "24h", "7d"] {
            let r = TimeRange::from_query(Some(key), None, None);
            assert_eq!(r.key(), key);
            assert_eq!(r.to_query(), (key.to_owned(), String::new(), String::new()));
        }
        assert_eq!(TimeRange::from_query(None, None, None), TimeRange::All);
        assert_eq!(
            TimeRange::from_query(Some("bogus"), None, None),
            TimeRange::All
        );
        let custom =
            TimeRange::from_query(Some("custom"), Some("2024-01-15T10:00:00Z"), Some("junk"));
        assert_eq!(
            custom,
            TimeRange::Custom {
                since: Some(at("2024-01-15T10:00:00Z")),
                until: None
            }
        );
        assert_eq!(custom.to_query().1, "2024-01-15T10:00:00Z");
        // A bare `since` in a link is a custom range.
        assert_eq!(
            TimeRange::from_query(None, Some("1705312800"), None).key(),
            "custom"
        );
    }

    #[test]
    fn bounds_count_back_from_now() {
        let now = at("2024-01-15T10:30:00Z").unix_millis();
        assert_eq!(
            TimeRange::LastHour.bounds(now),
            (Some(at("2024-01-15T09:30:00Z")), None)
        );
        assert_eq!(
            TimeRange::Last24Hours.bounds(now).0,
            Some(at("2024-01-14T10:30:00Z"))
        );
        assert_eq!(
            TimeRange::Last7Days.bounds(now).0,
            Some(at("2024-01-08T10:30:00Z"))
        );
        assert_eq!(TimeRange::All.bounds(now), (None, None));
    }

    #[test]
    fn datetime_local_in_a_zone() {
        assert_eq!(
            parse_datetime_local("2024-01-15T10:30", 0),
            Some(at("2024-01-15T10:30:00Z"))
        );
        assert_eq!(
            parse_datetime_local("2024-01-15T10:30:15", 60),
            Some(at("2024-01-15T09:30:15Z"))
        );
        assert_eq!(parse_datetime_local("2024-02-30T10:30", 0), None);
        assert_eq!(parse_datetime_local("", 0), None);
        assert_eq!(parse_datetime_local("2024-01-15", 0), None);
        assert_eq!(parse_datetime_local("2024-01-15T25:00", 0), None);
        assert_eq!(
            format_datetime_local(&at("2024-01-15T09:30:15Z"), 60),
            "2024-01-15T10:30"
        );
        assert_eq!(
            format_datetime_local(&at("2024-01-15T00:10:00Z"), -330),
            "2024-01-14T18:40"
        );
    }
}
