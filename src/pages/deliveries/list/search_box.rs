//! The delivery history's search: free text over payloads and response bodies, and payload
//! field conditions checked with the same parser the server uses, so a malformed filter is
//! explained here (which part, and why) with the typed text kept, before anything is sent.

use super::super::Filters;
use crate::pages::show_view;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_api::search::{parse_filter, SyntaxError};

/// The filter with the failing part marked: text before, the part (or a gap at the end), after.
fn split_at_error(text: &str, e: &SyntaxError) -> (String, String, String) {
    let chars: Vec<char> = text.chars().collect();
    let start = e.start.min(chars.len());
    let end = e.end.clamp(start, chars.len());
    (
        chars[..start].iter().collect(),
        chars[start..end].iter().collect(),
        chars[end..].iter().collect(),
    )
}

#[component]
pub fn DeliverySearch(
    /// The filters as the URL has them.
    filters: Memo<Filters>,
) -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let cond = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<(String, SyntaxError)>);
    // What the URL says replaces the boxes only when the URL's search changed (a submit, Back,
    // a link), never when another filter changed under text being typed.
    Effect::new(move |prev: Option<(Option<String>, Option<String>)>| {
        let now = filters.with(|f| (f.q.clone(), f.where_.clone()));
        if prev.as_ref() != Some(&now) {
            text.set(now.0.clone().unwrap_or_default());
            cond.set(now.1.clone().unwrap_or_default());
            problem.set(None);
        }
        now
    });
    let go = StoredValue::new(move |f: Filters| {
        show_view(
            &navigate,
            &format!("/deliveries{}", f.to_query_string()),
            false,
        )
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = cond.get_untracked();
        if let Err(e) = parse_filter(&typed) {
            problem.set(Some((typed, e)));
            return;
        }
        problem.set(None);
        let non_empty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut f = filters.get_untracked().from_start();
        f.q = non_empty(text.get_untracked());
        f.where_ = non_empty(typed);
        go.with_value(|g| g(f));
    };
    let clear = move |_| {
        let mut f = filters.get_untracked().from_start();
        f.q = None;
        f.where_ = None;
        text.set(String::new());
        cond.set(String::new());
        problem.set(None);
        go.with_value(|g| g(f));
    };
    let explained = move || {
        problem.get().map(|(typed, e)| {
            let (before, part, after) = split_at_error(&typed, &e);
            let place = if part.is_empty() {
                format!("At character {} (the end)", e.start + 1)
            } else {
                format!("At character {}, “{}”", e.start + 1, part)
            };
            view! {
                <div class="search-error" id="where-error" role="alert" data-testid="where-error">
                    <p><strong>{place}</strong>": "{e.message.clone()}</p>
                    <code class="search-error-text" aria-hidden="true">
                        {before}<mark data-testid="where-error-part">{if part.is_empty() { "\u{a0}".to_owned() } else { part }}</mark>{after}
                    </code>
                </div>
            }
        })
    };

    view! {
        <form class="card search-box" role="search" aria-label="Search deliveries"
            data-testid="delivery-search" on:submit=submit>
            <div class="field search-text">
                <label for="search-q">"Search payloads and responses"</label>
                <input id="search-q" type="search" data-testid="search-q" autocomplete="off"
                    placeholder="words, e.g. timeout or ann@example.com"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))/>
            </div>
            <div class="field search-where">
                <label for="search-where">"Payload fields"</label>
                <input id="search-where" type="text" data-testid="search-where" autocomplete="off"
                    spellcheck="false" class="mono"
                    placeholder="data.order.email = \"ann@example.com\" and total > 100"
                    aria-describedby="where-help"
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=move || cond.get()
                    on:input=move |ev| { cond.set(event_target_value(&ev)); problem.set(None); }/>
                <p id="where-help" class="muted small">
                    "Conditions joined with " <code>"and"</code> ": " <code>"="</code> " " <code>"!="</code> " "
                    <code>"<"</code> " " <code>"<="</code> " " <code>">"</code> " " <code>">="</code> " " <code>"contains"</code>
                    "; text in double quotes."
                </p>
            </div>
            <div class="search-actions">
                <button type="submit" class="button primary" data-testid="search-submit">"Search"</button>
                <button type="button" class="button ghost" data-testid="search-clear"
                    disabled=move || filters.with(|f| f.q.is_none() && f.where_.is_none())
                    on:click=clear>
                    "Clear search"
                </button>
            </div>
            {explained}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failing_part_is_cut_out_by_characters() {
        let typed = "é > (1)";
        let e = parse_filter(typed).unwrap_err();
        assert_eq!(
            split_at_error(typed, &e),
            ("é > ".into(), "(".into(), "1)".into())
        );
        let typed = "total >";
        let e = parse_filter(typed).unwrap_err();
        assert_eq!(
            split_at_error(typed, &e),
            ("total >".into(), String::new(), String::new())
        );
    }
}
