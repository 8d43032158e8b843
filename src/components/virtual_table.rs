//! A windowed table: only the rows in view (plus a small overscan) are in the DOM, spacer rows
//! stand in for the rest, so tens of thousands of loaded rows scroll smoothly.

use leptos::html;
use leptos::prelude::*;
use std::hash::Hash;

/// Which rows to render for a scroll position, and the height the spacers stand in for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// First rendered row.
    pub start: usize,
    /// One past the last rendered row.
    pub end: usize,
    /// Height of the spacer above the rendered rows.
    pub pad_top: f64,
    /// Height of the spacer below them.
    pub pad_bottom: f64,
}

impl Window {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The rows visible in a viewport of `viewport` pixels scrolled to `scroll_top`, with
/// `overscan` extra rows on either side. Nonsense input (negative, NaN, zero heights) is
/// clamped so the result is always a valid slice range.
pub fn visible_window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    total: usize,
    overscan: usize,
) -> Window {
    let row_height = if row_height.is_finite() && row_height >= 1.0 {
        row_height
    } else {
        1.0
    };
    let scroll_top = if scroll_top.is_finite() {
        scroll_top.max(0.0)
    } else {
        0.0
    };
    let viewport = if viewport.is_finite() {
        viewport.max(0.0)
    } else {
        0.0
    };
    let first = ((scroll_top / row_height).floor() as usize).min(total);
    let in_view = (viewport / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan);
    let end = first
        .saturating_add(in_view)
        .saturating_add(overscan)
        .min(total);
    let start = start.min(end);
    Window {
        start,
        end,
        pad_top: start as f64 * row_height,
        pad_bottom: (total - end) as f64 * row_height,
    }
}

/// Whether the window reaches within `margin` rows of the last loaded row (time to load more).
pub fn near_end(window: &Window, total: usize, margin: usize) -> bool {
    total > 0 && window.end + margin >= total
}

/// Rows rendered beyond the viewport on either side.
pub const OVERSCAN: usize = 8;
/// The viewport height assumed before the first measurement.
const INITIAL_VIEWPORT: f64 = 640.0;

