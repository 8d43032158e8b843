//! Endpoint URLs: their shape, read by hand, and whether their host is a public one.
//!
//! The split is written here rather than taken from the `url` crate: `Url::parse` would pull
//! IDNA and its Unicode tables into the console's wasm bundle, which otherwise leaves URL
//! parsing to the browser (Leptos' router names `url` only for server-side rendering). The
//! server still parses every URL with `url` before it delivers, and reports what that refuses
//! at the same field.

use crate::limits::MAX_URL;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which URL schemes an endpoint may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schemes {
    /// HTTPS, and plain http to a non-public host when private targets are allowed
    /// (Switchboard's own rule, and the API platform's).
    HttpsOrLocal,
    /// HTTPS and nothing else (plandocket).
    HttpsOnly,
    /// Either, anywhere (Shoprenter's own example is `http://shoprenter.hu`).
    Either,
}

/// How endpoint URLs are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlPolicy {
    pub schemes: Schemes,
    /// Whether endpoints may point inside this machine or its network (test receivers).
    pub allow_private_targets: bool,
}

/// The parts of an absolute URL the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    /// Lower case.
    pub scheme: String,
    /// Lower case, without the brackets of an IPv6 literal.
    pub host: String,
    pub port: Option<u16>,
}

/// An absolute URL with a host and no credentials, read the way browsers read `http(s)` URLs
/// (a backslash ends the authority like a slash).
pub(crate) fn split_url(raw: &str) -> Result<UrlParts, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is required".into());
    }
    if raw.len() > MAX_URL {
        return Err(format!("must be at most {MAX_URL} characters"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("is not a valid URL (it contains spaces)".into());
    }
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or_else(|| "is not a valid URL (it needs https://)".to_owned())?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err("is not a valid URL (bad scheme)".into());
    }
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry credentials; use auth instead".into());
    }
    let (host, port) = host_and_port(authority)?;
    if host.is_empty() {
        return Err("must name a host".into());
    }
    Ok(UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host,
        port,
    })
}

/// `host[:port]` or `[v6][:port]`; the host lower case and checked.
fn host_and_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let bad_host = || "is not a valid URL (bad host)".to_owned();
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(bad_host)?;
        h.parse::<Ipv6Addr>().map_err(|_| bad_host())?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(bad_host)?),
        };
        (h, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    // A name: letters of any script (an internationalised name), digits, `-`, `.` and `_`;
    // anything else no resolver would look up. An IPv6 literal was parsed above.
    let name_ok = host
        .chars()
        .all(|c| c.is_alphanumeric() || "-._".contains(c));
    if !authority.starts_with('[') && !name_ok {
        return Err(bad_host());
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| "is not a valid URL (bad port)".to_owned())?,
        ),
    };
    Ok((host.to_lowercase(), port))
}

/// Syntax and scheme of an endpoint URL; where it resolves to is the server's to check.
pub fn url(raw: &str, policy: UrlPolicy) -> Result<(), String> {
    let parts = split_url(raw)?;
    match (parts.scheme.as_str(), policy.schemes) {
        ("https", _) | ("http", Schemes::Either) => Ok(()),
        (_, Schemes::Either) => Err("must be an http or https URL".into()),
        ("http", Schemes::HttpsOnly) => Err("must use https".into()),
        ("http", Schemes::HttpsOrLocal)
            if policy.allow_private_targets && is_non_public_host(&parts.host) =>
        {
            Ok(())
        }
        ("http", _) => Err("must use https (plain http only for loopback test targets)".into()),
        _ => Err("must be an https URL".into()),
    }
}

/// Whether `raw` is an absolute URL with a host, whatever its scheme (JSON Schema's
/// `format: uri` as destination types use it).
pub fn is_absolute_url(raw: &str) -> bool {
    split_url(raw).is_ok()
}

/// Why a URL host is not a public one (a name or literal that points inside this machine or
/// its network), or `None` when it may be. The one predicate for "non-public": the scheme rule
/// above and the server's SSRF guard both ask it.
pub(crate) fn non_public_host(host: &str) -> Option<&'static str> {
    if let Some(why) = local_name(host) {
        return Some(why);
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().ok().and_then(non_public_ip)
}

/// [`non_public_host`] as a yes or no.
pub fn is_non_public_host(host: &str) -> bool {
    non_public_host(host).is_some()
}

/// Names that never leave the machine or its link: `localhost` and `*.localhost` (RFC 6761),
/// and `*.local`, which only multicast DNS on the local network answers (RFC 6762).
pub fn local_name(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") {
        Some("this machine")
    } else if h == "local" || h.ends_with(".local") {
        Some("a local-network (mDNS) name")
    } else {
        None
    }
}

