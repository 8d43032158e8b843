//! `StatsChart`: stacked success/failure bars over time, drawn as SVG by the console, with a
//! text summary and a data table for screen readers. Takes plain buckets so any page can use it.

use crate::format::{absolute, local_offset_minutes};
use crate::state::{use_settings, TimeZoneMode};
use leptos::prelude::*;
use switchboard_api::StatsBucket;

/// Drawing area, in SVG user units (the SVG scales to its box).
pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 200.0;
/// Room on the left for the y labels and at the bottom for the x labels.
pub const PAD_LEFT: f64 = 36.0;
pub const PAD_BOTTOM: f64 = 22.0;
pub const PAD_TOP: f64 = 8.0;

/// One bar: the succeeded part sits on the axis, the failed part on top of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub ok_y: f64,
    pub ok_height: f64,
    pub bad_y: f64,
    pub bad_height: f64,
}

/// Everything the SVG needs, computed without a browser.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLayout {
    /// Top of the y axis: a round number at or above the tallest bar (at least 1).
    pub y_max: u32,
    /// Values with a grid line and a label, bottom to top.
    pub ticks: Vec<(u32, f64)>,
    pub bars: Vec<Bar>,
    /// Index of the buckets that get an x label.
    pub labelled: Vec<usize>,
    pub total_ok: u64,
    pub total_failed: u64,
}

/// The smallest of 1, 2, 5 × 10ⁿ that is ≥ `n` (1 for an empty chart).
pub fn nice_max(n: u32) -> u32 {
    let mut base: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let v = m * base;
            if v >= u64::from(n.max(1)) {
                return u32::try_from(v).unwrap_or(u32::MAX);
            }
        }
        base *= 10;
    }
}

/// Y coordinate of a value in the plot.
fn y_of(v: f64, y_max: u32) -> f64 {
    let plot = HEIGHT - PAD_TOP - PAD_BOTTOM;
    HEIGHT - PAD_BOTTOM - plot * v / f64::from(y_max)
}

pub fn layout(buckets: &[StatsBucket]) -> ChartLayout {
    let tallest = buckets
        .iter()
        .map(|b| b.succeeded.saturating_add(b.failed))
        .max()
        .unwrap_or(0);
    let y_max = nice_max(tallest);
    // A middle line only where it falls on a whole number (not at 2.5 of 5).
    let mut values = vec![0];
    if y_max % 2 == 0 && y_max >= 2 {
        values.push(y_max / 2);
    }
    values.push(y_max);
    let ticks = values
        .into_iter()
        .map(|v| (v, y_of(f64::from(v), y_max)))
        .collect();
    let n = buckets.len().max(1) as f64;
    let slot = (WIDTH - PAD_LEFT) / n;
    let gap = (slot * 0.2).min(6.0);
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let base = HEIGHT - PAD_BOTTOM;
            let ok_top = y_of(f64::from(b.succeeded), y_max);
            let bad_top = y_of(f64::from(b.succeeded) + f64::from(b.failed), y_max);
            Bar {
                x: PAD_LEFT + i as f64 * slot + gap / 2.0,
                width: (slot - gap).max(1.0),
                ok_y: ok_top,
                ok_height: base - ok_top,
                bad_y: bad_top,
                bad_height: ok_top - bad_top,
            }
        })
        .collect();
    let step = (buckets.len() / 6).max(1);
    let labelled = (0..buckets.len()).step_by(step).collect();
    ChartLayout {
        y_max,
        ticks,
        bars,
        labelled,
        total_ok: buckets.iter().map(|b| u64::from(b.succeeded)).sum(),
        total_failed: buckets.iter().map(|b| u64::from(b.failed)).sum(),
    }
}

/// "12 succeeded, 3 failed (80% success)" or "No deliveries".
pub fn summary(total_ok: u64, total_failed: u64) -> String {
    let total = total_ok + total_failed;
    if total == 0 {
        return "No deliveries".into();
    }
    let pct = (total_ok as f64 * 100.0 / total as f64).round();
    format!("{total_ok} succeeded, {total_failed} failed ({pct}% success)")
}

/// `HH:MM` of a bucket start, in the display time zone.
fn hour_label(b: &StatsBucket, utc: bool) -> String {
    let offset = (!utc).then(|| local_offset_minutes(&b.start));
    let full = absolute(&b.start, offset);
    full.split(' ')
        .nth(1)
        .map(|t| t[..5].to_owned())
        .unwrap_or_default()
}

