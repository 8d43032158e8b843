//! One benchmark run: cold loads of the console and its baselines, then the delivery history
//! at scale. Every figure is recorded under a metric id (see `report::ROWS`).

use crate::browser::Browser;
use crate::sizes::SizeCache;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const WEBHOOKS_MARK: &str = "switchboard:webhooks-first-page";
pub const DELIVERIES_MARK: &str = "switchboard:deliveries-first-page";
pub const BASELINE_MARK: &str = "switchboard:baseline-rendered";
/// The page size the console asks for (the API's maximum).
pub const PAGE_SIZE: u32 = switchboard_api::MAX_LIMIT;
/// A frame is slow when the gap between two animation frames exceeds this: at 60 Hz the gap
/// is 16.7 ms, and one this much longer means the compositor skipped a frame.
pub const SLOW_FRAME_MS: f64 = 20.0;
/// Scrolling speed (a brisk flick through a long list) and how long it lasts.
const SCROLL_PX_PER_S: f64 = 6000.0;
const SCROLL_MS: f64 = 3000.0;
/// How long a page may take to reach a mark before the run fails.
const MARK_TIMEOUT_MS: u64 = 30_000;

/// Samples by metric id; each run adds one value per metric it measured.
pub type Samples = BTreeMap<&'static str, Vec<f64>>;

pub struct Bench<'a> {
    pub browser: &'a Browser,
    /// Serves the console (and the static baseline page) with the seeded API.
    pub console_url: String,
    /// Serves the minimal Leptos page.
    pub leptos_url: String,
    pub token: String,
    pub rows: u32,
    pub console_sizes: SizeCache,
    pub leptos_sizes: SizeCache,
    /// Files the last console / Leptos-baseline load fetched (URL paths).
    pub console_files: Vec<String>,
    pub leptos_files: Vec<String>,
    /// Every request of the last cold console load with its start and end (ms since
    /// navigation start) and the mark: the timeline of where the first render's time went.
    pub console_timeline: Value,
}

/// Resolves to the mark's time (ms since navigation start), or null after `timeout` ms.
const WAIT_MARK: &str = r#"
const [name, timeout] = arguments;
return new Promise((resolve) => {
  const t0 = performance.now();
  const check = () => {
    const e = performance.getEntriesByName(name, "mark");
    if (e.length) return resolve(e[e.length - 1].startTime);
    if (performance.now() - t0 > timeout) return resolve(null);
    setTimeout(check, 4);
  };
  check();
});
"#;

/// What the page load fetched, when it first painted, and when its wasm and first API call
/// finished (where the time to the mark went). Paint entries arrive a little after the frame
/// they describe, so the script waits briefly for the first contentful paint.
const LOAD_INFO: &str = r#"
const paint = () => performance.getEntriesByName("first-contentful-paint")[0];
const t0 = performance.now();
while (!paint() && performance.now() - t0 < 2000) {
  await new Promise((r) => setTimeout(r, 20));
}
const fcp = paint();
// Long animation frames of the load (buffered, so they can be read after the fact): how much
// of the time to the mark the main thread spent in script, style and layout.
const frames = await new Promise((resolve) => {
  try {
    new PerformanceObserver((list, obs) => {
      obs.disconnect();
      resolve(list.getEntries().map((f) => ({
        start: f.startTime,
        duration: f.duration,
        render_start: f.renderStart,
        style_layout_start: f.styleAndLayoutStart,
      })));
    }).observe({ type: "long-animation-frame", buffered: true });
    setTimeout(() => resolve([]), 200);
  } catch (e) {
    resolve([]);
  }
});
const nav = performance.getEntriesByType("navigation")[0];
const all = performance.getEntriesByType("resource")
  .filter((r) => new URL(r.name).origin === location.origin);
const resources = all.map((r) => ({
  path: new URL(r.name).pathname + new URL(r.name).search,
  transfer: r.transferSize,
  start: r.startTime,
  end: r.responseEnd,
}));
const wasm = all.find((r) => new URL(r.name).pathname.endsWith(".wasm"));
const api = all.filter((r) => new URL(r.name).pathname.startsWith("/api/"));
return {
  fcp: fcp ? fcp.startTime : null,
  document: { path: new URL(nav.name).pathname, transfer: nav.transferSize },
  resources,
  long_frames: frames,
  wasm_loaded: wasm ? wasm.responseEnd : null,
  first_api_start: api.length ? Math.min(...api.map((r) => r.startTime)) : null,
  last_api_end: api.length ? Math.max(...api.map((r) => r.responseEnd)) : null,
  rows: document.querySelectorAll("[data-testid=webhook-row]").length,
};
"#;

