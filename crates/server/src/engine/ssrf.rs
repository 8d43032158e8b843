//! The SSRF guard: which addresses an endpoint may point at, checked at save time and again
//! at send time against the addresses actually connected to. What counts as non-public is
//! decided once, in `switchboard_api::validate` (the console's URL rule asks the same).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use switchboard_api::validate::{local_name, non_public_ip};

/// Addresses given for names, answered instead of DNS at save time and at send time alike
/// (what curl's `--resolve` does). Tests make a name resolve to a private address with it;
/// the guard judges those addresses like any DNS answer.
#[derive(Debug, Clone, Default)]
pub struct HostOverrides(Arc<HashMap<String, Vec<IpAddr>>>);

impl HostOverrides {
    pub fn new(entries: &[(String, IpAddr)]) -> HostOverrides {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (name, ip) in entries {
            map.entry(name.to_ascii_lowercase()).or_default().push(*ip);
        }
        HostOverrides(Arc::new(map))
    }
}

/// The addresses of `host`: from the overrides when it is there, else from DNS.
pub async fn lookup(
    host: &str,
    port: u16,
    overrides: &HostOverrides,
) -> std::io::Result<Vec<SocketAddr>> {
    if let Some(ips) = overrides.0.get(&host.to_ascii_lowercase()) {
        return Ok(ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect());
    }
    Ok(tokio::net::lookup_host((host, port)).await?.collect())
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
pub async fn vet_host(
    host: &str,
    port: u16,
    overrides: &HostOverrides,
) -> Result<Vec<SocketAddr>, Refusal> {
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
    let addrs = lookup(host, port, overrides)
        .await
        .map_err(|e| Refusal::Unresolvable(format!("cannot resolve {host}: {e}")))?;
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

    async fn vet(host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        vet_host(host, port, &HostOverrides::default()).await
    }

    #[tokio::test]
    async fn a_name_is_judged_by_the_addresses_it_resolves_to() {
        let o = HostOverrides::new(&[
            ("internal.example.test".into(), "10.0.0.7".parse().unwrap()),
            (
                "mixed.example.test".into(),
                "93.184.215.14".parse().unwrap(),
            ),
            ("mixed.example.test".into(), "127.0.0.1".parse().unwrap()),
            (
                "public.example.test".into(),
                "93.184.215.14".parse().unwrap(),
            ),
        ]);
        for name in ["internal.example.test", "Mixed.Example.Test"] {
            assert!(
                matches!(vet_host(name, 443, &o).await, Err(Refusal::Forbidden(_))),
                "{name}"
            );
        }
        assert_eq!(
            vet_host("public.example.test", 443, &o).await.unwrap(),
            vec!["93.184.215.14:443".parse().unwrap()]
        );
    }

    #[tokio::test]
    async fn literal_and_local_names_are_vetted_without_dns() {
        assert!(vet("127.0.0.1", 80).await.is_err());
        assert!(vet("[::1]", 80).await.is_err());
        assert!(vet("localhost", 80).await.is_err());
        assert!(vet("api.localhost", 80).await.is_err());
        assert!(vet("printer.local", 80).await.is_err());
        for tunnel in ["[2002:808:808::1]", "[2001::1]", "[64:ff9b:1::808:808]"] {
            assert!(
                matches!(vet(tunnel, 443).await, Err(Refusal::Forbidden(_))),
                "{tunnel}"
            );
        }
        assert_eq!(
            vet("1.1.1.1", 443).await.unwrap(),
            vec!["1.1.1.1:443".parse().unwrap()]
        );
    }
}
