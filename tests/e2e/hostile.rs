//! Hostile content in every server-supplied string, and tokens and secrets kept out of sight.
//!
//! The corpus goes in through the real API (webhooks, headers, payloads), a receiver that
//! answers hostile bodies, status and overview HTML, and the proxy (event types and
//! problem+json details a hostile backend could send). The proxy strips the CSP so that the
//! proof is about the console itself: no dialog opens, the beacon gets no request, no element
//! carries an event handler or a script URL, and the overview holds only allow-listed markup.

use crate::fault_proxy::{start_receiver, Beacon, Fault, FaultProxy, ReceiverScript};
use crate::harness::E2e;
use axum::http::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// `(name, payload)`: each payload phones the beacon (and opens a dialog) if it ever runs.
fn corpus(beacon: &str) -> Vec<(&'static str, String)> {
    let b = beacon;
    vec![
        ("script tag", format!("<script>fetch('{b}/script');alert('script')</script>")),
        ("img onerror", format!("<img src=x onerror=\"fetch('{b}/img');alert('img')\">")),
        (
            "attribute break-out",
            format!("\"'><img src=x onerror=fetch('{b}/attr')>"),
        ),
        (
            "svg with script",
            format!("<svg onload=\"fetch('{b}/svg-onload')\"><script>fetch('{b}/svg-script')</script></svg>"),
        ),
        ("javascript: URL", format!("javascript:fetch('{b}/js-url');alert('js')")),
        (
            "data: URL",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+".to_owned(),
        ),
        (
            "CSS expression",
            format!("<div style=\"background:url('{b}/css');width:expression(alert('css'))\">css</div>"),
        ),
        (
            "iframe srcdoc",
            format!("<iframe srcdoc=\"<script>parent.fetch('{b}/srcdoc')</script>\"></iframe>"),
        ),
        (
            "template injection",
            "{{constructor.constructor('alert(1)')()}} ${alert(1)}".to_owned(),
        ),
        ("right-to-left override", "invoice\u{202E}fdp.exe\u{202C} paid".to_owned()),
        (
            "zero-width and control characters",
            "zero\u{200B}width\u{200D}join\u{FEFF} ctl\u{0001}\u{0007}\u{001B}[31m".to_owned(),
        ),
        ("very long string", "W".repeat(20_000)),
    ]
}

/// Every entry in one string; `limit` cuts it to what a field accepts.
fn all_of(corpus: &[(&str, String)], limit: usize) -> String {
    corpus
        .iter()
        .map(|(_, p)| p.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
        .chars()
        .take(limit)
        .collect()
}

/// A filter condition that parses (CEL) and is hostile as text.
const CONDITION: &str = r#"data.note == "<script>alert('cond')</script>" || data.x == "\"><img src=x onerror=alert(1)>""#;

/// The elements and attributes the overview sanitiser may leave (see `components/sanitize.rs`).
const ALLOWED_JS: &str =
    "{a:['href','title','rel','target'],abbr:['title'],td:['colspan','rowspan','title'],\
th:['colspan','rowspan','title'],ol:['start','title'],time:['datetime','title']}";
const ALLOWED_TAGS: &str = "['a','abbr','b','blockquote','br','caption','code','dd','del','div','dl','dt','em',\
'h1','h2','h3','h4','h5','h6','hr','i','ins','kbd','li','mark','ol','p','pre','q','s','samp','small','span',\
'strong','sub','sup','table','tbody','td','tfoot','th','thead','time','tr','u','ul']";

/// Everything that would show that hostile content became markup or code, on the whole page.
const SCAN: &str = r#"
const bad = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const n = a.name.toLowerCase(), v = a.value.trim().toLowerCase().replace(/[\s\u0000-\u001f]/g, '');
    if (n.startsWith('on')) bad.push(el.tagName + ' has ' + n);
    if (['href','src','action','formaction','xlink:href','srcdoc','data'].includes(n)
        && (v.startsWith('javascript:') || v.startsWith('data:text') || v.startsWith('vbscript:') || n === 'srcdoc'))
      bad.push(el.tagName + ' ' + n + '=' + v.slice(0, 60));
  }
  const t = el.tagName.toLowerCase();
  if (['iframe','object','embed','frame','svg','math','base','form'].includes(t) && el.closest('[data-testid=overview-html]'))
    bad.push('overview holds ' + t);
  if (['iframe','object','embed','frame','base'].includes(t)) bad.push('page holds ' + t);
  if (t === 'script' && !(el.src && new URL(el.src).origin === location.origin)) bad.push('script ' + (el.src || 'inline'));
  if (t === 'style' && el.closest('body')) bad.push('style element in body');
}
if (document.body.getAttribute('data-xss')) bad.push('marker set');
return bad;
"#;

