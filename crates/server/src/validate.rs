//! Validation of webhook input: the rules shared with the console (`switchboard_api::validate`),
//! then what only this server judges: that its URL library reads every URL it will deliver to,
//! that a filter condition compiles as CEL, and where the URLs resolve to.

use crate::catalogue::Catalogue;
use crate::engine::{filter, ssrf};
use crate::error::ApiError;
use crate::Profile;
use reqwest::Url;
use switchboard_api::validate::{self as rules, Policy, UrlPolicy};
use switchboard_api::{Auth, DestinationType, FieldError, WebhookInput};

pub use switchboard_api::validate::Schemes;

/// Which URL schemes a profile's endpoints may use (`api/dialects.md`): the console's dialect
/// for that vendor says the same, as a test in the console proves.
pub fn schemes(profile: Profile) -> Schemes {
    match profile {
        Profile::Plandocket => Schemes::HttpsOnly,
        Profile::Shoprenter => Schemes::Either,
        _ => Schemes::HttpsOrLocal,
    }
}

pub struct Rules<'a> {
    pub catalogue: &'a Catalogue,
    pub allow_private_targets: bool,
    /// Names resolved without DNS, as the delivery client resolves them.
    pub host_overrides: &'a ssrf::HostOverrides,
    pub schemes: Schemes,
    /// The destination types new webhooks may have.
    pub types: &'a [DestinationType],
}

impl Rules<'_> {
    fn urls(&self) -> UrlPolicy {
        UrlPolicy {
            schemes: self.schemes,
            allow_private_targets: self.allow_private_targets,
        }
    }
}

/// Every check of a complete input (a create, or a stored webhook with an update applied):
/// all synchronous ones, then where the URLs that passed them point.
pub async fn check(input: &WebhookInput, rules: &Rules<'_>) -> Result<(), ApiError> {
    let mut errors = webhook(input, rules);
    for e in targets(input, rules).await {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Every synchronous check of a complete input: the shared rules, then the server's own at
/// fields the shared rules passed.
pub fn webhook(input: &WebhookInput, rules: &Rules) -> Vec<FieldError> {
    let known = |e: &str| rules.catalogue.contains(e);
    let policy = Policy {
        urls: rules.urls(),
        types: rules.types,
        known_event: Some(&known),
    };
    let mut errors = rules::webhook(input, &policy);
    let mut more = |field: &str, rule: Result<(), String>| {
        if let Err(m) = rule {
            if !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError::new(field, m));
            }
        }
    };
    for (field, raw) in urls(input) {
        if !raw.trim().is_empty() {
            more(&field, parses(raw));
        }
    }
    if let Some(f) = &input.filter {
        more("filter.condition", filter::check(&f.condition));
    }
    errors
}

/// Every URL of the input that is delivered to or fetched from, by field.
fn urls(input: &WebhookInput) -> Vec<(String, &str)> {
    let mut all = vec![("url".to_string(), input.url.as_str())];
    for (i, t) in input.targets.iter().enumerate() {
        all.push((format!("targets[{i}].url"), t.url.as_str()));
    }
    if let Auth::ClientCredentials { token_url, .. } = &input.auth {
        all.push(("auth.token_url".to_string(), token_url.as_str()));
    }
    all
}

/// The delivery client reads URLs with `url`; one it cannot read is refused now rather than
/// failing every delivery later.
fn parses(raw: &str) -> Result<(), String> {
    Url::parse(raw.trim())
        .map(|_| ())
        .map_err(|e| format!("is not a valid URL ({e})"))
}

/// Where the endpoint and token URLs point: refused when they are (or resolve to) a
/// non-public address, unless private targets are allowed. A name that does not resolve now
/// is accepted; the send-time check catches it later.
pub async fn targets(input: &WebhookInput, rules: &Rules<'_>) -> Vec<FieldError> {
    if rules.allow_private_targets {
        return Vec::new();
    }
    let mut errors = Vec::new();
    for (field, raw) in urls(input) {
        let Ok(u) = Url::parse(raw.trim()) else {
            continue;
        };
        let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default()) else {
            continue;
        };
        if let Err(ssrf::Refusal::Forbidden(why)) =
            ssrf::vet_host(host, port, rules.host_overrides).await
        {
            errors.push(FieldError::new(
                field,
                format!("must point at a public address: {why}"),
            ));
        }
    }
    errors
}
