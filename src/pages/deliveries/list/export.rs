//! Export of the filtered delivery history as CSV or NDJSON: fetched page by page with
//! progress and Cancel, each page turned into a `Blob` as soon as it arrives, and the parts
//! joined into one `Blob` saved through a download link.
//!
//! Memory: only the page in hand is in wasm memory. Each page becomes its own `Blob` at once
//! (the browser keeps Blob data outside the JS heap and may page it to disk), so 100,000 rows
//! are a list of 500 small Blob handles, not 100,000 rows or one growing string. A stream to
//! a file picked with the File System Access API would avoid even that, but it exists in
//! Chromium only and asks for a file before the export starts; the Blob parts work everywhere.

use super::super::export_format::{encode_page, ExportFormat};
use super::super::{thousands, Filters};
use crate::api::{ApiError, Backend, DeliveryQuery};
use crate::format::now_ms;
use crate::state::{use_live_backend, use_toasts};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How an export ended.
enum Ended {
    Done { rows: usize, blob: web_sys::Blob },
    Cancelled,
}

/// Fetches every page of `query`, handing each page's count to `progress` and stopping when
/// `cancelled` says so between pages.
async fn run_export(
    backend: &impl Backend,
    mut query: DeliveryQuery,
    format: ExportFormat,
    progress: impl Fn(usize),
    cancelled: impl Fn() -> bool,
) -> Result<Ended, ApiError> {
    let parts = js_sys::Array::new();
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(format.mime());
    let mut rows = 0usize;
    let blob_error = |_| ApiError::Network {
        message: "the browser could not hold the export".into(),
    };
    loop {
        let page = backend.list_deliveries(&query).await?;
        if cancelled() {
            return Ok(Ended::Cancelled);
        }
        let bytes = encode_page(format, &page.items, rows == 0);
        rows += page.items.len();
        let chunk = js_sys::Uint8Array::from(bytes.as_slice());
        let part = web_sys::Blob::new_with_u8_array_sequence_and_options(
            &js_sys::Array::of1(&chunk),
            &opts,
        )
        .map_err(blob_error)?;
        parts.push(&part);
        progress(rows);
        match page.next_cursor {
            Some(c) if !page.items.is_empty() => query.cursor = Some(c),
            _ => break,
        }
    }
    let blob =
        web_sys::Blob::new_with_blob_sequence_and_options(&parts, &opts).map_err(blob_error)?;
    Ok(Ended::Done { rows, blob })
}

/// Saves `blob` as `name` through a temporary download link.
fn save(blob: &web_sys::Blob, name: &str) -> Result<(), ()> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| ())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    a.set_href(&url);
    a.set_download(name);
    a.set_attribute("data-testid", "export-link")
        .map_err(|_| ())?;
    let body = document.body().ok_or(())?;
    body.append_child(&a).map_err(|_| ())?;
    a.click();
    a.remove();
    // The download has its own reference once started; the URL is freed a minute later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

#[component]
pub fn ExportControl(
    /// The filters whose whole set is exported (from the newest, wherever the view is).
    filters: Memo<Filters>,
) -> impl IntoView {
    let backend = use_live_backend();
    let toasts = use_toasts();
    let format = RwSignal::new(ExportFormat::Csv);
    let running = RwSignal::new(false);
    let done = RwSignal::new(0usize);
    let cancel = RwSignal::new(false);

    let start = move |_| {
        if running.get_untracked() {
            return;
        }
        let format = format.get_untracked();
        let query = filters.get_untracked().from_start().to_api_query(now_ms());
        running.set(true);
        done.set(0);
        cancel.set(false);
        leptos::task::spawn_local(async move {
            let result = run_export(
                &backend.now(),
                query,
                format,
                |n| done.set(n),
                || cancel.get_untracked(),
            )
            .await;
            running.set(false);
            match result {
                Ok(Ended::Done { rows, blob }) => {
                    let stamp = switchboard_api::Timestamp::now()
                        .to_rfc3339()
                        .replace(':', "-");
                    let name = format!("deliveries-{stamp}.{}", format.as_str());
                    match save(&blob, &name) {
                        Ok(()) => {
                            toasts.success(format!("Exported {} deliveries", thousands(rows)))
                        }
                        Err(()) => toasts.error("The browser refused to save the export"),
                    }
                }
                Ok(Ended::Cancelled) => toasts.info("Export cancelled; nothing was saved"),
                Err(e) => toasts.error(format!("Export stopped: {}", e.message())),
            }
        });
    };

    view! {
        <div class="export-control" data-testid="export-control">
            <label for="export-format" class="sr-only">"Export format"</label>
            <select id="export-format" data-testid="export-format" disabled=move || running.get()
                on:change=move |ev| format.set(ExportFormat::parse(&event_target_value(&ev)))>
                <option value="csv" selected=move || format.get() == ExportFormat::Csv>"CSV"</option>
                <option value="ndjson" selected=move || format.get() == ExportFormat::Ndjson>"NDJSON"</option>
            </select>
            {move || if running.get() {
                view! {
                    <div class="export-progress" role="status" data-testid="export-progress">
                        <progress aria-label="Export progress"></progress>
                        <span data-testid="export-count">{move || format!("{} rows exported…", thousands(done.get()))}</span>
                        <button type="button" class="button small" data-testid="export-cancel"
                            disabled=move || cancel.get()
                            on:click=move |_| cancel.set(true)>
                            "Cancel"
                        </button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button" data-testid="export-start" on:click=start>
                        "Export"
                    </button>
                }.into_any()
            }}
        </div>
    }
}
