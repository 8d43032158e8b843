//! Which recorded values are secrets: one rule for the server's attempt records and the
//! console's "copy as curl", so neither shows what the other hides.

/// Header and query parameter names whose values are secrets. `Authorization` and the
/// Standard Webhooks signature are named outright; the rest go by what the name contains.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "webhook-signature"
    ) || [
        "token",
        "secret",
        "key",
        "password",
        "passwd",
        "signature",
        "auth",
        "session",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// Which query values [`redact_url`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryValues {
    /// Only those whose name [`is_secret_name`].
    SecretNames,
    /// Every one: a recorded URL cannot know which of an endpoint's parameters is a key.
    All,
}

/// The URL with user-info and the chosen query values replaced by `marker`.
pub fn redact_url(url: &str, which: QueryValues, marker: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (base, None),
    };
    // user:password@host
    let mut out = match path.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://{marker}@{host}{tail}"),
                None => path.to_owned(),
            }
        }
        None => path.to_owned(),
    };
    if let Some(query) = query {
        out.push('?');
        let parts: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if which == QueryValues::All || is_secret_name(k) => {
                    format!("{k}={marker}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&parts.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        assert!(is_secret_name("AUTHORIZATION"));
        assert!(is_secret_name("x-shopify-hmac-signature"));
        assert!(is_secret_name("X-API-KEY"));
        assert!(is_secret_name("X-Auth-Token"));
        assert!(!is_secret_name("content-type"));
        assert!(!is_secret_name("webhook-timestamp"));
        assert!(!is_secret_name("X-Tenant"));
    }

    #[test]
    fn urls() {
        let u = "https://u:p@h.example/x?api_key=1&page=2#f";
        assert_eq!(
            redact_url(u, QueryValues::SecretNames, "R"),
            "https://R@h.example/x?api_key=R&page=2#f"
        );
        assert_eq!(
            redact_url(u, QueryValues::All, "R"),
            "https://R@h.example/x?api_key=R&page=R#f"
        );
        assert_eq!(
            redact_url("https://h.example/x", QueryValues::All, "R"),
            "https://h.example/x"
        );
    }
}
