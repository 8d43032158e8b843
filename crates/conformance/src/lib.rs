//! Black-box conformance checker for the Switchboard Webhook API, grouped by capability level.
//!
//! With a [`Dialect`] other than [`Dialect::Switchboard`] it checks a vendor-shaped server
//! instead: plandocket, Shoprenter, Output.Rocks or the API platform, each against the wire
//! shape `api/dialects.md` documents for it (and the reference server's `--profile` of the same
//! name serves), over HTTP only. See [`dialect`].

pub mod checks;
pub mod client;
pub mod dialect;
pub mod receiver;
pub mod report;
pub mod signature;

use checks::{outcome, Ctx};
use client::Http;
use report::{Group, GroupReport, Outcome, Report};
use serde_json::Value;
use switchboard_api::{Capabilities, Feature};

pub use dialect::Dialect;
pub use report::Level;

#[derive(Debug, Clone)]
pub struct Options {
    /// The server's origin; the API is below `{base_url}{base_path}`.
    pub base_url: String,
    /// The credential. Switchboard, plandocket and the API platform: the bearer token;
    /// Output.Rocks: the `X-AUTH-TOKEN`; Shoprenter: the password of the API user
    /// `switchboard`, or `user:password` when it contains a `:`.
    pub token: String,
    /// Switchboard's capability level; a vendor dialect is checked whole.
    pub level: Level,
    /// Whose API shape to check; [`Dialect::Switchboard`] is the Switchboard contract.
    pub dialect: Dialect,
    /// The API's path below `base_url`; `None` is the dialect's default
    /// ([`Dialect::default_base_path`]). May be empty.
    pub base_path: Option<String>,
    /// Port of the loopback receiver deliveries are sent to; `None` picks a free one.
    pub receiver_port: Option<u16>,
    /// Run against a host that is not loopback (the checker creates and deletes webhooks).
    pub allow_remote: bool,
    /// The tag in the name of everything the run creates; random when `None`. Knowing it lets
    /// a caller [`sweep`] after an interrupted run.
    pub run_tag: Option<String>,
}

impl Options {
    /// Switchboard's contract at level core against `base_url`, with a random run tag.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Options {
        Options {
            base_url: base_url.into(),
            token: token.into(),
            level: Level::Core,
            dialect: Dialect::Switchboard,
            base_path: None,
            receiver_port: None,
            allow_remote: false,
            run_tag: None,
        }
    }

    /// The base path the run uses: the override, else the dialect's default.
    pub fn base_path(&self) -> String {
        client::normalize_base_path(
            self.base_path
                .as_deref()
                .unwrap_or(self.dialect.default_base_path()),
        )
    }
}

/// A fresh random run tag.
pub fn new_run_tag() -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen();
    format!("{n:08x}")
}

/// Deletes every webhook whose name carries the run's tag; returns what could not be deleted.
/// Catches what a run could not track (a create whose answer had no readable id, or a run
/// stopped half-way).
pub async fn sweep(base_url: &str, token: &str, run_tag: &str) -> Result<Vec<String>, String> {
    let http = Http::new(base_url, token, is_loopback(base_url)?)?;
    Ok(sweep_with(&http, run_tag).await)
}

/// [`sweep`] for any dialect and base path: deletes what carries the run's tag.
pub async fn sweep_options(opts: &Options, run_tag: &str) -> Result<Vec<String>, String> {
    if opts.dialect != Dialect::Switchboard {
        return dialect::sweep(opts, run_tag).await;
    }
    let http = Http::with_credential(
        &opts.base_url,
        &opts.base_path(),
        client::Credential::Bearer(opts.token.clone()),
        is_loopback(&opts.base_url)?,
    )?;
    Ok(sweep_with(&http, run_tag).await)
}

async fn sweep_with(http: &Http, run_tag: &str) -> Vec<String> {
    let prefix = format!("cf-{run_tag}-");
    let mut left = Vec::new();
    // Deleting shifts pages, so list from the start again until a pass deletes nothing.
    for _ in 0..20 {
        let Ok(r) = http
            .get(&format!(
                "/webhooks?limit=200&q={}",
                checks::encode(&prefix)
            ))
            .await
        else {
            left.push("the list of webhooks could not be read to sweep".to_string());
            return left;
        };
        let Ok((items, _)) = r.page() else {
            return left;
        };
        let ours: Vec<String> = items
            .iter()
            .filter(|w| {
                w.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.starts_with(&prefix))
            })
            .filter_map(|w| w.get("id").and_then(checks::id_of))
            .filter(|id| !left.iter().any(|l| l.contains(id.as_str())))
            .collect();
        if ours.is_empty() {
            return left;
        }
        for id in ours {
            match http.delete(&format!("/webhooks/{id}")).await {
                Ok(r) if matches!(r.status, 200 | 204 | 404) => {}
                Ok(r) => left.push(format!("webhook {id}: DELETE answered {}", r.status)),
                Err(_) => left.push(format!("webhook {id}: DELETE failed to send")),
            }
        }
    }
    left
}

