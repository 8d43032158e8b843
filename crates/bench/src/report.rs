//! The results table (each figure beside its baseline, with the ratio and the target) and the
//! JSON record a later run compares itself with.

use crate::measure::Samples;
use crate::stats::Summary;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Ms,
    /// Shown in KB (1000 bytes), as transfer budgets are usually stated.
    Bytes,
    /// Shown in MB (10^6 bytes).
    Memory,
    Count,
    PerSecond,
}

impl Unit {
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Ms => format!("{v:.0} ms"),
            Unit::Bytes => format!("{:.1} KB", v / 1000.0),
            Unit::Memory => format!("{:.1} MB", v / 1e6),
            Unit::Count => format!("{v:.0}"),
            Unit::PerSecond => format!("{v:.1}/s"),
        }
    }
}

/// What "good" means for a row, judged on the medians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    AtMost(f64),
    Below(f64),
    /// Console median at most this multiple of the baseline median.
    RatioAtMost(f64),
}

impl Target {
    pub fn met(self, value: f64, baseline: Option<f64>) -> Option<bool> {
        match self {
            Target::AtMost(t) => Some(value <= t),
            Target::Below(t) => Some(value < t),
            Target::RatioAtMost(r) => baseline.filter(|b| *b > 0.0).map(|b| value / b <= r),
        }
    }

    pub fn describe(self, unit: Unit) -> String {
        match self {
            Target::AtMost(t) => format!("≤ {}", unit.format(t)),
            Target::Below(t) => format!("< {}", unit.format(t)),
            Target::RatioAtMost(r) => format!("≤ {r}× baseline"),
        }
    }
}

pub struct Row {
    pub label: &'static str,
    pub metric: &'static str,
    pub unit: Unit,
    /// What the row stands beside: a label and its metric id.
    pub baseline: Option<(&'static str, &'static str)>,
    pub target: Option<Target>,
}

const fn row(
    label: &'static str,
    metric: &'static str,
    unit: Unit,
    baseline: Option<(&'static str, &'static str)>,
    target: Option<Target>,
) -> Row {
    Row {
        label,
        metric,
        unit,
        baseline,
        target,
    }
}

const LEPTOS: &str = "minimal Leptos + router";
const STATIC: &str = "static HTML, same rows";
const API: &str = "API pages fetched by the page";
const SQL: &str = "bare SQLite query, same file";

// One row per line reads as the table it prints.
#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    row("first load transfer, raw", "transfer_raw", Unit::Bytes, Some((LEPTOS, "leptos_transfer_raw")), None),
    row("first load transfer, gzip", "transfer_gzip", Unit::Bytes, Some((LEPTOS, "leptos_transfer_gzip")), Some(Target::AtMost(200_000.0))),
    row("first load transfer, brotli", "transfer_brotli", Unit::Bytes, Some((LEPTOS, "leptos_transfer_brotli")), None),
    row("first useful render (50 webhooks), cold", "render_ms", Unit::Ms, Some((STATIC, "static_render_ms")), Some(Target::RatioAtMost(1.5))),
    row("  first contentful paint", "fcp_ms", Unit::Ms, Some((STATIC, "static_fcp_ms")), None),
    row("  wasm downloaded", "wasm_loaded_ms", Unit::Ms, None, None),
    row("  first API request sent", "first_api_start_ms", Unit::Ms, None, None),
    row("  last API response in", "last_api_end_ms", Unit::Ms, None, None),
    row("minimal Leptos page rendered, cold", "leptos_render_ms", Unit::Ms, None, None),
    row("deliveries first page (100k stored)", "deliveries_first_page_ms", Unit::Ms, Some((API, "api_first_page_ms")), None),
    row("  request sent after the click", "deliveries_request_sent_ms", Unit::Ms, None, None),
    row("  response in after the click", "deliveries_response_in_ms", Unit::Ms, None, None),
    row("load rows by paging", "load_rows_ms", Unit::Ms, Some((API, "api_rows_ms")), None),
    row("DOM nodes with rows loaded", "dom_nodes_rows", Unit::Count, Some(("first page only", "dom_nodes_first_page")), Some(Target::Below(2000.0))),
    row("slow frames (> 20 ms) per s of scrolling", "slow_frames_per_s", Unit::PerSecond, None, None),
    row("longest frame while scrolling", "longest_frame_ms", Unit::Ms, None, Some(Target::AtMost(50.0))),
    row("median frame while scrolling", "frame_median_ms", Unit::Ms, None, None),
    row("JS heap + wasm memory with rows loaded", "memory_rows", Unit::Memory, Some(("first page only", "memory_first_page")), Some(Target::AtMost(50e6))),
    row("filter change to new first page", "filter_ms", Unit::Ms, Some((API, "api_filter_ms")), None),
    row("  request sent after the change", "filter_request_sent_ms", Unit::Ms, None, None),
    row("  response in after the change", "filter_response_in_ms", Unit::Ms, None, None),
    row("search, full text (API, first page)", "search_text_ms", Unit::Ms, Some((SQL, "sql_search_text_ms")), None),
    row("search, payload field filter (API)", "search_where_ms", Unit::Ms, Some((SQL, "sql_search_where_ms")), None),
    row("export read, 10k rows by paging (rows/s)", "export_rows_per_s", Unit::PerSecond, Some((SQL, "sql_export_rows_per_s")), None),
];

fn summaries(samples: &Samples) -> std::collections::BTreeMap<&'static str, Summary> {
    samples
        .iter()
        .filter_map(|(k, v)| Summary::of(v).map(|s| (*k, s)))
        .collect()
}

