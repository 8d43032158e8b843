//! The delivery history's loader: the first page for the current filters, then the next
//! cursor's page appended on demand, each row once, answers for outdated filters dropped.

use super::super::Filters;
use crate::api::{ApiError, Backend, DeliveryQuery};
use crate::format::now_ms;
use crate::state::use_live_backend;
use leptos::prelude::*;
use std::collections::HashSet;
use switchboard_api::Delivery;

/// What the history shows and how to load more of it.
#[derive(Clone, Copy)]
pub struct Feed {
    pub rows: RwSignal<Vec<Delivery>>,
    pub next_cursor: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    /// A first page has arrived for some filters (until then the skeleton shows).
    pub loaded_once: RwSignal<bool>,
    /// Ids of the rows shown, so a page or a live event adds each delivery once.
    seen: StoredValue<HashSet<String>>,
    /// Each loaded page's first row index and the cursor it was fetched with (`None`: newest).
    page_starts: StoredValue<Vec<(usize, Option<String>)>>,
    fetch: StoredValue<Box<dyn Fn(bool) + Send + Sync>>,
}

impl Feed {
    /// Loads the first page again for the current filters.
    pub fn reload(&self) {
        self.fetch.with_value(|f| f(true));
    }

    /// Appends the next page, unless one is loading, there is none, or the last one failed.
    pub fn load_more(&self) {
        if self.error.with_untracked(Option::is_none) {
            self.fetch.with_value(|f| f(false));
        }
    }

    /// Merges live tail events into the rows (see [`super::live::merge`]); true when older
    /// rows were let go to stay within `cap`, after which there is no next page to load.
    pub fn apply_live(
        &self,
        events: Vec<switchboard_api::TailEvent>,
        filters: &Filters,
        cap: usize,
    ) -> bool {
        let mut trimmed = false;
        self.rows.update(|rows| {
            self.seen.update_value(|seen| {
                trimmed = super::live::merge(rows, seen, events, filters, now_ms(), cap);
            });
        });
        if trimmed {
            self.next_cursor.set(None);
        }
        // Rows came in above the loaded pages, so row indices no longer tell pages apart: the
        // position the URL records is the view's own start from now on.
        self.page_starts.update_value(|p| {
            let start = p.first().and_then(|(_, c)| c.clone());
            *p = vec![(0, start)];
        });
        trimmed
    }

    /// The cursor of the loaded page that holds row `index`, to put the position in the URL.
    pub fn cursor_at(&self, index: usize) -> Option<Option<String>> {
        self.page_starts.with_value(|p| {
            p.iter()
                .rev()
                .find(|(start, _)| *start <= index)
                .map(|(_, c)| c.clone())
        })
    }

    /// After an error: loads what failed again (the first page if nothing is shown yet).
    pub fn retry(&self) {
        let reset = self.rows.with_untracked(Vec::is_empty);
        self.error.set(None);
        self.fetch.with_value(|f| f(reset));
    }
}

/// Starts the feed; it reloads from the view's first page whenever `filters` change, except
/// when only the position moved to a page already loaded (the page records where the reader
/// is in the URL as they scroll).
pub fn use_feed(filters: Memo<Filters>) -> Feed {
    let backend = use_live_backend();
    let rows = RwSignal::new(Vec::<Delivery>::new());
    let seen = StoredValue::new(HashSet::<String>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let loaded_once = RwSignal::new(false);
    // Responses for an outdated filter are dropped: each reset starts a new generation.
    let generation = StoredValue::new(0u64);
    // The first page's query, reused with each cursor so relative ranges do not drift.
    let active = StoredValue::new(DeliveryQuery::default());
    let loaded_for = StoredValue::new(None::<Filters>);
    let page_starts = StoredValue::new(Vec::<(usize, Option<String>)>::new());

    let fetch = move |reset: bool| {
        let q = if reset {
            let f = filters.get_untracked();
            let q = f.to_api_query(now_ms());
            loaded_for.set_value(Some(f));
            active.set_value(q.clone());
            generation.update_value(|g| *g += 1);
            q
        } else {
            if loading.get_untracked() {
                return;
            }
            let Some(cursor) = next_cursor.get_untracked() else {
                return;
            };
            DeliveryQuery {
                cursor: Some(cursor),
                ..active.get_value()
            }
        };
        let gen = generation.get_value();
        loading.set(true);
        leptos::task::spawn_local(async move {
            let result = backend.now().list_deliveries(&q).await;
            if generation.get_value() != gen {
                return;
            }
            loading.set(false);
            match result {
                Ok(page) => {
                    if reset {
                        seen.update_value(HashSet::clear);
                    }
                    let fresh: Vec<Delivery> = seen
                        .try_update_value(|s| {
                            page.items
                                .into_iter()
                                .filter(|d| s.insert(d.id.0.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    if reset {
                        page_starts.set_value(vec![(0, q.cursor.clone())]);
                        rows.set(fresh);
                        crate::perf::mark(crate::perf::DELIVERIES_FIRST_PAGE);
                    } else {
                        let start = rows.with_untracked(Vec::len);
                        page_starts.update_value(|p| p.push((start, q.cursor.clone())));
                        rows.update(|r| r.extend(fresh));
                    }
                    next_cursor.set(page.next_cursor);
                    error.set(None);
                    loaded_once.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let feed = Feed {
        rows,
        next_cursor,
        loading,
        error,
        loaded_once,
        seen,
        page_starts,
        fetch: StoredValue::new(Box::new(fetch)),
    };
    Effect::new(move |_| {
        let f = filters.get();
        let same = loaded_for.with_value(|l| l.as_ref().is_some_and(|l| l.same_rows(&f)));
        let shown = page_starts.with_value(|p| p.iter().any(|(_, c)| *c == f.cursor));
        if !(same && shown) {
            feed.reload();
        }
    });
    feed
}