/// Whether a base URL points at this machine.
pub fn is_loopback(base_url: &str) -> Result<bool, String> {
    let url = reqwest::Url::parse(base_url).map_err(|e| format!("--base-url {base_url:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("--base-url {base_url:?}: use an http or https URL"));
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    Ok(match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let host = host.to_ascii_lowercase();
            host == "localhost" || host.ends_with(".localhost")
        }
    })
}

/// Whether the run may write to the base URL's host; `Ok(loopback)` when it may.
fn may_write(opts: &Options) -> Result<bool, String> {
    let loopback = is_loopback(&opts.base_url)?;
    if !loopback && !opts.allow_remote {
        return Err(format!(
            "{} is not a loopback address. The checker creates and deletes webhooks and emits \
             events there; pass --i-understand-this-writes to run it anyway.",
            opts.base_url
        ));
    }
    Ok(loopback)
}

/// Runs every check of the level (or of the vendor dialect) against the server. `Err` only
/// when the run cannot start (a bad URL, or a remote host without permission to write).
pub async fn run(opts: &Options) -> Result<Report, String> {
    let loopback = may_write(opts)?;
    if opts.dialect != Dialect::Switchboard {
        return dialect::run(opts, loopback).await;
    }
    let http = Http::with_credential(
        &opts.base_url,
        &opts.base_path(),
        client::Credential::Bearer(opts.token.clone()),
        loopback,
    )?;
    let (caps_outcome, advertised, features) = capabilities(&http).await;
    let receiver = receiver::Receiver::start(opts.receiver_port.unwrap_or(0))
        .await
        .map_err(|e| e.to_string());
    let run_tag = opts.run_tag.clone().unwrap_or_else(new_run_tag);
    let mut ctx = Ctx::new(http, run_tag, features.clone(), receiver);

    let mut groups = Vec::new();
    let mut core = GroupReport::new(Group::Core, true, true);
    core.push(
        "capabilities",
        "GET /capabilities is {api_version, features} or 404 problem+json (core only)",
        caps_outcome,
    );
    checks::core::run(&mut ctx, &mut core).await;
    groups.push(core);

    for group in Group::ALL.into_iter().skip(1) {
        let Some(feature) = group.feature() else {
            continue;
        };
        let advertised = features.contains(&feature);
        let required = advertised || opts.level == Level::Full;
        let mut g = GroupReport::new(group, advertised, required);
        if !advertised {
            let title = "the group is listed in GET /capabilities";
            if opts.level == Level::Full {
                g.push(
                    "advertised",
                    title,
                    Outcome::Fail(report::Failure::new(
                        format!(
                            "{:?} in features (every group is required at level full)",
                            feature.as_str()
                        ),
                        "not advertised",
                    )),
                );
            } else {
                g.push(
                    "advertised",
                    title,
                    Outcome::Skip {
                        reason: "not advertised; not required at level core".into(),
                    },
                );
            }
            groups.push(g);
            continue;
        }
        match group {
            Group::Update => checks::update::run(&mut ctx, &mut g).await,
            Group::Catalogue => checks::catalogue::run(&mut ctx, &mut g).await,
            Group::Test => checks::test_send::run(&mut ctx, &mut g).await,
            Group::Secrets => checks::secrets::run(&mut ctx, &mut g).await,
            Group::Deliveries => checks::deliveries::run(&mut ctx, &mut g).await,
            Group::Stats => checks::stats::run(&mut ctx, &mut g).await,
            Group::Status => checks::status::run(&mut ctx, &mut g).await,
            Group::Events => checks::events::run(&mut ctx, &mut g).await,
            Group::Types => checks::types::run(&mut ctx, &mut g).await,
            Group::Replay => checks::replay::run(&mut ctx, &mut g).await,
            Group::Search => checks::search::run(&mut ctx, &mut g).await,
            Group::Sort => checks::sort::run(&mut ctx, &mut g).await,
            Group::Health => checks::health::run(&mut ctx, &mut g).await,
            Group::Tail => checks::tail::run(&mut ctx, &mut g).await,
            Group::Core
            | Group::Plandocket
            | Group::Shoprenter
            | Group::Outputrocks
            | Group::Apiplatform => {}
        }
        groups.push(g);
    }

    let left_behind = cleanup(&ctx).await;
    let nothing_left = outcome(checks::core::nothing_left(&ctx).await);
    groups[0].push(
        "cleanup",
        "everything the checker created is deleted again",
        nothing_left,
    );
    let mut notes = Vec::new();
    if !ctx.emitted.is_empty() {
        notes.push(format!(
            "emitted events {} stay in GET /events: the API has no route to delete them",
            ctx.emitted.join(", ")
        ));
    }
    if let Ok(r) = std::mem::replace(&mut ctx.receiver, Err(String::new())) {
        r.stop();
    }

    let mut report = Report {
        base_url: opts.base_url.clone(),
        dialect: Dialect::Switchboard,
        base_path: opts.base_path(),
        level: opts.level,
        advertised,
        groups,
        left_behind,
        notes,
        passed: false,
    };
    report.passed = report.compute_passed();
    Ok(report)
}

