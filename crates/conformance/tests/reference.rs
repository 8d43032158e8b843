//! The reference server passes: full profile at every level, plandocket profile at core level.

use std::time::Duration;
use switchboard_conformance::report::{Outcome, Report};
use switchboard_conformance::{run, Dialect, Level, Options};
use switchboard_server::{spawn, Config, Profile};

const TOKEN: &str = "conformance-test-token";

async fn check(
    profile: Profile,
    allow_private: bool,
    level: Level,
) -> (Report, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("switchboard.db"), TOKEN);
    c.allow_private_targets = allow_private;
    c.profile = profile;
    c.retry_schedule = vec![
        Duration::ZERO,
        Duration::from_millis(200),
        Duration::from_millis(400),
    ];
    let server = spawn(c).await.expect("server starts");
    let report = run(&Options {
        base_url: server.base_url(),
        token: TOKEN.into(),
        level,
        dialect: Dialect::Switchboard,
        base_path: None,
        receiver_port: None,
        allow_remote: false,
        run_tag: None,
    })
    .await
    .expect("the checker runs");
    println!("{}", report.to_text());
    let left: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/webhooks?limit=200", server.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.shutdown().await;
    (report, left["data"].as_array().cloned().unwrap_or_default())
}

fn skipped(report: &Report) -> Vec<String> {
    report
        .groups
        .iter()
        .flat_map(|g| &g.checks)
        .filter(|c| matches!(c.outcome, Outcome::Skip { .. }))
        .map(|c| c.id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_passes_every_level() {
    let (report, left) = check(Profile::Full, true, Level::Full).await;
    assert!(report.passed, "{}", report.to_text());
    assert_eq!(
        skipped(&report),
        Vec::<String>::new(),
        "{}",
        report.to_text()
    );
    assert_eq!(
        report.groups.len(),
        switchboard_conformance::report::Group::ALL.len()
    );
    assert!(report.check("replay.job.completes").is_some());
    assert_eq!(
        report.check("sort.wrong_cursor").map(|c| &c.outcome),
        Some(&Outcome::Pass)
    );
    assert!(report.groups.iter().all(|g| g.advertised && g.required));
    assert!(report.check("events.delivery.signature").is_some());
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(report.left_behind.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plandocket_profile_is_core_compliant() {
    let (report, left) = check(Profile::Plandocket, false, Level::Core).await;
    assert!(report.passed, "{}", report.to_text());
    assert_eq!(
        report.advertised, None,
        "the plandocket shape has no /capabilities"
    );
    let core = &report.groups[0];
    // The plandocket shape has no endpoint auth, so there is no auth secret to test.
    assert!(
        core.checks
            .iter()
            .all(|c| c.outcome == Outcome::Pass || c.id == "core.auth.write_only"),
        "{}",
        report.to_text()
    );
    assert!(report.groups[1..].iter().all(|g| !g.required));
    assert!(left.is_empty(), "left behind: {left:?}");

    // The same server is not compliant at the full level, and the report says why.
    let (full, _) = check(Profile::Plandocket, false, Level::Full).await;
    assert!(!full.passed);
    let Some(Outcome::Fail(f)) = full.check("update.advertised").map(|c| c.outcome.clone()) else {
        panic!("update.advertised should fail: {}", full.to_text());
    };
    assert!(f.expected.contains("\"update\""), "{f:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_loopback_targets_skip_delivery_checks() {
    let (report, _) = check(Profile::Full, false, Level::Full).await;
    let Some(Outcome::Skip { reason }) = report
        .check("events.delivery.signature")
        .map(|c| c.outcome.clone())
    else {
        panic!("delivery checks should be skipped: {}", report.to_text());
    };
    assert!(reason.contains("private targets"), "{reason}");
    assert!(report.passed, "{}", report.to_text());
}
