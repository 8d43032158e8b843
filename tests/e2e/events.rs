//! The event catalogue: grouped and searchable, one event type with fields, schema and example
//! payloads as JSON and XML, and the way from an event type to a new webhook for it.

use crate::deliveries::{both_themes, click_centered};
use crate::harness::E2e;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_is_grouped_searchable_and_detailed() {
    let e = E2e::start().await;
    e.connect_and_open("/event-types").await;
    e.find("[data-testid=event-type][data-name=order_confirm]")
        .await;
    let groups = e.find_all("[data-testid=event-group]").await;
    assert!(
        groups.len() >= 2,
        "the seeds' catalogues form several groups"
    );
    let all = e.find_all("[data-testid=event-type]").await.len();
    assert!(all >= 10, "only {all} event types");
    both_themes(&e, "event-types").await;

    e.fill("[data-testid=event-search]", "newsletter").await;
    e.wait_until("the search narrows the list", || async {
        let names = e.find_all("[data-testid=event-type]").await;
        let mut ok = !names.is_empty();
        for n in &names {
            let name = n.attr("data-name").await.ok().flatten().unwrap_or_default();
            ok &= name.starts_with("newsletter");
        }
        ok
    })
    .await;
    let url = e.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("q=newsletter"));
    e.fill("[data-testid=event-search]", "no such event anywhere")
        .await;
    e.find("[data-testid=event-types-empty]").await;

    e.navigate("/event-types/order_confirm").await;
    e.wait_text("[data-testid=event-type-name]", "order_confirm")
        .await;
    let fields = e.wait_text("[data-testid=event-fields]", "innerId").await;
    assert!(fields.contains("storeName"), "{fields}");
    let json = e
        .wait_text("[data-testid=example-payload] [data-testid=code-body]", "{")
        .await;
    assert!(
        json.contains("\"orders\"") || json.contains("\"order\""),
        "{json}"
    );
    e.find("[data-testid=event-schema]").await;
    both_themes(&e, "event-type-json").await;

    click_centered(&e, "[data-testid=format-xml]").await;
    let xml = e
        .wait_text(
            "[data-testid=example-payload] [data-testid=code-body]",
            "<?xml",
        )
        .await;
    assert!(xml.contains("<innerId>"), "{xml}");
    let url = e.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("format=xml"));
    both_themes(&e, "event-type-xml").await;

    let href = e
        .find("[data-testid=create-webhook-for-event]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(href, "/webhooks/new?event=order_confirm");
    click_centered(&e, "[data-testid=create-webhook-for-event]").await;
    e.wait_until("the form opens with the event", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks/new" && u.query() == Some("event=order_confirm"))
            .unwrap_or(false)
    })
    .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_event_type_says_so() {
    let e = E2e::start().await;
    e.connect_and_open("/event-types/no_such_event").await;
    e.wait_text("[data-testid=event-type-page]", "not found")
        .await;
    e.find("[data-testid=error-panel]").await;
    e.finish().await;
}