/// Deletes every webhook the run created; returns what could not be deleted.
async fn cleanup(ctx: &Ctx) -> Vec<String> {
    let mut left = Vec::new();
    for id in ctx.created.iter().rev() {
        match ctx.http.delete(&format!("/webhooks/{id}")).await {
            Ok(r) if matches!(r.status, 200 | 204 | 404) => {}
            Ok(r) => left.push(format!("webhook {id}: DELETE answered {}", r.status)),
            Err(_) => left.push(format!("webhook {id}: DELETE failed to send")),
        }
    }
    for l in sweep_with(&ctx.http, &ctx.run).await {
        if !left.contains(&l) {
            left.push(l);
        }
    }
    left
}

/// Level detection: `GET /capabilities`, where a 404 means core only.
async fn capabilities(http: &Http) -> (Outcome, Option<Vec<String>>, Vec<Feature>) {
    let r = match http.get("/capabilities").await {
        Ok(r) => r,
        Err(v) => return (outcome(Err(v)), None, Vec::new()),
    };
    if r.status == 404 {
        return (outcome(r.problem(404).map(|_| ())), None, Vec::new());
    }
    let data = match r.envelope(&[200]) {
        Ok(d) => d.clone(),
        Err(v) => return (outcome(Err(v)), None, Vec::new()),
    };
    match r.parse::<Capabilities>(&data, "$.data", "capabilities {api_version, features: []}") {
        Ok(c) => {
            let names = data
                .get("features")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let known = c
                .features
                .into_iter()
                .filter(|f| *f != Feature::Unknown)
                .collect();
            (Outcome::Pass, Some(names), known)
        }
        Err(v) => (outcome(Err(v)), None, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        assert_eq!(is_loopback("http://127.0.0.1:8080"), Ok(true));
        assert_eq!(is_loopback("http://localhost:1"), Ok(true));
        assert_eq!(is_loopback("http://[::1]:1/"), Ok(true));
        assert_eq!(is_loopback("https://api.example.com"), Ok(false));
        assert_eq!(is_loopback("http://10.0.0.1"), Ok(false));
        assert!(is_loopback("ftp://localhost").is_err());
        assert!(is_loopback("not a url").is_err());
    }

    #[tokio::test]
    async fn a_remote_host_needs_permission() {
        let mut opts = Options::new("https://api.example.com", "t");
        let err = run(&opts).await.unwrap_err();
        assert!(err.contains("--i-understand-this-writes"), "{err}");
        opts.dialect = Dialect::Shoprenter;
        let err = run(&opts).await.unwrap_err();
        assert!(err.contains("--i-understand-this-writes"), "{err}");
    }

    #[test]
    fn base_paths_default_by_dialect() {
        let mut opts = Options::new("http://127.0.0.1:1", "t");
        assert_eq!(opts.base_path(), "/api/v1");
        opts.dialect = Dialect::Outputrocks;
        assert_eq!(opts.base_path(), "/api/spa");
        opts.base_path = Some(String::new());
        assert_eq!(opts.base_path(), "");
        opts.base_path = Some("shop/api/".into());
        assert_eq!(opts.base_path(), "/shop/api");
    }
}
