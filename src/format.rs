//! Pure formatting helpers: relative and absolute times, byte sizes, counts.

use switchboard_api::Timestamp;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    Timestamp::now().unix_millis()
}

/// The browser's UTC offset in minutes at `at` (0 natively).
pub fn local_offset_minutes(at: &Timestamp) -> i32 {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.unix_millis() as f64));
        -(d.get_timezone_offset() as i32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = at;
        0
    }
}

/// "just now", "5 min ago", "in 3 h", "2 days ago".
pub fn relative(now_ms: i64, t: &Timestamp) -> String {
    let diff = (t.unix_millis() - now_ms) / 1000;
    let future = diff > 0;
    let secs = diff.unsigned_abs();
    if secs < 10 {
        return "just now".into();
    }
    let (n, unit) = if secs < 60 {
        (secs, "s")
    } else if secs < 3600 {
        (secs / 60, "min")
    } else if secs < 86_400 {
        (secs / 3600, "h")
    } else if secs < 86_400 * 60 {
        (
            secs / 86_400,
            if secs / 86_400 == 1 { "day" } else { "days" },
        )
    } else if secs < 86_400 * 730 {
        (
            secs / (86_400 * 30),
            if secs / (86_400 * 30) == 1 {
                "month"
            } else {
                "months"
            },
        )
    } else {
        (secs / (86_400 * 365), "years")
    };
    if future {
        format!("in {n} {unit}")
    } else {
        format!("{n} {unit} ago")
    }
}

/// What `<input type="datetime-local">` holds: minutes, or seconds and a fraction when the
/// input's step asks for them.
const LOCAL_INPUT_READ: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
);
/// What the console writes into one: whole minutes.
const LOCAL_INPUT_WRITE: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]");

/// The instant a `datetime-local` value (`2024-01-15T10:30`) names, read in the offset
/// `offset_at` gives in minutes. The offset may depend on the instant (summer time): it is
/// asked for the wall time read as UTC, which is close enough to pick it.
pub fn parse_local_input(value: &str, offset_at: impl Fn(&Timestamp) -> i32) -> Option<Timestamp> {
    let wall = PrimitiveDateTime::parse(value.trim(), LOCAL_INPUT_READ).ok()?;
    let minutes = offset_at(&Timestamp(wall.assume_utc()));
    let offset = UtcOffset::from_whole_seconds(minutes.checked_mul(60)?).ok()?;
    Some(Timestamp(wall.assume_offset(offset)))
}

/// The `datetime-local` value for a moment seen in the given offset.
pub fn to_local_input(t: &Timestamp, offset_minutes: i32) -> String {
    let offset =
        UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC);
    let d: OffsetDateTime = t.0.to_offset(offset);
    d.format(LOCAL_INPUT_WRITE).unwrap_or_default()
}

/// `2024-01-15 10:30:00 UTC`, or in the given offset `2024-01-15 11:30:00 +01:00`.
pub fn absolute(t: &Timestamp, offset_minutes: Option<i32>) -> String {
    let offset = offset_minutes
        .and_then(|m| UtcOffset::from_whole_seconds(m * 60).ok())
        .unwrap_or(UtcOffset::UTC);
    let d: OffsetDateTime = t.0.to_offset(offset);
    let zone = if offset_minutes.is_none() {
        "UTC".to_owned()
    } else {
        let m = offset.whole_minutes();
        format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.unsigned_abs() / 60,
            m.unsigned_abs() % 60
        )
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {zone}",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// `512 B`, `1.5 KiB`, `3.2 MiB`.
pub fn bytes(n: usize) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

/// Cuts a string to at most `max` characters, adding an ellipsis when it did.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn relative_times() {
        let now = at("2024-01-15T10:30:00Z").unix_millis();
        assert_eq!(relative(now, &at("2024-01-15T10:29:55Z")), "just now");
        assert_eq!(relative(now, &at("2024-01-15T10:29:00Z")), "1 min ago");
        assert_eq!(relative(now, &at("2024-01-15T07:30:00Z")), "3 h ago");
        assert_eq!(relative(now, &at("2024-01-14T10:30:00Z")), "1 day ago");
        assert_eq!(relative(now, &at("2024-01-15T10:35:00Z")), "in 5 min");
        assert_eq!(relative(now, &at("2020-01-15T10:30:00Z")), "4 years ago");
    }

    #[test]
    fn absolute_times() {
        let t = at("2024-01-15T10:30:05Z");
        assert_eq!(absolute(&t, None), "2024-01-15 10:30:05 UTC");
        assert_eq!(absolute(&t, Some(60)), "2024-01-15 11:30:05 +01:00");
        assert_eq!(absolute(&t, Some(-330)), "2024-01-15 05:00:05 -05:30");
    }

    #[test]
    fn sizes_and_truncation() {
        assert_eq!(bytes(10), "10 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab", 4), "ab");
    }
}