/// Stacked bars of succeeded (bottom) and failed (top) deliveries per bucket.
#[component]
pub fn StatsChart(
    /// The buckets, oldest first.
    #[prop(into)]
    buckets: Signal<Vec<StatsBucket>>,
    /// What the chart covers, e.g. "the last 24 hours"; used in the caption.
    #[prop(optional, into)]
    period: Option<String>,
) -> impl IntoView {
    let settings = use_settings();
    let period = period.unwrap_or_else(|| "the last 24 hours".into());
    let layout_memo = Memo::new(move |_| layout(&buckets.get()));
    let caption = {
        let period = period.clone();
        move || {
            let l = layout_memo.get();
            format!(
                "Deliveries in {period}: {}",
                summary(l.total_ok, l.total_failed)
            )
        }
    };
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    let svg = move || {
        let l = layout_memo.get();
        let utc = settings.tz.get() == TimeZoneMode::Utc;
        let data = buckets.get();
        let grid = l
            .ticks
            .iter()
            .map(|(v, y)| {
                view! {
                    <line class="chart-grid" x1=PAD_LEFT x2=WIDTH y1=*y y2=*y/>
                    <text class="chart-label" x=PAD_LEFT - 6.0 y=*y + 4.0 text-anchor="end">{v.to_string()}</text>
                }
            })
            .collect_view();
        let bars = l
            .bars
            .iter()
            .zip(data.iter())
            .map(|(bar, b)| {
                let tip = format!("{}: {} succeeded, {} failed", hour_label(b, utc), b.succeeded, b.failed);
                view! {
                    <g class="chart-bar">
                        <title>{tip}</title>
                        <rect class="chart-ok" x=bar.x y=bar.ok_y width=bar.width height=bar.ok_height/>
                        <rect class="chart-bad" x=bar.x y=bar.bad_y width=bar.width height=bar.bad_height/>
                    </g>
                }
            })
            .collect_view();
        let labels = l
            .labelled
            .iter()
            .filter_map(|&i| Some((l.bars.get(i)?, data.get(i)?)))
            .map(|(bar, b)| {
                view! {
                    <text class="chart-label" x=bar.x y=HEIGHT - 6.0>{hour_label(b, utc)}</text>
                }
            })
            .collect_view();
        view! { {grid} {bars} {labels} }
    };
    let rows = move || {
        let utc = settings.tz.get() == TimeZoneMode::Utc;
        buckets
            .get()
            .into_iter()
            .map(|b| {
                view! {
                    <tr>
                        <th scope="row">{hour_label(&b, utc)}</th>
                        <td>{b.succeeded}</td>
                        <td>{b.failed}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <figure class="stats-chart" data-testid="stats-chart">
            <svg viewBox=view_box class="chart-svg" role="img" aria-label=caption.clone()
                data-testid="stats-chart-svg">
                {svg}
            </svg>
            <figcaption class="chart-caption">
                <span class="chart-key chart-key-ok">"Succeeded"</span>
                <span class="chart-key chart-key-bad">"Failed"</span>
                <span data-testid="stats-summary">{caption}</span>
            </figcaption>
            <table class="sr-only">
                <caption>"Deliveries per hour"</caption>
                <thead><tr><th scope="col">"Hour"</th><th scope="col">"Succeeded"</th><th scope="col">"Failed"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::Timestamp;

    fn bucket(h: i64, ok: u32, bad: u32) -> StatsBucket {
        StatsBucket {
            start: Timestamp::from_unix_millis(1_700_000_000_000 + h * 3_600_000).unwrap(),
            succeeded: ok,
            failed: bad,
        }
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(1), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(250), 500);
    }

    #[test]
    fn bars_stack_and_scale_to_the_axis() {
        let l = layout(&[bucket(0, 6, 4), bucket(1, 0, 0), bucket(2, 2, 0)]);
        assert_eq!(l.y_max, 10);
        let base = HEIGHT - PAD_BOTTOM;
        let plot = HEIGHT - PAD_TOP - PAD_BOTTOM;
        let tall = &l.bars[0];
        assert!((tall.ok_height - plot * 0.6).abs() < 1e-9);
        assert!((tall.bad_height - plot * 0.4).abs() < 1e-9);
        assert!(
            (tall.bad_y - PAD_TOP).abs() < 1e-9,
            "the tallest bar reaches the top"
        );
        assert!((tall.ok_y + tall.ok_height - base).abs() < 1e-9);
        assert_eq!(l.bars[1].ok_height, 0.0);
        assert_eq!(l.bars[1].bad_height, 0.0);
        assert!(l.bars[1].x > tall.x + tall.width, "bars do not overlap");
        assert_eq!((l.total_ok, l.total_failed), (8, 4));
        assert_eq!(l.ticks.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 5, 10]);
    }

    #[test]
    fn empty_and_summary() {
        let l = layout(&[]);
        assert_eq!(l.y_max, 1);
        assert_eq!(l.ticks.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 1]);
        assert!(l.bars.is_empty());
        let l = layout(&[bucket(0, 4, 0)]);
        assert_eq!(l.ticks.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 5]);
        assert_eq!(summary(0, 0), "No deliveries");
        assert_eq!(summary(3, 1), "3 succeeded, 1 failed (75% success)");
    }
}