/// The outermost elements that stick out to the right, to name what breaks the layout.
const WIDE: &str = r#"
const w = window.innerWidth, out = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.getBoundingClientRect().right <= w + 1) continue;
  const p = el.parentElement;
  if (p && p !== document.body && p.getBoundingClientRect().right > w + 1) continue;
  out.push((el.getAttribute('data-testid') || '') + ' <' + el.tagName.toLowerCase() + ' class="' + el.className + '">'
    + ' in ' + (p ? (p.getAttribute('data-testid') || p.className || p.tagName) : ''));
}
return out.slice(0, 8);
"#;

async fn no_dialog(e: &E2e, where_: &str) {
    if let Ok(text) = e.client.get_alert_text().await {
        let _ = e.client.dismiss_alert().await;
        panic!("a dialog opened on {where_}: {text:?}");
    }
}

/// Checks one page: security failures stop the test at once; a broken layout is returned so
/// that one run names every page it happens on.
async fn scan(e: &E2e, where_: &str) -> Option<String> {
    // Give handlers that would fire on load or error a moment to do so.
    tokio::time::sleep(Duration::from_millis(400)).await;
    no_dialog(e, where_).await;
    let bad = e.js(SCAN).await;
    assert_eq!(bad, json!([]), "hostile content became live on {where_}");
    let overflow = e
        .js("return document.documentElement.scrollWidth - window.innerWidth;")
        .await
        .as_i64()
        .unwrap_or(i64::MAX);
    e.assert_no_panic().await;
    let shot: String = where_
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    e.screenshot(&format!("hostile-{shot}")).await;
    if overflow > 0 {
        let culprits = e.js(WIDE).await;
        println!("hostile {where_}: nothing ran, but the page is {overflow}px too wide");
        return Some(format!(
            "{where_} scrolls sideways by {overflow}px; too wide: {culprits}"
        ));
    }
    println!("hostile {where_}: nothing ran, layout holds");
    None
}

