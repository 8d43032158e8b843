//! What every outbound request of the engine shares, whoever sends it (an attempt, a probe, a
//! token fetch): the SSRF-guarded resolver, the check of literal addresses, and what a failed
//! request is called in an attempt record.

use super::ssrf;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::error::Error as _;
use std::net::IpAddr;

/// The resolver of every outbound request: names given in [`ssrf::HostOverrides`] first, then
/// DNS. Unless private targets are allowed it vets every address a name resolves to and hands
/// only vetted ones to the connector, so the address checked is the address connected to (no
/// DNS rebinding window).
pub struct GuardedResolver {
    overrides: ssrf::HostOverrides,
    vet: bool,
}

impl GuardedResolver {
    pub fn new(overrides: ssrf::HostOverrides, vet: bool) -> GuardedResolver {
        GuardedResolver { overrides, vet }
    }
}

#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused by the SSRF guard: {}", self.0)
    }
}

impl std::error::Error for Refused {}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let overrides = self.overrides.clone();
        let vet = self.vet;
        Box::pin(async move {
            if !vet {
                let addrs = ssrf::lookup(&host, 0, &overrides).await?;
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            match ssrf::vet_host(&host, 0, &overrides).await {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                Err(ssrf::Refusal::Forbidden(why)) => {
                    Err(Box::new(Refused(why)) as Box<dyn std::error::Error + Send + Sync>)
                }
                Err(ssrf::Refusal::Unresolvable(why)) => Err(why.into()),
            }
        })
    }
}

/// Literal IP hosts skip the resolver, so they are vetted here.
pub fn check_literal(url: &Url, allow_private_targets: bool) -> Result<(), String> {
    if allow_private_targets {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        if let Some(why) = switchboard_api::validate::non_public_ip(ip) {
            return Err(format!("{ip} is {why}"));
        }
    }
    Ok(())
}

/// The error kind an attempt record shows (`timeout`, `connect`, `dns`, `tls`, `ssrf`, …) and
/// a one-line message.
pub fn classify(e: &reqwest::Error) -> (&'static str, String) {
    let mut chain = String::new();
    let mut source = e.source();
    let mut refused = None;
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            refused = Some(r.to_string());
        }
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    if let Some(r) = refused {
        return ("ssrf", r);
    }
    let lower = chain.to_ascii_lowercase();
    let kind = if e.is_timeout() {
        "timeout"
    } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup") {
        "dns"
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        "tls"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_request() {
        "request"
    } else {
        "network"
    };
    let message = match kind {
        "timeout" => "the endpoint did not answer within the timeout".to_string(),
        "connect" => format!("could not connect{chain}"),
        _ => format!("{e}{chain}"),
    };
    (kind, message)
}
