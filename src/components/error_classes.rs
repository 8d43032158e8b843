//! Failed attempts by error class as a small bar list: each class's name, its count and a bar
//! as long as its share of the largest count.

use leptos::prelude::*;
use switchboard_api::ErrorClassCount;

/// A bar's width in percent of the widest (at least a sliver, so a count of 1 is seen).
pub fn bar_percent(count: u32, max: u32) -> f64 {
    if max == 0 || count == 0 {
        return 0.0;
    }
    (f64::from(count) * 100.0 / f64::from(max)).max(2.0)
}

#[component]
pub fn ErrorClassBars(
    /// Counts by class, most first.
    classes: Vec<ErrorClassCount>,
    /// What the list is, for screen readers.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    if classes.is_empty() {
        return view! { <p class="muted" data-testid="error-classes-none">"No failed attempts."</p> }
            .into_any();
    }
    let max = classes.iter().map(|c| c.count).max().unwrap_or(0);
    view! {
        <ul class="error-classes" aria-label=label data-testid="error-classes">
            {classes.into_iter().map(|c| {
                // Set through the CSSOM (`style:`), which the console's CSP allows; a `style`
                // attribute in markup it refuses.
                let width = format!("{:.1}%", bar_percent(c.count, max));
                view! {
                    <li data-testid="error-class" data-class=c.class.as_str()>
                        <span class="error-class-name">
                            <span class="mono">{c.class.as_str()}</span>
                            <span class="muted">{format!(" {}", c.class.label())}</span>
                        </span>
                        <span class="error-class-bar" aria-hidden="true"><span style:width=width></span></span>
                        <span class="error-class-count" data-testid="error-class-count">{c.count}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::bar_percent;

    #[test]
    fn bars_are_shares_of_the_largest() {
        assert_eq!(bar_percent(10, 10), 100.0);
        assert_eq!(bar_percent(5, 10), 50.0);
        assert_eq!(bar_percent(1, 1000), 2.0);
        assert_eq!(bar_percent(0, 10), 0.0);
        assert_eq!(bar_percent(3, 0), 0.0);
    }
}
