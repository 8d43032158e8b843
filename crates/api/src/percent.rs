//! Percent-encoding of one URL component (a path segment or a query value), shared by the
//! console, the server and the conformance checker so that all three agree on every byte.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is escaped: the result is safe as a path
/// segment, a query name or a query value alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `a b/c` → `a%20b%2Fc`.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Reverses [`encode_component`]; a stray `%` stays as it is and invalid UTF-8 becomes U+FFFD.
pub fn decode_component(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The bytes `s` encodes, or `None` when a `%` is not followed by two hex digits — for callers
/// that must refuse what they cannot read exactly (a proxied path).
pub fn decode_strict(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    well_formed.then(|| percent_decode_str(s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_round_trips() {
        for s in ["", "plain", "a b&c=ü/+%", "c,2", "~._-"] {
            assert_eq!(decode_component(&encode_component(s)), s);
        }
        assert_eq!(encode_component("a b&c=ü"), "a%20b%26c%3D%C3%BC");
        assert_eq!(encode_component("~._-"), "~._-");
    }

    #[test]
    fn strict_decoding_refuses_a_broken_escape() {
        assert_eq!(decode_strict("a%2Fb").as_deref(), Some(&b"a/b"[..]));
        assert_eq!(decode_strict("a%2"), None);
        assert_eq!(decode_strict("a%zz"), None);
        assert_eq!(decode_component("a%2"), "a%2");
    }
}