/// Does something that should lead to `mark`, and resolves to the ms from the action to it,
/// with when the deliveries request went out and came back.
const ACT_THEN_MARK: &str = r#"
const [name, timeout, action, arg] = arguments;
performance.clearMarks(name);
const t0 = performance.now();
if (action === "nav") {
  document.querySelector(arg).click();
} else if (action === "status") {
  const select = document.querySelector("[data-testid=filter-status]");
  select.value = arg;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}
return new Promise((resolve) => {
  const check = () => {
    const e = performance.getEntriesByName(name, "mark");
    if (e.length) {
      // The deliveries request this action caused: when it left and when its answer was in.
      const req = performance.getEntriesByType("resource")
        .filter((r) => r.startTime >= t0 && new URL(r.name).pathname === "/api/v1/deliveries");
      return resolve({
        ms: e[0].startTime - t0,
        request_sent: req.length ? req[0].startTime - t0 : null,
        response_in: req.length ? req[0].responseEnd - t0 : null,
      });
    }
    if (performance.now() - t0 > timeout) return resolve({ ms: null });
    setTimeout(check, 4);
  };
  check();
});
"#;

/// Presses "Load more" whenever it is ready until the table holds `target` rows.
const LOAD_ROWS: &str = r#"
const [target, timeout] = arguments;
const total = () => Number(document.querySelector("[data-testid=deliveries-table]")?.dataset.total || 0);
const t0 = performance.now();
return new Promise((resolve) => {
  const step = () => {
    const n = total();
    if (n >= target) return resolve({ ms: performance.now() - t0, rows: n });
    if (performance.now() - t0 > timeout) return resolve({ ms: null, rows: n });
    const more = document.querySelector("[data-testid=load-more]");
    if (more && !more.disabled) more.click();
    setTimeout(step, 4);
  };
  step();
});
"#;

/// The API pages the view fetches, fetched and parsed by the page itself with nothing
/// rendered: the physical limit for the view's own timings.
const FETCH_PAGES: &str = r#"
const [token, pages, query] = arguments;
let cursor = null, rows = 0;
const t0 = performance.now();
for (let i = 0; i < pages; i++) {
  const url = "/api/v1/deliveries?" + query + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
  const r = await fetch(url, { headers: { Authorization: "Bearer " + token } });
  const body = await r.json();
  rows += body.data.length;
  cursor = body.meta.next_cursor;
  if (!cursor) break;
}
return { ms: performance.now() - t0, rows };
"#;

/// Every node in the document (elements, text, comments), as the DevTools node count has them.
const DOM_NODES: &str = r#"
const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
let n = 1;
while (walker.nextNode()) n++;
return n;
"#;

/// Scrolls the table at a steady speed, one step per animation frame, timing every frame.
const SCROLL: &str = r#"
const [pxPerS, durationMs] = arguments;
const el = document.querySelector("[data-testid=deliveries-table]");
el.scrollTop = 0;
return new Promise((resolve) => {
  requestAnimationFrame((start) => {
    let last = start;
    const frames = [];
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      const elapsed = now - start;
      el.scrollTop = (elapsed * pxPerS) / 1000;
      if (elapsed < durationMs) {
        requestAnimationFrame(tick);
      } else {
        resolve({ frames, elapsed, scrolled: el.scrollTop, rendered: Number(el.dataset.rendered) });
      }
    };
    requestAnimationFrame(tick);
  });
});
"#;

fn num(v: &Value, what: &str) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("{what}: the page gave {v} instead of a number"))
}

fn push(samples: &mut Samples, id: &'static str, v: f64) {
    samples.entry(id).or_default().push(v);
}

fn push_request(samples: &mut Samples, detail: &Value, sent: &'static str, received: &'static str) {
    if let Some(v) = detail["request_sent"].as_f64() {
        push(samples, sent, v);
    }
    if let Some(v) = detail["response_in"].as_f64() {
        push(samples, received, v);
    }
}

