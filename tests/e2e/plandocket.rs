//! The console against a plain core backend shaped like the plandocket API: no
//! `/capabilities`, integer ids, Unix-second times. Everything core works; nothing else shows.

use crate::harness::{E2e, Options};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use switchboard_server::Profile;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plandocket_backend_lists_creates_shows_and_deletes() {
    let e = E2e::start_with(Options {
        profile: Profile::Plandocket,
        ..Options::default()
    })
    .await;
    // The backend really is plandocket-shaped.
    let (status, _) = e.api(Method::GET, "/capabilities", None).await;
    assert_eq!(status, 404);
    let (status, seeded) = e
        .api(
            Method::POST,
            "/webhooks",
            Some(json!({"name": "Existing hook", "url": "https://crm.example.com/in", "events": ["order_confirm"]})),
        )
        .await;
    assert_eq!(status, 201, "{seeded}");
    assert!(seeded["data"]["id"].is_u64(), "integer ids: {seeded}");
    assert!(
        seeded["data"]["created_at"].is_i64(),
        "Unix seconds: {seeded}"
    );

    e.connect().await;
    e.navigate("/webhooks").await;
    e.wait_text("[data-testid=webhook-row]", "Existing hook")
        .await;
    assert!(
        !e.exists("[data-testid=toggle-active]").await,
        "no PATCH, no switch"
    );

    // Create through the form.
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-name]", "Plandocket created").await;
    e.fill(
        "[data-testid=wh-url]",
        "https://hooks.example.com/plandocket",
    )
    .await;
    let event = e.find("input[data-event=\"order_confirm\"]").await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
            vec![serde_json::to_value(&event).unwrap()],
        )
        .await
        .unwrap();
    let submit = e.find("[data-testid=wh-submit]").await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
            vec![serde_json::to_value(&submit).unwrap()],
        )
        .await
        .unwrap();
    e.wait_text("[data-testid=webhook-name]", "Plandocket created")
        .await;
    let id = e
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .trim_start_matches("/webhooks/")
        .to_owned();
    assert!(id.parse::<u64>().is_ok(), "integer id in the URL: {id}");

    // The detail page: times read from Unix seconds, the secret shown, no extras.
    let created = e.find("[data-testid=activity-card] time[datetime]").await;
    let datetime = created.attr("datetime").await.unwrap().unwrap_or_default();
    let year: i32 = datetime[..4].parse().unwrap_or(0);
    assert!(year >= 2024, "created_at read as a real date: {datetime}");
    e.find("[data-testid=secret-card]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for hidden in [
        "detail-toggle",
        "detail-edit",
        "rotate-secret",
        "test-card",
        "stats-card",
        "latest-deliveries",
        "overview-card",
        "endpoint-status",
    ] {
        assert!(
            !e.exists(&format!("[data-testid={hidden}]")).await,
            "{hidden} should be hidden on a core backend"
        );
    }
    e.screenshot("plandocket-detail").await;

    // Delete it.
    e.click("[data-testid=detail-delete]").await;
    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.wait_until("deleted on the server", || async {
        e.api(Method::GET, &format!("/webhooks/{id}"), None).await.0 == 404
    })
    .await;
    e.wait_until("back on the list", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks")
            .unwrap_or(false)
    })
    .await;

    // Nothing went wrong on the way.
    let errors = e.find_all("[data-testid=toast][data-kind=error]").await;
    assert!(errors.is_empty(), "no error toast on a core backend");
    assert!(!e.exists("[data-testid=error-panel]").await);
    e.finish().await;
}