/// A table whose body is windowed. Each row must be `row_height` pixels tall (the component
/// sets it); columns are given as header labels.
#[component]
pub fn VirtualTable<T, K, KF, RF, IV>(
    /// Every loaded row.
    #[prop(into)]
    rows: Signal<Vec<T>>,
    /// Header labels, one per column.
    columns: Vec<&'static str>,
    /// Height of one row in pixels.
    row_height: f64,
    /// A stable key per row.
    key: KF,
    /// Renders the cells (`<td>`s) of one row, given its index and value.
    row: RF,
    /// Accessible name of the table.
    #[prop(into)]
    label: String,
    /// Called when the user scrolls near the last loaded row.
    #[prop(optional, into)]
    on_near_end: Option<Callback<()>>,
    /// `data-testid` of the scroll container.
    #[prop(optional, into)]
    testid: Option<String>,
    /// Called with the index of the first row in view when it changes.
    #[prop(optional, into)]
    on_first_visible: Option<Callback<usize>>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + Clone + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    RF: Fn(usize, T) -> IV + Clone + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let viewport = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let height = RwSignal::new(INITIAL_VIEWPORT);
    let total = Memo::new(move |_| rows.with(Vec::len));
    let window = Memo::new(move |_| {
        visible_window(
            scroll_top.get(),
            height.get(),
            row_height,
            total.get(),
            OVERSCAN,
        )
    });

    let measure = move || {
        if let Some(el) = viewport.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            let h = f64::from(el.client_height());
            if h > 0.0 {
                height.set(h);
            }
        }
    };
    Effect::new(move |_| {
        if viewport.get().is_some() {
            measure();
        }
    });
    // The box grows with its rows up to a maximum height: measure again once new rows are laid out.
    Effect::new(move |_| {
        total.track();
        request_animation_frame(measure);
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    if let Some(cb) = on_near_end {
        Effect::new(move |_| {
            let w = window.get();
            if near_end(&w, total.get(), OVERSCAN) {
                cb.run(());
            }
        });
    }

    if let Some(cb) = on_first_visible {
        let first = Memo::new(move |_| {
            let top = scroll_top.get();
            if top.is_finite() && top > 0.0 {
                ((top / row_height.max(1.0)) as usize).min(total.get().saturating_sub(1))
            } else {
                0
            }
        });
        Effect::new(move |_| cb.run(first.get()));
    }

    let visible = move || {
        let w = window.get();
        rows.with(|all| {
            all[w.start..w.end]
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, r)| (w.start + i, r))
                .collect::<Vec<_>>()
        })
    };
    let ncols = columns.len();
    let region_label = label.clone();
    let header = columns
        .into_iter()
        .map(|c| view! { <th scope="col">{c}</th> })
        .collect_view();

    view! {
        <div class="table-wrap vt-viewport" node_ref=viewport tabindex="0"
            role="region" aria-label=region_label
            data-testid=testid.unwrap_or_else(|| "virtual-table".into())
            data-total=move || total.get().to_string()
            data-rendered=move || window.get().len().to_string()
            on:scroll=move |_| measure()>
            <table class="table vt-table" aria-label=label aria-rowcount=move || (total.get() + 1).to_string()>
                <thead><tr aria-rowindex="1">{header}</tr></thead>
                <tbody>
                    <tr class="vt-spacer" aria-hidden="true" style:height=move || format!("{}px", window.get().pad_top)>
                        <td colspan=ncols.to_string()></td>
                    </tr>
                    <For
                        each=visible
                        key=move |(_, r)| key(r)
                        children=move |(i, r)| {
                            let row = row.clone();
                            view! {
                                <tr class="vt-row" aria-rowindex=(i + 2).to_string()
                                    style:height=format!("{row_height}px")>
                                    {row(i, r)}
                                </tr>
                            }
                        }
                    />
                    <tr class="vt-spacer" aria-hidden="true" style:height=move || format!("{}px", window.get().pad_bottom)>
                        <td colspan=ncols.to_string()></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_at_the_top() {
        let w = visible_window(0.0, 400.0, 40.0, 10_000, 5);
        assert_eq!((w.start, w.end), (0, 16));
        assert_eq!(w.pad_top, 0.0);
        assert_eq!(w.pad_bottom, (10_000 - 16) as f64 * 40.0);
    }

    #[test]
    fn window_in_the_middle_and_at_the_end() {
        let w = visible_window(40_000.0, 400.0, 40.0, 10_000, 5);
        assert_eq!((w.start, w.end), (995, 1016));
        assert_eq!(w.pad_top + w.len() as f64 * 40.0 + w.pad_bottom, 400_000.0);
        let w = visible_window(399_600.0, 400.0, 40.0, 10_000, 5);
        assert_eq!(w.end, 10_000);
        assert_eq!(w.pad_bottom, 0.0);
        assert!(w.len() <= 16);
    }

    #[test]
    fn window_survives_nonsense() {
        let w = visible_window(1e12, 400.0, 40.0, 100, 5);
        assert!(w.start <= w.end && w.end <= 100);
        assert!(visible_window(0.0, 400.0, 40.0, 0, 5).is_empty());
        let w = visible_window(f64::NAN, f64::INFINITY, 0.0, 50, 3);
        assert!(w.start <= w.end && w.end <= 50);
        let w = visible_window(-500.0, -1.0, -40.0, 50, 3);
        assert_eq!(w.start, 0);
        assert!(w.end <= 50);
    }

    #[test]
    fn near_the_end() {
        let w = visible_window(0.0, 400.0, 40.0, 20, 5);
        assert!(near_end(&w, 20, 5));
        let w = visible_window(0.0, 400.0, 40.0, 1000, 5);
        assert!(!near_end(&w, 1000, 5));
        assert!(!near_end(&visible_window(0.0, 400.0, 40.0, 0, 5), 0, 5));
    }
}