impl Bench<'_> {
    async fn wait_mark(&self, name: &str) -> Result<f64, String> {
        let v = self
            .browser
            .js(WAIT_MARK, vec![json!(name), json!(MARK_TIMEOUT_MS)])
            .await?;
        num(&v, &format!("waiting for the {name} mark"))
    }

    /// The ms from `action` to the mark, and the deliveries request's send and receive times.
    async fn act_then_mark(
        &self,
        name: &str,
        action: &str,
        arg: &str,
    ) -> Result<(f64, Value), String> {
        let v = self
            .browser
            .js(
                ACT_THEN_MARK,
                vec![
                    json!(name),
                    json!(MARK_TIMEOUT_MS),
                    json!(action),
                    json!(arg),
                ],
            )
            .await?;
        let ms = num(&v["ms"], &format!("{action} {arg} until the {name} mark"))?;
        Ok((ms, v))
    }

    /// Navigates with an empty HTTP cache and waits for `mark`; returns the load info.
    async fn cold_load(&self, url: &str, mark: &str) -> Result<(f64, Value), String> {
        // Leaving the previous page first keeps its unload out of the new page's timeline.
        self.browser.goto("about:blank").await?;
        self.browser.clear_cache().await?;
        self.browser.goto(url).await?;
        let at = self.wait_mark(mark).await?;
        let info = self.browser.js(LOAD_INFO, vec![]).await?;
        Ok((at, info))
    }

    async fn fetch_pages(&self, pages: u32, query: &str) -> Result<f64, String> {
        let v = self
            .browser
            .js(
                FETCH_PAGES,
                vec![json!(self.token), json!(pages), json!(query)],
            )
            .await?;
        num(&v["ms"], "fetching API pages")
    }

    /// Connects the console once through its Settings page, keeping the token in this tab's
    /// sessionStorage so that every later full load reconnects by itself.
    pub async fn connect(&self) -> Result<(), String> {
        self.browser
            .goto(&format!("{}/settings", self.console_url))
            .await?;
        let script = r#"
const [token] = arguments;
const wait = (sel) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const check = () => {
    const el = document.querySelector(sel);
    if (el) return resolve(el);
    if (performance.now() - t0 > 20000) return reject(new Error("no " + sel));
    setTimeout(check, 20);
  };
  check();
});
const input = await wait("[data-testid=token]");
input.value = token;
input.dispatchEvent(new Event("input", { bubbles: true }));
const remember = await wait("[data-testid=remember]");
if (!remember.checked) remember.click();
(await wait("[data-testid=connect]")).click();
const t0 = performance.now();
while (performance.now() - t0 < 20000) {
  const s = document.querySelector("[data-testid=connection-status]");
  if (s && s.textContent.includes("Connected")) return true;
  await new Promise((r) => setTimeout(r, 50));
}
return false;
"#;
        let ok = self.browser.js(script, vec![json!(self.token)]).await?;
        if ok != json!(true) {
            return Err("the console did not connect through its Settings page".into());
        }
        Ok(())
    }

    /// One full run, adding a sample to every metric.
    pub async fn run(&mut self, samples: &mut Samples) -> Result<(), String> {
        // 1 and 2: the console's cold load to 50 painted rows, and its two baselines.
        let (render, info) = self
            .cold_load(&format!("{}/webhooks", self.console_url), WEBHOOKS_MARK)
            .await?;
        let rows = info["rows"].as_u64().unwrap_or(0);
        if rows != 50 {
            return Err(format!("the console painted {rows} webhook rows, not 50"));
        }
        push(samples, "render_ms", render);
        for (key, id) in [
            ("fcp", "fcp_ms"),
            ("wasm_loaded", "wasm_loaded_ms"),
            ("first_api_start", "first_api_start_ms"),
            ("last_api_end", "last_api_end_ms"),
        ] {
            if let Some(v) = info[key].as_f64() {
                push(samples, id, v);
            }
        }
        self.console_files = files(&info);
        self.console_timeline = json!({
            "mark": render,
            "first_contentful_paint": info["fcp"],
            "requests": info["resources"],
            "long_animation_frames": info["long_frames"],
        });
        let sizes = self
            .console_sizes
            .total(self.console_files.iter().map(String::as_str))
            .map_err(|e| format!("reading the console's files: {e}"))?;
        push(samples, "transfer_raw", sizes.raw as f64);
        push(samples, "transfer_gzip", sizes.gzip as f64);
        push(samples, "transfer_brotli", sizes.brotli as f64);
        push(samples, "transfer_observed", observed(&info));

        let (static_render, info) = self
            .cold_load(
                &format!("{}/{}", self.console_url, crate::static_page::PAGE),
                WEBHOOKS_MARK,
            )
            .await?;
        if info["rows"].as_u64() != Some(50) {
            return Err(format!("the static page showed {} rows", info["rows"]));
        }
        push(samples, "static_render_ms", static_render);
        if let Some(fcp) = info["fcp"].as_f64() {
            push(samples, "static_fcp_ms", fcp);
        }

        let (leptos_render, info) = self
            .cold_load(&format!("{}/", self.leptos_url), BASELINE_MARK)
            .await?;
        push(samples, "leptos_render_ms", leptos_render);
        self.leptos_files = files(&info);
        let sizes = self
            .leptos_sizes
            .total(self.leptos_files.iter().map(String::as_str))
            .map_err(|e| format!("reading the baseline's files: {e}"))?;
        push(samples, "leptos_transfer_raw", sizes.raw as f64);
        push(samples, "leptos_transfer_gzip", sizes.gzip as f64);
        push(samples, "leptos_transfer_brotli", sizes.brotli as f64);

        // 3: the delivery history, reached as a person would, from the webhooks list.
        self.browser
            .goto(&format!("{}/webhooks", self.console_url))
            .await?;
        self.wait_mark(WEBHOOKS_MARK).await?;
        let (first, detail) = self
            .act_then_mark(DELIVERIES_MARK, "nav", "[data-testid=nav-deliveries]")
            .await?;
        push(samples, "deliveries_first_page_ms", first);
        push_request(
            samples,
            &detail,
            "deliveries_request_sent_ms",
            "deliveries_response_in_ms",
        );
        let limit = format!("limit={PAGE_SIZE}");
        push(
            samples,
            "api_first_page_ms",
            self.fetch_pages(1, &limit).await?,
        );
        let dom_first = num(&self.browser.js(DOM_NODES, vec![]).await?, "DOM nodes")?;
        push(samples, "dom_nodes_first_page", dom_first);
        let heap = self.browser.js_heap_after_gc().await?;
        let wasm = self.browser.wasm_memory().await?;
        push(samples, "memory_first_page", heap + wasm);

        let loaded = self
            .browser
            .js(LOAD_ROWS, vec![json!(self.rows), json!(120_000)])
            .await?;
        let load_ms = num(
            &loaded["ms"],
            &format!("loading {} rows (got {})", self.rows, loaded["rows"]),
        )?;
        push(samples, "load_rows_ms", load_ms);
        let pages = self.rows.div_ceil(PAGE_SIZE);
        push(
            samples,
            "api_rows_ms",
            self.fetch_pages(pages, &limit).await?,
        );
        push(
            samples,
            "dom_nodes_rows",
            num(&self.browser.js(DOM_NODES, vec![]).await?, "DOM nodes")?,
        );
        let heap = self.browser.js_heap_after_gc().await?;
        let wasm = self.browser.wasm_memory().await?;
        push(samples, "js_heap_rows", heap);
        push(samples, "wasm_memory_rows", wasm);
        push(samples, "memory_rows", heap + wasm);

        let scroll = self
            .browser
            .js(SCROLL, vec![json!(SCROLL_PX_PER_S), json!(SCROLL_MS)])
            .await?;
        let frames: Vec<f64> = scroll["frames"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let elapsed = num(&scroll["elapsed"], "scroll time")?;
        if frames.len() < 10 || num(&scroll["scrolled"], "scroll position")? < 1000.0 {
            return Err(format!("the table did not scroll: {scroll}"));
        }
        let slow = frames.iter().filter(|f| **f > SLOW_FRAME_MS).count() as f64;
        push(samples, "slow_frames_per_s", slow / (elapsed / 1000.0));
        push(
            samples,
            "longest_frame_ms",
            frames.iter().copied().fold(0.0, f64::max),
        );
        push(
            samples,
            "frame_median_ms",
            crate::stats::Summary::of(&frames).map_or(f64::NAN, |s| s.median),
        );

        // 4: a filter change to the new first page, beside the API alone.
        let (filter, detail) = self
            .act_then_mark(DELIVERIES_MARK, "status", "failed")
            .await?;
        push(samples, "filter_ms", filter);
        push_request(
            samples,
            &detail,
            "filter_request_sent_ms",
            "filter_response_in_ms",
        );
        push(
            samples,
            "api_filter_ms",
            self.fetch_pages(1, &format!("{limit}&status=failed"))
                .await?,
        );
        Ok(())
    }
}