async fn api(e: &E2e, method: reqwest::Method, path: &str, body: Value) -> Value {
    let (status, out) = e.api(method, path, Some(body)).await;
    assert!((200..300).contains(&status), "{path}: {status} {out}");
    out["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_xss_corpus_never_runs_anywhere() {
    let beacon = Beacon::start().await;
    let corpus = corpus(&beacon.origin);
    let all = all_of(&corpus, usize::MAX);
    // The server caps descriptions at 2000 characters: the long entry goes last.
    let all_short = all_of(&corpus, 1_990);
    let short = |p: &str| p.chars().take(110).collect::<String>();

    let overview_html = format!(
        "<h2 onclick=\"fetch('{b}/h2')\">Overview</h2>{all}<a href=\"javascript:fetch('{b}/a')\">js</a>\
         <a href=\"https://example.com/ok\" onmouseover=\"fetch('{b}/a2')\">ok link</a>\
         <math><mi xlink:href=\"javascript:alert(1)\">m</mi></math><form action=\"{b}/form\"><input name=x></form>\
         <table><tr><td colspan=\"2\" style=\"color:red\" onclick=\"x()\">cell</td></tr></table>\
         <noscript><p title=\"</noscript><img src=x onerror=fetch('{b}/mxss')>\"></noscript>",
        b = beacon.origin
    );
    let receiver = start_receiver(ReceiverScript {
        status: 200,
        content_type: "application/json".into(),
        body: json!({ "message": all, "html": corpus[1].1, "items": corpus.iter().map(|c| &c.1).collect::<Vec<_>>() })
            .to_string(),
        headers: vec![("X-Hostile".into(), "<script>alert('header')</script>".into())],
        status_json: json!({ "statusString": corpus[0].1, "badgeColor": "x\" onmouseover=\"alert(1)", "additional": all }),
        overview_json: json!({ "html": overview_html }),
    })
    .await;

    let mut e = E2e::start().await;
    let proxy = FaultProxy::start(&e.base_url).await;
    proxy.strip_csp(true);
    e.base_url = proxy.origin.clone();

    // One webhook per entry (the name is the entry), plus one that carries everything.
    let mut ids = Vec::new();
    for (what, payload) in &corpus {
        let w = api(
            &e,
            reqwest::Method::POST,
            "/webhooks",
            json!({
                "name": short(payload),
                "description": format!("{what}: {payload}").chars().take(1_990).collect::<String>(),
                // Whitespace and control characters are refused in a URL (console and server alike); the
                // rest of the entry stays as hostile as it is.
                "url": format!("https://example.com/{}", short(payload).replace(|c: char| c.is_whitespace() || c.is_control(), "%20")),
                "events": ["order_confirm"], "is_active": false,
                "filter": { "group": short(payload), "condition": CONDITION },
            }),
        )
        .await;
        ids.push(w["id"].as_str().unwrap().to_owned());
    }
    let main = api(
        &e,
        reqwest::Method::POST,
        "/webhooks",
        json!({
            "name": "<img src=x onerror=alert('main')>", "description": all_short,
            "url": format!("{receiver}/hook/\"><script>alert('url')</script>?q=<img%20src=x%20onerror=alert(1)>"),
            "events": ["order_confirm"],
            "headers": { "X-Evil": "<script>alert('hv')</script>\"><img src=x onerror=alert(1)>", "X-'&|~": "'\"><svg onload=alert(1)>" },
            "auth": { "type": "header", "name": "X-Auth-'*", "value": "<b>secret</b>" },
        }),
    )
    .await;
    let main_id = main["id"].as_str().unwrap().to_owned();
    let emitted = api(
        &e,
        reqwest::Method::POST,
        "/events",
        json!({ "event_type": "order_confirm", "payload": { "order": all, "<script>k</script>": corpus[3].1, "n": [corpus[4].1, corpus[5].1] } }),
    )
    .await;
    let delivery = emitted["deliveries"][0]
        .as_str()
        .expect("a delivery")
        .to_owned();
    let started = Instant::now();
    loop {
        let (_, d) = e
            .api(
                reqwest::Method::GET,
                &format!("/deliveries/{delivery}"),
                None,
            )
            .await;
        if d["data"]["status"] == "succeeded" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "delivery never landed: {d}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Event types as a hostile backend could describe them.
    let hostile_type = |name: &str| {
        json!({
            "name": name, "description": all, "group": "<b>group</b><script>alert('g')</script>",
            "schema": { "type": "object", "description": corpus[0].1, "properties": { "<img src=x onerror=alert(1)>": { "type": "string", "description": corpus[1].1 } } },
            "fields": [{ "key": corpus[2].1, "description": corpus[3].1 }],
            "examples": [{ "html": all, "js": corpus[4].1 }], "deprecated": false,
        })
    };
    let types = json!({ "data": [hostile_type("order_confirm"), hostile_type("<img src=x onerror=alert('t')>")],
                        "meta": { "request_id": "req_h", "next_cursor": null } });
    proxy.fault_exact(
        Method::GET,
        "/api/v1/webhooks/events",
        Fault::json(types.to_string()),
        None,
    );
    proxy.fault_exact(
        Method::GET,
        "/api/v1/webhooks/events/order_confirm",
        Fault::json(json!({ "data": hostile_type("order_confirm"), "meta": {} }).to_string()),
        None,
    );

    e.connect().await;
    let mut layout = Vec::new();
    layout.extend(scan(&e, "settings").await);
    e.navigate("/").await;
    e.find("[data-testid=dashboard]").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    layout.extend(scan(&e, "dashboard").await);

    e.navigate("/webhooks?limit=200").await;
    e.find("[data-testid=webhook-row]").await;
    layout.extend(scan(&e, "webhook list").await);

    e.navigate(&format!("/webhooks/{main_id}")).await;
    e.find("[data-testid=webhook-name]").await;
    e.find("[data-testid=overview-html]").await;
    e.wait_text("[data-testid=latest-deliveries]", "order_confirm")
        .await;
    let outside = e
        .js(&format!(
            "const ok = {ALLOWED_JS}; const tags = {ALLOWED_TAGS}; const bad = [];\
             for (const el of document.querySelectorAll('[data-testid=overview-html] *')) {{\
               const t = el.tagName.toLowerCase(); if (!tags.includes(t)) bad.push(t);\
               for (const a of el.attributes) if (!(ok[t] || ['title']).includes(a.name)) bad.push(t + '@' + a.name); }}\
             return bad;"
        ))
        .await;
    assert_eq!(
        outside,
        json!([]),
        "the overview holds markup outside the allow-list"
    );
    let overview = e.text("[data-testid=overview-html]").await;
    assert!(overview.contains("ok link"), "{overview}");
    layout.extend(scan(&e, "webhook detail (overview, status, headers, auth)").await);
    for id in ids.iter().take(3) {
        e.navigate(&format!("/webhooks/{id}")).await;
        e.find("[data-testid=webhook-name]").await;
        layout.extend(scan(&e, &format!("webhook detail {id}")).await);
    }
    e.navigate(&format!("/webhooks/{main_id}/edit")).await;
    e.find("[data-testid=wh-name]").await;
    assert_eq!(
        e.value("[data-testid=wh-name]").await,
        "<img src=x onerror=alert('main')>"
    );
    layout.extend(scan(&e, "webhook edit form").await);

    e.navigate("/deliveries").await;
    e.find("[data-testid=delivery-link]").await;
    layout.extend(scan(&e, "delivery list").await);
    e.navigate(&format!("/deliveries/{delivery}")).await;
    e.find("[data-testid=attempt]").await;
    layout.extend(scan(&e, "delivery detail (payload, request, response)").await);

    e.navigate("/event-types").await;
    e.find("[data-testid=event-type]").await;
    layout.extend(scan(&e, "event types").await);
    e.navigate("/event-types/order_confirm").await;
    e.find("[data-testid=event-type-page]").await;
    e.find("[data-testid=examples]").await;
    layout.extend(scan(&e, "event type detail").await);

    // problem+json from a hostile backend: a list error and a form error with field messages.
    let hostile_problem = json!({
        "type": "javascript:alert(1)", "title": corpus[0].1, "status": 422, "detail": all,
        "request_id": corpus[1].1,
        "errors": [{ "field": "name", "message": corpus[2].1 }, { "field": "<img src=x onerror=alert(1)>", "message": corpus[3].1 }],
    });
    proxy.fault_exact(
        Method::GET,
        "/api/v1/webhooks",
        Fault::status(400, "application/problem+json", hostile_problem.to_string()),
        Some(1),
    );
    e.navigate("/webhooks").await;
    e.find("[data-testid=error-panel]").await;
    layout.extend(scan(&e, "problem+json on a list").await);
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-name]", "Will fail").await;
    e.fill("[data-testid=wh-url]", "https://example.com/x")
        .await;
    e.client
        .execute(
            "const b = document.querySelector('input[data-event=\"order_confirm\"]'); if (b && !b.checked) b.click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    proxy.fault_exact(
        Method::POST,
        "/api/v1/webhooks",
        Fault::status(422, "application/problem+json", hostile_problem.to_string()),
        Some(1),
    );
    e.js("document.querySelector('[data-testid=wh-submit]').click(); return true;")
        .await;
    e.find("[data-testid=form-error]").await;
    layout.extend(scan(&e, "problem+json on a form").await);

    let hits = beacon.hits();
    assert!(hits.is_empty(), "the beacon was called: {hits:?}");
    assert!(
        layout.is_empty(),
        "hostile text broke the layout:\n{}",
        layout.join("\n")
    );
    println!("hostile corpus: {} entries, beacon silent", corpus.len());

    // The detector works: markup that does run is seen by the beacon (the CSP is off here).
    e.js(&format!(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"fetch(\\'{}/control\\')\">'); return true;",
        beacon.origin
    ))
    .await;
    e.wait_until("the control payload reaches the beacon", || async {
        beacon.hits().iter().any(|h| h.contains("/control"))
    })
    .await;
    e.finish().await;
}

/// Where `needle` shows up outside the page's memory: the URL, the title, any storage or cookie.
async fn leaks(e: &E2e, needle: &str) -> Vec<&'static str> {
    let url = e.client.current_url().await.unwrap().to_string();
    let title = e.client.title().await.unwrap();
    let stores = e
        .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;")
        .await;
    let mut found = Vec::new();
    if url.contains(needle) {
        found.push("url");
    }
    if title.contains(needle) {
        found.push("title");
    }
    if stores.as_str().unwrap_or_default().contains(needle) {
        found.push("storage");
    }
    found
}