/// Why this address is not a public one, or `None` when it is.
pub fn non_public_ip(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_reason(v4).or(Some("an IPv4-mapped address"));
            }
            v6_reason(v6)
        }
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        // 169.254.169.254 is the cloud metadata service.
        Some("a link-local or metadata address")
    } else if o[0] == 100 && (64..128).contains(&o[1]) {
        Some("a carrier-grade NAT address")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || ip.is_multicast() || o[0] >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else if ip.is_documentation() || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) {
        Some("a documentation or benchmarking address")
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        Some("an IETF protocol address")
    } else {
        None
    }
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if (seg[0] & 0xffc0) == 0xfe80 {
        Some("a link-local address")
    } else if (seg[0] & 0xfe00) == 0xfc00 {
        Some("a unique-local (private) address")
    } else if seg[0] == 0xfec0 {
        Some("a site-local address")
    } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
        Some("a documentation address")
    } else if seg[0] == 0x2002 {
        // 6to4 (2002::/16) and Teredo (2001::/32) tunnel to an IPv4 address through relays the
        // guard cannot see; the address they carry may be a private one.
        Some("a 6to4 tunnel address")
    } else if seg[0] == 0x2001 && seg[1] == 0x0000 {
        Some("a Teredo tunnel address")
    } else if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2] == 0x0001 {
        // Local-use NAT64 (RFC 8215): translated by the operator's own gateway, into their
        // network.
        Some("a local-use NAT64 address")
    } else if seg[0] == 0x0064 && seg[1] == 0xff9b {
        // NAT64 embeds an IPv4 address in the last 32 bits.
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        v4_reason(v4)
    } else if let Some(v4) = ip.to_ipv4() {
        // IPv4-compatible (::a.b.c.d), deprecated but still routable on some stacks.
        if seg[5] == 0 {
            v4_reason(v4).or(Some("an IPv4-compatible address"))
        } else {
            None
        }
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: UrlPolicy = UrlPolicy {
        schemes: Schemes::HttpsOrLocal,
        allow_private_targets: true,
    };

    fn bad_ip(s: &str) -> bool {
        non_public_ip(s.parse().unwrap()).is_some()
    }

    #[test]
    fn private_ranges_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            // 6to4, even of a public IPv4 address (8.8.8.8).
            "2002:808:808::1",
            "2002:c0a8:101::1",
            // Teredo.
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            // Local-use NAT64, even of a public IPv4 address.
            "64:ff9b:1::808:808",
            "64:ff9b:1:ffff::1",
        ] {
            assert!(bad_ip(a), "{a} should be refused");
        }
        for a in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "100.128.0.1",
            // Neighbours of the tunnel prefixes stay public.
            "2001:4860:4860::8888",
            "2003::1",
            "64:ff9b::808:808",
        ] {
            assert!(!bad_ip(a), "{a} should be allowed");
        }
    }

    #[test]
    fn hosts_are_judged_by_name_or_literal() {
        for h in [
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "printer.local",
            "[::1]",
            "::1",
            "127.0.0.1",
            "[fd00::1]",
            "[2002:808:808::1]",
            "[2001::1]",
            "[64:ff9b:1::808:808]",
        ] {
            assert!(is_non_public_host(h), "{h}");
        }
        for h in ["example.com", "localhost.example.com", "1.1.1.1", "locals"] {
            assert!(!is_non_public_host(h), "{h}");
        }
        assert_eq!(non_public_host("localhost"), Some("this machine"));
    }

    #[test]
    fn urls_follow_the_scheme_policy() {
        assert!(url("https://example.com/x?y=1", LOCAL).is_ok());
        assert!(url("HTTPS://Example.com", LOCAL).is_ok());
        assert!(url("http://127.0.0.1:9000/hook", LOCAL).is_ok());
        assert!(url("http://localhost/hook", LOCAL).is_ok());
        assert!(url("http://[::1]:80/", LOCAL).is_ok());
        let strict = UrlPolicy {
            allow_private_targets: false,
            ..LOCAL
        };
        assert!(url("http://127.0.0.1:9000/hook", strict)
            .unwrap_err()
            .contains("https"));
        assert!(url("http://example.com/hook", LOCAL)
            .unwrap_err()
            .contains("https"));
        let only = UrlPolicy {
            schemes: Schemes::HttpsOnly,
            ..LOCAL
        };
        assert_eq!(
            url("http://127.0.0.1/", only).unwrap_err(),
            "must use https"
        );
        let either = UrlPolicy {
            schemes: Schemes::Either,
            allow_private_targets: false,
        };
        assert!(url("http://shoprenter.hu", either).is_ok());
        assert!(url("ftp://example.com", either).is_err());
        assert!(url("ftp://example.com", LOCAL).is_err());
    }

    #[test]
    fn url_shapes() {
        assert!(split_url("https://user:pw@example.com")
            .unwrap_err()
            .contains("credentials"));
        // A backslash ends the authority, as browsers read it; the rest is path.
        assert_eq!(
            split_url("https://example.com\\@evil.test").unwrap().host,
            "example.com"
        );
        for bad in [
            "",
            "https://exa mple.com",
            "example.com",
            "https://example.com:99999/",
            "https:///path",
            "https://[::1/",
            "https://[nope]/",
            "https://ex<ample.com/",
            "1http://example.com",
        ] {
            assert!(split_url(bad).is_err(), "{bad}");
        }
        let p = split_url("https://[::1]:8443/x").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("::1", Some(8443)));
        assert_eq!(split_url("https://example.com:/").unwrap().port, None);
        assert!(split_url(&format!("https://example.com/{}", "a".repeat(MAX_URL))).is_err());
        assert!(is_absolute_url("sftp://files.example.com"));
        assert!(!is_absolute_url("not a url"));
    }
}