/// The same-origin, non-API files a load fetched, the document first. The favicon is left
/// out: the browser asks for it on its own, and this server answers with the app shell.
fn files(info: &Value) -> Vec<String> {
    let mut out = vec![info["document"]["path"].as_str().unwrap_or("/").to_owned()];
    for r in info["resources"].as_array().into_iter().flatten() {
        if let Some(p) = r["path"].as_str().and_then(|p| p.split('?').next()) {
            if !p.starts_with("/api/") && p != "/favicon.ico" && !out.iter().any(|o| o == p) {
                out.push(p.to_owned());
            }
        }
    }
    out
}

/// Bytes the browser itself reports for the load (headers included, API calls excluded).
fn observed(info: &Value) -> f64 {
    let doc = info["document"]["transfer"].as_f64().unwrap_or(0.0);
    let rest: f64 = info["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/api/"))
        .filter_map(|r| r["transfer"].as_f64())
        .sum();
    doc + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_keep_the_document_and_skip_api_calls() {
        let info = json!({
            "document": {"path": "/webhooks", "transfer": 900},
            "resources": [
                {"path": "/app.js", "transfer": 100},
                {"path": "/api/v1/webhooks?limit=50", "transfer": 5000},
                {"path": "/app.js?again", "transfer": 0},
                {"path": "/app_bg.wasm", "transfer": 2000},
                {"path": "/favicon.ico", "transfer": 0},
            ],
        });
        assert_eq!(files(&info), ["/webhooks", "/app.js", "/app_bg.wasm"]);
        assert_eq!(observed(&info), 3000.0);
    }
}