fn cell(unit: Unit, s: Option<&Summary>) -> String {
    match s {
        None => "—".into(),
        Some(s) if s.min == s.max => unit.format(s.median),
        Some(s) => format!(
            "{} [{}–{}]",
            unit.format(s.median),
            unit.format(s.min),
            unit.format(s.max)
        ),
    }
}

/// The printed table. `previous` is an earlier run's JSON record, whose medians get a column.
pub fn table(samples: &Samples, rows_loaded: u32, previous: Option<&Value>) -> String {
    let sums = summaries(samples);
    let mut lines: Vec<[String; 7]> = vec![[
        "metric".into(),
        "console: median [min–max]".into(),
        "baseline: median [min–max]".into(),
        "ratio".into(),
        "target".into(),
        "met".into(),
        "previous run".into(),
    ]];
    for r in ROWS {
        let label = r.label.replace("rows", &format!("{rows_loaded} rows"));
        let value = sums.get(r.metric);
        let base = r.baseline.and_then(|(_, m)| sums.get(m));
        let base_cell = match r.baseline {
            Some((name, _)) => format!("{}  ({name})", cell(r.unit, base)),
            None => "".into(),
        };
        let ratio = match (value, base) {
            (Some(v), Some(b)) if b.median > 0.0 => format!("{:.2}×", v.median / b.median),
            _ => "".into(),
        };
        let (target, met) = match (r.target, value) {
            (Some(t), Some(v)) => (
                t.describe(r.unit),
                match t.met(v.median, base.map(|b| b.median)) {
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => "?".into(),
                },
            ),
            (Some(t), None) => (t.describe(r.unit), "?".into()),
            _ => ("".into(), "".into()),
        };
        let prev = previous
            .and_then(|p| p["metrics"][r.metric]["median"].as_f64())
            .map(|m| r.unit.format(m))
            .unwrap_or_default();
        lines.push([
            label,
            cell(r.unit, value),
            base_cell,
            ratio,
            target,
            met,
            prev,
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, l) in lines.iter().enumerate() {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("-|-"));
            out.push('\n');
        }
    }
    out
}

/// Everything a later run needs to compare: every sample, the summaries and the verdicts.
pub fn record(samples: &Samples, context: Value) -> Value {
    let sums = summaries(samples);
    let mut metrics = serde_json::Map::new();
    for (id, values) in samples {
        let mut m = json!({ "samples": values });
        if let Some(s) = sums.get(id) {
            m["median"] = json!(s.median);
            m["min"] = json!(s.min);
            m["max"] = json!(s.max);
        }
        metrics.insert((*id).to_owned(), m);
    }
    let targets: Vec<Value> = ROWS
        .iter()
        .filter_map(|r| {
            let t = r.target?;
            let v = sums.get(r.metric)?.median;
            let b = r.baseline.and_then(|(_, m)| sums.get(m)).map(|s| s.median);
            Some(json!({
                "metric": r.metric,
                "target": t.describe(r.unit),
                "median": v,
                "met": t.met(v, b),
            }))
        })
        .collect();
    let mut out = context;
    out["metrics"] = Value::Object(metrics);
    out["targets"] = json!(targets);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(pairs: &[(&'static str, &[f64])]) -> Samples {
        pairs.iter().map(|(k, v)| (*k, v.to_vec())).collect()
    }

    #[test]
    fn targets_judge_medians_and_ratios() {
        assert_eq!(Target::AtMost(200.0).met(200.0, None), Some(true));
        assert_eq!(Target::Below(2000.0).met(2000.0, None), Some(false));
        assert_eq!(Target::RatioAtMost(1.5).met(150.0, Some(100.0)), Some(true));
        assert_eq!(
            Target::RatioAtMost(1.5).met(151.0, Some(100.0)),
            Some(false)
        );
        assert_eq!(Target::RatioAtMost(1.5).met(1.0, None), None);
    }

    #[test]
    fn table_puts_each_figure_beside_its_baseline_with_ratio_and_verdict() {
        let s = samples(&[
            ("render_ms", &[300.0, 200.0, 250.0]),
            ("static_render_ms", &[100.0, 100.0, 100.0]),
            ("dom_nodes_rows", &[900.0]),
        ]);
        let prev = json!({"metrics": {"render_ms": {"median": 400.0}}});
        let t = table(&s, 10_000, Some(&prev));
        let render = t
            .lines()
            .find(|l| l.starts_with("first useful render"))
            .unwrap();
        assert!(render.contains("250 ms [200 ms–300 ms]"), "{render}");
        assert!(render.contains("100 ms  (static HTML"), "{render}");
        assert!(render.contains("2.50×"), "{render}");
        assert!(render.contains("NO"), "{render}");
        assert!(render.contains("400 ms"), "{render}");
        let dom = t.lines().find(|l| l.starts_with("DOM nodes")).unwrap();
        assert!(dom.contains("10000 rows") && dom.contains("yes"), "{dom}");
        let gzip = t
            .lines()
            .find(|l| l.starts_with("first load transfer, gzip"))
            .unwrap();
        assert!(
            gzip.contains('?'),
            "unmeasured targets are not passed: {gzip}"
        );
    }

    #[test]
    fn record_keeps_samples_summaries_and_verdicts() {
        let s = samples(&[("transfer_gzip", &[250_000.0, 250_000.0])]);
        let r = record(&s, json!({"runs": 2}));
        assert_eq!(r["runs"], 2);
        assert_eq!(r["metrics"]["transfer_gzip"]["median"], 250_000.0);
        assert_eq!(
            r["metrics"]["transfer_gzip"]["samples"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let t = &r["targets"][0];
        assert_eq!(
            (t["metric"].as_str(), t["met"].as_bool()),
            (Some("transfer_gzip"), Some(false))
        );
    }
}
