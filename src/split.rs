//! Pages whose code loads when their route is first opened.
//!
//! With the `split` feature (the release bundle turns it on, see `xtask bundle`) the pages
//! declared with [`split_page!`] go into the wasm chunk each names, next to the main module,
//! and [`Lazy`] fetches that chunk the first time one of its pages is shown. Without the
//! feature — `trunk serve`, the wasm component tests, clippy's plain run — the same
//! declarations compile to ordinary functions in one module, so the pages behave identically
//! either way.

use leptos::prelude::*;
use std::future::Future;
use std::time::Duration;

/// A page's chunk could not be fetched or started: the network went away, or a new deploy
/// replaced the files under a long-open tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// `split_page!(pub fn name in chunk => view)` declares `async fn name() -> Result<AnyView,
/// ChunkError>`, which builds `view`. Pages naming the same chunk share it. With
/// `, prefetch = other` after the chunk it also declares `async fn other()`, which only fetches
/// the chunk (one per chunk is enough); its `Err` says the fetch failed, with the splitter's
/// error type when the feature is on, so callers only look at `is_ok`.
#[macro_export]
macro_rules! split_page {
    ($vis:vis fn $name:ident in $chunk:ident => $view:expr) => {
        $crate::split_page!(@page $vis $name [$chunk] $view);
    };
    ($vis:vis fn $name:ident in $chunk:ident, prefetch = $prefetch:ident => $view:expr) => {
        $crate::split_page!(@page $vis $name [$chunk, preload($prefetch)] $view);

        #[cfg(not(feature = "split"))]
        $vis async fn $prefetch() -> ::core::result::Result<(), $crate::split::ChunkError> {
            ::core::result::Result::Ok(())
        }
    };
    // The page function itself; `[$chunk, …]` are the splitter's options after the chunk name.
    (@page $vis:vis $name:ident [$chunk:ident $(, $option:meta)*] $view:expr) => {
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            fallible
            $(, $option)*
        )]
        $vis fn $name() -> ::core::result::Result<::leptos::prelude::AnyView, $crate::split::ChunkError> {
            ::core::result::Result::Ok(::leptos::prelude::IntoAny::into_any($view))
        }

        #[cfg(not(feature = "split"))]
        $vis async fn $name() -> ::core::result::Result<::leptos::prelude::AnyView, $crate::split::ChunkError> {
            ::core::result::Result::Ok(::leptos::prelude::IntoAny::into_any($view))
        }
    };
}

/// How long after connecting the other chunks are prefetched: the first page's own requests
/// go first.
const PREFETCH_DELAY_MS: u32 = 1500;

/// Once a backend is connected, waits a moment, then runs `prefetch` (fetching the page chunks
/// not loaded yet) so that later navigations need no download — unless the browser asks to
/// save data.
pub fn prefetch_once_connected<Fut>(prefetch: fn() -> Fut)
where
    Fut: Future<Output = ()> + 'static,
{
    let conn = crate::state::use_connection();
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if started.get_value() || !conn.is_connected() {
            return;
        }
        started.set_value(true);
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(PREFETCH_DELAY_MS).await;
            if !saves_data() {
                prefetch().await;
            }
        });
    });
}

/// `navigator.connection.saveData`, where the browser has it.
fn saves_data() -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    js_sys::Reflect::get(&navigator, &"connection".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// How long a page's chunk may take before "Loading…" is shown; quicker loads show no flash.
const QUIET_MS: u64 = 300;

/// Where a page's chunk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    Loading,
    Failed { retrying: bool },
    Ready,
}

/// Shows the page `load` builds once its chunk is in. If the chunk cannot be loaded the user
/// is told so and can try again; nothing else on the screen is lost.
///
/// No `<Suspense>` here: the page's own resources must not suspend the whole page, which keeps
/// its loading skeletons and its partial results (a list shown before its filter options).
#[component]
pub fn Lazy<F, Fut>(
    /// Builds the page, fetching its chunk first if needed (see [`split_page!`]).
    load: F,
) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, ChunkError>> + 'static,
{
    let state = RwSignal::new(Chunk::Loading);
    let page = StoredValue::new_local(None::<AnyView>);
    // Retries start from a click, whose owner is the error panel (replaced right after); the
    // page must be built under this component's owner instead, to get its contexts and be
    // cleaned up with it — and a load still running when the route is left is dropped.
    let owner = StoredValue::new_local(Owner::current());
    let attempt = move || {
        let run = || {
            leptos::task::spawn_local_scoped_with_cancellation(async move {
                match load().await {
                    Ok(view) => {
                        page.set_value(Some(view));
                        state.try_set(Chunk::Ready);
                    }
                    Err(ChunkError) => {
                        state.try_set(Chunk::Failed { retrying: false });
                    }
                }
            })
        };
        match owner.get_value() {
            Some(owner) => owner.with(run),
            None => run(),
        }
    };
    attempt();

    let slow = RwSignal::new(false);
    if let Ok(timer) = set_timeout_with_handle(
        move || {
            slow.try_set(true);
        },
        Duration::from_millis(QUIET_MS),
    ) {
        on_cleanup(move || timer.clear());
    }
    let retry = move || {
        state.set(Chunk::Failed { retrying: true });
        attempt();
    };

    move || match state.get() {
        Chunk::Loading => slow
            .get()
            .then(|| {
                view! {
                    <section class="page">
                        <p class="muted" role="status" data-testid="page-loading">"Loading…"</p>
                    </section>
                }
            })
            .into_any(),
        Chunk::Failed { retrying } => view! { <ChunkFailed retrying retry/> }.into_any(),
        // Taken once: the page is built once and this branch is not rerun while it shows.
        Chunk::Ready => page.try_update_value(|p| p.take()).flatten().into_any(),
    }
}

#[component]
fn ChunkFailed(retrying: bool, retry: impl Fn() + Copy + 'static) -> impl IntoView {
    view! {
        <section class="page">
            <div class="error-panel" role="alert" data-testid="chunk-error">
                <p class="error-title">"This page could not be loaded"</p>
                <p>
                    "Its code did not arrive from the server. Check the connection and try again; "
                    "if the console was updated since this tab was opened, reload the tab."
                </p>
                <div class="form-actions">
                    <button type="button" class="button primary" data-testid="chunk-retry"
                        disabled=retrying on:click=move |_| retry()>
                        "Try again"
                    </button>
                    <button type="button" class="button" on:click=|_| {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }>"Reload the tab"</button>
                    {retrying.then(|| view! {
                        <span class="muted" role="status" data-testid="page-loading">"Loading…"</span>
                    })}
                </div>
            </div>
        </section>
    }
}
