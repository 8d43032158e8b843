//! "Copy as curl": renders an attempt's request as a shell command with every secret redacted,
//! and the button that copies it.

use crate::state::use_toasts;
use leptos::prelude::*;
use switchboard_api::AttemptRequest;

/// What replaces a secret value.
pub const REDACTED: &str = "REDACTED";

/// Header and query parameter names whose values are secrets: the same rule the server's
/// attempt records follow.
pub use switchboard_api::redact::is_secret_name;

/// Quotes a word for a POSIX shell: single quotes, with embedded ones closed and escaped.
pub fn shell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The URL with the values of secret-looking query parameters and any user-info replaced.
pub fn redact_url(url: &str) -> String {
    use switchboard_api::redact::{redact_url, QueryValues};
    redact_url(url, QueryValues::SecretNames, REDACTED)
}

/// The request as a multi-line `curl` command; secrets are replaced with [`REDACTED`].
pub fn curl_command(req: &AttemptRequest) -> String {
    let method = if req.method.trim().is_empty() {
        "POST".to_owned()
    } else {
        req.method.trim().to_ascii_uppercase()
    };
    let mut lines = vec![format!(
        "curl -X {} {}",
        shell_quote(&method),
        shell_quote(&redact_url(&req.url))
    )];
    for (name, value) in &req.headers {
        let value = if is_secret_name(name) {
            REDACTED
        } else {
            value.as_str()
        };
        // A header line cannot hold a line break; one in recorded data would split the command.
        let line = format!("{}: {}", name.trim(), value.replace(['\r', '\n'], " "));
        lines.push(format!("-H {}", shell_quote(&line)));
    }
    if !req.body.is_empty() {
        lines.push(format!("--data-raw {}", shell_quote(&req.body)));
    }
    lines.join(" \\\n  ")
}

/// A button that copies [`curl_command`] of the request to the clipboard.
#[component]
pub fn CopyCurlButton(
    /// The recorded request.
    request: AttemptRequest,
) -> impl IntoView {
    let toasts = use_toasts();
    let command = curl_command(&request);
    let on_click = move |_| {
        let command = command.clone();
        leptos::task::spawn_local(async move {
            match copy_text(&command).await {
                Ok(()) => toasts.success("Copied the curl command (secrets redacted)"),
                Err(()) => toasts.error("Could not copy: the browser refused clipboard access"),
            }
        });
    };
    view! {
        <button type="button" class="button small" data-testid="copy-curl" on:click=on_click>
            "Copy as curl"
        </button>
    }
}

/// Writes text to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), ()> {
    let clipboard = web_sys::window().ok_or(())?.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AttemptRequest {
        AttemptRequest {
            url: "https://user:pw@hooks.example.test/in?api_key=abc&x=1#f".into(),
            method: "post".into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Authorization".into(), "Bearer s3cr3t".into()),
                ("webhook-signature".into(), "v1,abcd".into()),
                ("X-Api-Key".into(), "k-123".into()),
                ("X-Auth-Token".into(), "tok".into()),
                ("X-Client-Secret".into(), "cs".into()),
                ("X-Password".into(), "pw".into()),
                ("webhook-id".into(), "msg_1".into()),
            ],
            body: r#"{"note":"it's"}"#.into(),
        }
    }

    #[test]
    fn secrets_are_redacted() {
        let cmd = curl_command(&request());
        for secret in ["s3cr3t", "v1,abcd", "k-123", "tok'", "cs'", "pw", "abc&"] {
            assert!(!cmd.contains(secret), "{secret} leaked in {cmd}");
        }
        assert!(cmd.contains("-H 'Authorization: REDACTED'"), "{cmd}");
        assert!(cmd.contains("-H 'webhook-id: msg_1'"), "{cmd}");
        assert!(cmd.contains("-H 'Content-Type: application/json'"), "{cmd}");
        assert!(
            cmd.starts_with(
                "curl -X 'POST' 'https://REDACTED@hooks.example.test/in?api_key=REDACTED&x=1#f'"
            ),
            "{cmd}"
        );
    }

    #[test]
    fn quoting_survives_quotes_and_newlines() {
        let cmd = curl_command(&request());
        assert!(cmd.ends_with(r#"--data-raw '{"note":"it'\''s"}'"#), "{cmd}");
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        let req = AttemptRequest {
            url: "https://x.test".into(),
            method: String::new(),
            headers: vec![("X-Note".into(), "a\nb".into())],
            body: String::new(),
        };
        let cmd = curl_command(&req);
        assert_eq!(
            cmd,
            "curl -X 'POST' 'https://x.test' \\\n  -H 'X-Note: a b'"
        );
    }

    #[test]
    fn secret_names() {
        assert!(is_secret_name("AUTHORIZATION"));
        assert!(is_secret_name("x-shopify-hmac-signature"));
        assert!(is_secret_name("X-API-KEY"));
        assert!(!is_secret_name("content-type"));
        assert!(!is_secret_name("webhook-timestamp"));
    }
}