/// Whether the secret is anywhere in the DOM: markup, text, or a form field's value.
async fn secret_in_dom(e: &E2e, secret: &str) -> Value {
    e.client
        .execute(
            "const s = arguments[0]; return document.documentElement.outerHTML.includes(s) \
             || [...document.querySelectorAll('input,textarea')].some(i => i.value.includes(s));",
            vec![json!(secret)],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_secrets_stay_out_of_sight() {
    let e = E2e::start().await;
    let (_, created) = e
        .api(
            reqwest::Method::POST,
            "/webhooks",
            Some(json!({ "name": "Signed", "url": "https://example.com/s", "events": ["order_confirm"] })),
        )
        .await;
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let secret = created["data"]["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() > 10);

    // Not remembered: in memory only.
    e.connect().await;
    assert_eq!(leaks(&e, &e.token).await, Vec::<&str>::new());
    // localStorage holds display settings only (theme, time zone): never the token.

    // The secret is masked, out of the DOM until revealed and out again once hidden.
    e.navigate(&format!("/webhooks/{id}")).await;
    e.find("[data-testid=signing-secret-value]").await;
    assert_eq!(
        secret_in_dom(&e, &secret).await,
        json!(false),
        "the secret is in the DOM while masked"
    );
    e.click("[data-testid=signing-secret-reveal]").await;
    e.wait_text("[data-testid=signing-secret-value]", &secret[..12])
        .await;
    assert_eq!(secret_in_dom(&e, &secret).await, json!(true));
    e.click("[data-testid=signing-secret-reveal]").await;
    e.wait_until("secret hidden", || async {
        secret_in_dom(&e, &secret).await == json!(false)
    })
    .await;
    assert_eq!(leaks(&e, &secret).await, Vec::<&str>::new());

    // Remembered: sessionStorage (never localStorage) until Disconnect clears it.
    e.navigate("/settings").await;
    e.click("[data-testid=remember]").await;
    e.click("[data-testid=connect]").await;
    e.wait_until("kept in sessionStorage", || async {
        e.js("return sessionStorage.length;").await != json!(0)
    })
    .await;
    let url = e.client.current_url().await.unwrap().to_string();
    assert!(!url.contains(&e.token), "{url}");
    e.click("[data-testid=disconnect]").await;
    e.wait_text("[data-testid=connection-status]", "Not connected")
        .await;
    assert_eq!(leaks(&e, &e.token).await, Vec::<&str>::new());
    assert_eq!(e.value("[data-testid=token]").await, "");
    e.finish().await;
}
