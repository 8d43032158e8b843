//! The SSRF guard: which addresses an endpoint may point at, checked at save time and again
//! at send time against the addresses actually connected to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why this address is not a public one, or `None` when it is.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
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

/// Whether a host name is one that always means this machine.
pub fn is_local_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

/// Why a host cannot be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It is, or resolves to, a non-public address.
    Forbidden(String),
    /// It does not resolve (now); at save time that is not held against it.
    Unresolvable(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Forbidden(s) | Refusal::Unresolvable(s) => f.write_str(s),
        }
    }
}

/// Resolves `host` once and refuses it when any address is forbidden, so that a name with
/// one public and one private address cannot be used to reach the private one.
pub async fn vet_host(host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
    if is_local_name(host) {
        return Err(Refusal::Forbidden(format!("{host} is this machine")));
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match forbidden_reason(ip) {
            Some(why) => Err(Refusal::Forbidden(format!("{ip} is {why}"))),
            None => Ok(vec![SocketAddr::new(ip, port)]),
        };
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Refusal::Unresolvable(format!("cannot resolve {host}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(Refusal::Unresolvable(format!("{host} has no address")));
    }
    for a in &addrs {
        if let Some(why) = forbidden_reason(a.ip()) {
            return Err(Refusal::Forbidden(format!(
                "{host} resolves to {}, {why}",
                a.ip()
            )));
        }
    }
    Ok(addrs)
}

/// Whether a URL host is a name or literal that points inside this machine or network.
pub fn is_non_public_host(host: &str) -> bool {
    if is_local_name(host) {
        return true;
    }
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<IpAddr>()
        .map(|ip| forbidden_reason(ip).is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(s: &str) -> bool {
        forbidden_reason(s.parse().unwrap()).is_some()
    }

    #[test]
    fn private_ranges_are_refused() {
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
        ] {
            assert!(bad(a), "{a} should be refused");
        }
        for a in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "100.128.0.1",
        ] {
            assert!(!bad(a), "{a} should be allowed");
        }
    }

    #[tokio::test]
    async fn literal_and_local_names_are_vetted_without_dns() {
        assert!(vet_host("127.0.0.1", 80).await.is_err());
        assert!(vet_host("[::1]", 80).await.is_err());
        assert!(vet_host("localhost", 80).await.is_err());
        assert!(vet_host("api.localhost", 80).await.is_err());
        assert_eq!(
            vet_host("1.1.1.1", 443).await.unwrap(),
            vec!["1.1.1.1:443".parse().unwrap()]
        );
    }
}
