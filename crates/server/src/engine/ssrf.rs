//! The SSRF guard: which addresses an endpoint may point at, checked at save time and again
//! at send time against the addresses actually connected to. What counts as non-public is
//! decided once, in `switchboard_api::validate` (the console's URL rule asks the same).

use std::net::{IpAddr, SocketAddr};
use switchboard_api::validate::{local_name, non_public_ip};

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
    if let Some(why) = local_name(host) {
        return Err(Refusal::Forbidden(format!("{host} is {why}")));
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match non_public_ip(ip) {
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
        if let Some(why) = non_public_ip(a.ip()) {
            return Err(Refusal::Forbidden(format!(
                "{host} resolves to {}, {why}",
                a.ip()
            )));
        }
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn literal_and_local_names_are_vetted_without_dns() {
        assert!(vet_host("127.0.0.1", 80).await.is_err());
        assert!(vet_host("[::1]", 80).await.is_err());
        assert!(vet_host("localhost", 80).await.is_err());
        assert!(vet_host("api.localhost", 80).await.is_err());
        assert!(vet_host("printer.local", 80).await.is_err());
        for tunnel in ["[2002:808:808::1]", "[2001::1]", "[64:ff9b:1::808:808]"] {
            assert!(
                matches!(vet_host(tunnel, 443).await, Err(Refusal::Forbidden(_))),
                "{tunnel}"
            );
        }
        assert_eq!(
            vet_host("1.1.1.1", 443).await.unwrap(),
            vec!["1.1.1.1:443".parse().unwrap()]
        );
    }
}
