//! What the list says when the console, not the backend, does part of the view's work: the
//! filters of a vendor API without them, and a sort the backend does not offer.

use super::{ListParams, Sort};
use crate::state::use_connection;
use leptos::prelude::*;
use switchboard_api::Feature;

#[component]
pub fn LocalNotes(
    /// The view as the URL has it.
    params: Memo<ListParams>,
) -> impl IntoView {
    let conn = use_connection();
    let filters = move || {
        let shown = !conn.dialect().vocabulary().server_filters && params.with(|p| p.has_filters());
        shown.then(|| {
            view! {
                <p class="info-note" role="status" data-testid="local-filter-note">
                    {format!("The {} API has no list filters: these apply to the webhooks loaded in this console.", conn.dialect().title())}
                </p>
            }
        })
    };
    let sort = move || {
        let sort = params.with(|p| Sort::parse(&p.sort));
        (sort != Sort::Newest && !conn.has(Feature::Sort)).then(|| {
            view! {
                <p class="info-note" role="status" data-testid="local-sort-note">
                    {format!(
                        "This backend lists webhooks newest first only: “{}” orders just the webhooks on this page, not the whole list.",
                        sort.label()
                    )}
                </p>
            }
        })
    };
    view! { {filters} {sort} }
}
