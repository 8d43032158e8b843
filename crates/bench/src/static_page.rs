//! The physical-limit baseline for the webhooks list: the same 50 rows as plain HTML, with the
//! console's stylesheets, marked on the timeline after paint exactly as the console is.

use switchboard_api::Webhook;

/// Path of the page below the server's origin.
pub const PAGE: &str = "static-baseline.html";
/// Its one script: the after-paint mark (the server's CSP allows same-origin scripts only).
pub const SCRIPT: &str = "static-baseline.js";

pub fn script(mark: &str) -> String {
    format!(
        "// After paint: an animation frame runs before it, a timeout queued there runs after it.\n\
         requestAnimationFrame(() => setTimeout(() => performance.mark({mark:?})));\n"
    )
}

/// Text for an element or a quoted attribute of the page the bench serves.
fn escape(s: &str) -> String {
    html_escape::encode_quoted_attribute(s).into_owned()
}

fn when(t: &Option<switchboard_api::Timestamp>) -> String {
    match t {
        Some(_) => "just now".into(),
        None => "—".into(),
    }
}

/// The page: `stylesheets` are URL paths of the console's CSS, `rows` the webhooks to list.
pub fn html(stylesheets: &[String], rows: &[Webhook]) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Webhooks · Switchboard</title>\n",
    );
    for css in stylesheets {
        out.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{}\">\n",
            escape(css)
        ));
    }
    out.push_str(&format!("<script src=\"/{SCRIPT}\" defer></script>\n"));
    out.push_str(
        "</head>\n<body>\n<div class=\"shell\"><main class=\"main\">\n\
         <section class=\"page webhooks-page\">\n<header class=\"page-header\"><div><h1>Webhooks</h1>\n\
         <p>Endpoints that receive events, and how their deliveries are going.</p></div></header>\n\
         <div class=\"table-wrap\"><table class=\"table webhooks-table\" data-testid=\"webhooks-table\">\n\
         <thead><tr><th class=\"col-check\"><input type=\"checkbox\" aria-label=\"Select all on this page\"></th>\
         <th>Name</th><th>URL</th><th>Events</th><th>Status</th><th>Last success</th><th>Last failure</th>\
         <th class=\"col-num\">Failures</th></tr></thead>\n<tbody>\n",
    );
    for w in rows {
        let name = escape(&w.name);
        let chips: String = w
            .events
            .iter()
            .take(2)
            .map(|e| format!("<span class=\"chip mono\">{}</span>", escape(e)))
            .collect();
        let description = w
            .description
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| format!("<div class=\"muted small\">{}</div>", escape(d)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr data-testid=\"webhook-row\" data-id=\"{id}\">\
             <td class=\"col-check\"><input type=\"checkbox\" aria-label=\"Select {name}\"></td>\
             <td class=\"col-name\"><a class=\"row-title\" href=\"/webhooks/{id}\">{name}</a>{description}</td>\
             <td class=\"col-url\"><span class=\"mono small url-cell\">{url}</span></td>\
             <td class=\"col-events\"><span class=\"event-chips compact\">{chips}</span></td>\
             <td class=\"col-active\"><span class=\"switch-text\">{active}</span></td>\
             <td class=\"col-time\">{success}</td><td class=\"col-time\">{failure}</td>\
             <td class=\"col-num\"><span class=\"muted\">{failures}</span></td></tr>\n",
            id = escape(w.id.as_str()),
            url = escape(&w.url),
            active = if w.is_active { "Active" } else { "Inactive" },
            success = when(&w.last_success_at),
            failure = when(&w.last_failure_at),
            failures = w.failure_count,
        ));
    }
    out.push_str("</tbody></table></div>\n</section>\n</main></div>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_webhook_escaped_with_the_stylesheets_and_mark() {
        let rows: Vec<Webhook> = serde_json::from_value(serde_json::json!([
            {"id": "wh_1", "name": "A <b>", "url": "https://x.test/?a=1&b=2", "events": ["a", "b", "c"]},
            {"id": 2, "name": "B", "url": "https://y.test", "events": []},
        ]))
        .unwrap();
        let page = html(&["/main-1.css".into()], &rows);
        assert_eq!(page.matches("data-testid=\"webhook-row\"").count(), 2);
        assert!(page.contains("A &lt;b&gt;") && !page.contains("<b>"));
        assert!(page.contains("a=1&amp;b=2"));
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/main-1.css\">"));
        assert!(page.contains(&format!("src=\"/{SCRIPT}\"")));
        // Two chips at most, as the console shows.
        assert!(!page.contains(">c</span>"));
        assert!(script("switchboard:x").contains("performance.mark(\"switchboard:x\")"));
    }
}
