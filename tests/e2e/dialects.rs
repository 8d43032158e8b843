//! Each vendor's API through its dialect, against the reference server's profile of that
//! vendor: connect choosing the API, list, create with every documented member, view,
//! switch off, edit where the vendor can, one bad input with the vendor's error at its field,
//! delete. Two more journeys reach a vendor on a second origin: forwarded, and directly
//! with CORS.

use crate::harness::{E2e, Options};
use serde_json::{json, Value};
use std::sync::Arc;
use switchboard_server::Profile;

async fn start(profile: Profile) -> E2e {
    E2e::start_with(Options {
        profile,
        ..Options::default()
    })
    .await
}

/// A server that refuses endpoints on private addresses, as in production: its refusal is the
/// bad input only the server can judge.
async fn start_guarded(profile: Profile) -> E2e {
    E2e::start_with(Options {
        profile,
        allow_private_targets: false,
        ..Options::default()
    })
    .await
}

/// Clicks what may sit under the sticky action bar.
async fn press(e: &E2e, css: &str) {
    let el = e.find(css).await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
            vec![serde_json::to_value(&el).unwrap()],
        )
        .await
        .unwrap();
}

async fn choose(e: &E2e, css: &str, value: &str) {
    e.find(css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|err| panic!("choose {value} in {css}: {err}"));
}

/// The webhook id the detail page's URL names.
async fn current_id(e: &E2e) -> String {
    e.client
        .current_url()
        .await
        .unwrap()
        .path()
        .trim_start_matches("/webhooks/")
        .to_owned()
}

/// A request to the vendor's API as the vendor documents it: `auth` is the header to send.
async fn vendor(
    e: &E2e,
    method: reqwest::Method,
    path: &str,
    auth: (&str, String),
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = e
        .http
        .request(method, format!("{}{path}", e.base_url))
        .header(auth.0, auth.1);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("vendor request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn basic(token: &str) -> (&'static str, String) {
    use base64::Engine;
    let creds = base64::engine::general_purpose::STANDARD.encode(format!("switchboard:{token}"));
    ("Authorization", format!("Basic {creds}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoprenter_webhooks_are_managed_in_shoprenter_words() {
    let e = start_guarded(Profile::Shoprenter).await;
    let token = format!("switchboard:{}", e.token);
    e.connect_as("shoprenter", None, &token).await;
    e.wait_text("[data-testid=connected-api]", "Shoprenter")
        .await;
    e.navigate("/webhooks").await;
    e.find("[data-testid=webhooks-empty]").await;

    // Create with every member the seed documents: label, event, status, two parameters
    // (one JSON, one XML) and a delay in days.
    e.navigate("/webhooks/new").await;
    e.wait_text("label[for=wh-name]", "Label").await;
    assert!(
        !e.exists("[data-testid=wh-retry_count]").await,
        "no member Shoprenter lacks"
    );
    e.fill("[data-testid=wh-name]", "test webhook").await;
    e.fill("[data-testid=wh-url]", "http://shop.example.com/hook")
        .await;
    press(&e, "[data-testid=wh-target-add]").await;
    e.fill(
        "[data-testid=wh-targets-0--url]",
        "http://erp.example.com/in",
    )
    .await;
    choose(&e, "[data-testid=wh-targets-0--url-format]", "xml").await;
    press(&e, "input[data-event=\"order_confirm\"]").await;
    press(&e, "input[data-event=\"order_status_change\"]").await;
    press(&e, "[data-testid=wh-delay-enabled]").await;
    e.fill("[data-testid=wh-delay-amount]", "10").await;
    choose(&e, "[data-testid=wh-delay-unit]", "day").await;
    e.wait_text("label[for=wh-delay-unit]", "Delay unit").await;
    e.wait_text("[data-testid=wh-delay-unit]", "hour").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "test webhook")
        .await;
    e.wait_text("[data-testid=active-badge]", "Enabled").await;
    e.wait_text(
        "[data-testid=detail-targets]",
        "XML · http://erp.example.com/in",
    )
    .await;
    // One event: the second choice replaced the first.
    e.wait_text("[data-testid=detail-events]", "order_status_change")
        .await;
    let id = current_id(&e).await;

    // What Shoprenter itself now holds.
    let (status, item) = vendor(
        &e,
        reqwest::Method::GET,
        &format!("/api/webHooks/{id}"),
        basic(&e.token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["label"], "test webhook");
    assert_eq!(item["event"], "order_status_change");
    assert_eq!(item["status"], 1);
    assert_eq!(
        item["webHookParameters"],
        json!([{"type": "json", "url": "http://shop.example.com/hook"}, {"type": "xml", "url": "http://erp.example.com/in"}])
    );
    assert_eq!(
        item["webHookDelay"],
        json!([{"delay": 10, "delayUnit": "day"}])
    );

    // Switch off (status 0), then edit the label.
    press(&e, "[data-testid=detail-toggle]").await;
    e.wait_text("[data-testid=active-badge]", "Disabled").await;
    press(&e, "[data-testid=detail-edit]").await;
    e.fill("[data-testid=wh-name]", "ERP sync").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "ERP sync").await;

    // The list heads its columns in Shoprenter's words.
    e.navigate("/webhooks").await;
    e.find("[data-testid=webhooks-table] thead").await;
    let heads = e
        .js("return document.querySelector('[data-testid=webhooks-table] thead').textContent;")
        .await;
    assert!(heads.to_string().contains("Label"), "{heads}");
    // The newsletter payload Shoprenter documents, read from the documentation the console
    // ships (Shoprenter's API serves no catalogue).
    e.navigate("/event-types/newsletter_subscribe").await;
    e.wait_text("[data-testid=event-fields]", "subscriber_email")
        .await;
    e.navigate(&format!("/webhooks/{id}")).await;
    e.wait_text("[data-testid=webhook-name]", "ERP sync").await;

    // Delete.
    press(&e, "[data-testid=detail-delete]").await;
    press(&e, "dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=webhooks-empty]").await;

    // A URL on a private address: Shoprenter's error, at the URL field, input kept.
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-name]", "broken").await;
    e.fill("[data-testid=wh-url]", "http://127.0.0.1/hook")
        .await;
    press(&e, "input[data-event=\"order_confirm\"]").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=wh-url-error]").await;
    assert_eq!(
        e.value("[data-testid=wh-url]").await,
        "http://127.0.0.1/hook",
    );
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputrocks_channels_are_forms_from_their_schemas() {
    let e = start(Profile::Outputrocks).await;
    e.connect_as("outputrocks", None, &e.token.clone()).await;
    e.navigate("/webhooks/new").await;
    e.wait_text("label[for=wh-name]", "Identifier").await;
    assert!(
        !e.exists("[data-testid=wh-url]").await,
        "no URL: the type decides"
    );

    // The seed's own example, member for member.
    choose(&e, "[data-testid=wh-type]", "sftp-document").await;
    e.fill("[data-testid=wh-name]", "my-webhook").await;
    e.fill("[data-testid=wh-data-host]", "sftp.example.com")
        .await;
    e.fill("[data-testid=wh-data-user]", "sftp-user").await;
    e.fill("[data-testid=wh-data-password]", "sftp-password")
        .await;
    e.fill(
        "[data-testid=wh-data-directory]",
        "sftp-directory/sub-directory",
    )
    .await;
    e.fill("[data-testid=wh-data-port]", "22").await;
    e.fill("[data-testid=wh-priority]", "1").await;
    e.js("const i = document.querySelector('[data-testid=wh-active-from]'); i.value = '2024-01-01'; i.dispatchEvent(new Event('input', {bubbles: true}));")
        .await;
    press(&e, "[data-testid=wh-filter-enabled]").await;
    e.fill("[data-testid=wh-filter-group]", "my_group").await;
    e.fill(
        "[data-testid=wh-filter-condition]",
        "data['contract']['balance'] > 0",
    )
    .await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "my-webhook")
        .await;
    e.wait_text("[data-testid=detail-type]", "sftp-document")
        .await;
    let data = e
        .wait_text("[data-testid=detail-data]", "sftp.example.com")
        .await;
    assert!(!data.contains("sftp-password"), "write-only: {data}");
    assert!(data.contains("write-only: never shown"), "{data}");
    e.wait_text("[data-testid=detail-filter]", "my_group").await;
    let id = current_id(&e).await;
    assert!(id.parse::<u64>().is_ok(), "integer id: {id}");

    let auth = ("X-AUTH-TOKEN", e.token.clone());
    let (status, item) = vendor(
        &e,
        reqwest::Method::GET,
        &format!("/api/spa/webhooks/{id}"),
        auth.clone(),
        None,
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["activeFrom"], "2024-01-01");
    assert_eq!(item["priority"], 1);
    assert_eq!(item["groupCondition"], "data['contract']['balance'] > 0");
    assert!(item["data"].get("password").is_none(), "{item}");

    // Edit (a merge patch): the priority changes, the stored password stays.
    press(&e, "[data-testid=detail-edit]").await;
    e.fill("[data-testid=wh-priority]", "5").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=settings-card]", "5").await;
    press(&e, "[data-testid=detail-toggle]").await;
    e.wait_text("[data-testid=active-badge]", "Inactive").await;

    press(&e, "[data-testid=detail-delete]").await;
    press(&e, "dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=webhooks-empty]").await;

    // An EKP that is not ten digits: refused at the member (the form and the server share
    // the schema rule, pattern included).
    e.navigate("/webhooks/new").await;
    choose(&e, "[data-testid=wh-type]", "epostbusiness-document").await;
    e.fill("[data-testid=wh-name]", "letters").await;
    e.fill("[data-testid=wh-data-vendorId]", "V-1").await;
    e.fill("[data-testid=wh-data-ekp]", "abcdefghij").await;
    e.fill("[data-testid=wh-data-password]", "pw").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=wh-data-ekp-error]").await;
    assert_eq!(e.value("[data-testid=wh-data-ekp]").await, "abcdefghij");
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apiplatform_registrations_are_made_and_deactivated() {
    let e = start_guarded(Profile::Apiplatform).await;
    e.connect_as("apiplatform", None, &e.token.clone()).await;
    e.navigate("/webhooks/new").await;
    e.wait_text("label[for=wh-url]", "Target URL").await;
    assert!(!e.exists("[data-testid=wh-name]").await, "no name member");
    assert!(
        !e.exists("[data-testid=auth-kind-bearer]").await,
        "only the platform's auth types"
    );
    // The auth types in the platform's own words.
    e.wait_text("label[for=auth-kind-none]", "noauth").await;
    e.wait_text(
        "label[for=auth-kind-client_credentials]",
        "client_credential",
    )
    .await;

    e.fill("[data-testid=wh-url]", "https://partner.example.com/notify")
        .await;
    press(&e, "[data-testid=auth-kind-basic]").await;
    e.fill("[data-testid=wh-auth-username]", "USERNAME").await;
    e.fill("[data-testid=wh-auth-password]", "PASSWORD").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text(
        "[data-testid=webhook-url]",
        "https://partner.example.com/notify",
    )
    .await;
    e.wait_text("[data-testid=active-badge]", "active").await;
    let auth = e.wait_text("[data-testid=detail-auth]", "USERNAME").await;
    assert!(!auth.contains("PASSWORD"), "{auth}");
    let id = current_id(&e).await;
    assert_eq!(id.len(), 36, "a UUID: {id}");

    press(&e, "[data-testid=detail-toggle]").await;
    e.wait_text("[data-testid=active-badge]", "deactivated")
        .await;
    assert!(
        !e.exists("[data-testid=detail-toggle]").await,
        "no documented way back"
    );
    let (_, item) = vendor(
        &e,
        reqwest::Method::GET,
        &format!("/api/notifications/v1/webhooks/{id}"),
        ("Authorization", format!("Bearer {}", e.token)),
        None,
    )
    .await;
    assert_eq!(item["status"], "deactivated", "{item}");

    press(&e, "[data-testid=detail-delete]").await;
    press(&e, "dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=webhooks-empty]").await;

    // A target on a private address: the platform's problem+json, at the field.
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-url]", "https://127.0.0.1/notify")
        .await;
    press(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=wh-url-error]").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plandocket_lists_are_filtered_here_and_a_create_is_read_back() {
    let e = start_guarded(Profile::Plandocket).await;
    e.connect_as("plandocket", None, &e.token.clone()).await;
    e.navigate("/webhooks/new").await;
    assert!(
        !e.exists("[data-testid=wh-priority]").await,
        "only plandocket's members"
    );
    // `name` is optional in plandocket: left empty, the backend names it.
    e.fill(
        "[data-testid=wh-url]",
        "https://hooks.example.com/plandocket",
    )
    .await;
    press(&e, "input[data-event=\"order_confirm\"]").await;
    press(&e, "[data-testid=header-add]").await;
    e.fill("[data-testid=header-name]", "X-Tenant").await;
    e.fill("[data-testid=header-value]", "acme").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "hooks.example.com")
        .await;
    // The header comes back named, its value write-only as the reference server keeps it.
    e.wait_text("[data-testid=detail-headers]", "X-Tenant")
        .await;
    assert!(
        !e.text("[data-testid=detail-headers]")
            .await
            .contains("acme"),
        "a header value shown on the page"
    );
    e.find("[data-testid=secret-card]").await;
    assert!(
        !e.exists("[data-testid=detail-edit]").await,
        "no update in plandocket"
    );
    let id = current_id(&e).await;
    assert!(id.parse::<u64>().is_ok(), "integer id: {id}");

    // Filters plandocket lacks are applied here, and the page says so.
    e.navigate("/webhooks?active=false").await;
    e.find("[data-testid=local-filter-note]").await;
    e.find("[data-testid=webhooks-no-match]").await;
    e.navigate("/webhooks?q=hooks.example").await;
    e.wait_text("[data-testid=webhook-row]", "hooks.example.com")
        .await;

    // Delete, then a target on a private address: plandocket's refusal at the URL field.
    e.navigate(&format!("/webhooks/{id}")).await;
    press(&e, "[data-testid=detail-delete]").await;
    press(&e, "dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=webhooks-empty]").await;
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-url]", "https://127.0.0.1/hook")
        .await;
    press(&e, "input[data-event=\"order_confirm\"]").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=wh-url-error]").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_on_another_origin_is_reached_through_forwarding() {
    // The vendor: Output.Rocks on its own origin, no CORS, no console.
    let dir = tempfile::tempdir().unwrap();
    let mut vendor_config =
        switchboard_server::Config::new(dir.path().join("vendor.db"), "vendor-token-0123456789");
    vendor_config.profile = Profile::Outputrocks;
    let vendor_server = switchboard_server::spawn(vendor_config).await.unwrap();
    let upstream = vendor_server.base_url();

    let up = upstream.clone();
    let e = E2e::start_with(Options {
        adjust: Some(Arc::new(move |c| {
            c.upstreams = vec![("rocks".into(), up.parse().unwrap())];
        })),
        ..Options::default()
    })
    .await;
    let via = format!("{}/upstream/rocks", e.base_url);
    e.connect_as("outputrocks", Some(&via), "vendor-token-0123456789")
        .await;
    e.wait_text("[data-testid=transport]", "forwarded").await;
    e.navigate("/webhooks/new").await;
    choose(&e, "[data-testid=wh-type]", "binect-email").await;
    e.fill("[data-testid=wh-name]", "mail-out").await;
    e.fill("[data-testid=wh-data-username]", "binect").await;
    e.fill("[data-testid=wh-data-password]", "secret").await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "mail-out").await;

    // It lives on the vendor.
    let listed: Value = reqwest::Client::new()
        .get(format!("{upstream}/api/spa/webhooks"))
        .header("X-AUTH-TOKEN", "vendor-token-0123456789")
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["identifier"], "mail-out", "{listed}");
    e.finish().await;
    vendor_server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_allowing_the_console_is_called_directly_and_one_refusing_it_is_named() {
    // The console's origin is known once its server runs: reserve a port first.
    let console_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let console_origin = format!("http://127.0.0.1:{console_port}");
    let dir = tempfile::tempdir().unwrap();
    let start_vendor = |cors: Vec<String>, name: &str| {
        let mut c = switchboard_server::Config::new(
            dir.path().join(format!("{name}.db")),
            "vendor-token-0123456789",
        );
        c.profile = Profile::Apiplatform;
        c.allow_private_targets = true;
        c.cors_origins = cors;
        switchboard_server::spawn(c)
    };
    let open = start_vendor(vec![console_origin.clone()], "open")
        .await
        .unwrap();
    let closed = start_vendor(Vec::new(), "closed").await.unwrap();
    let (open_url, closed_url) = (open.base_url(), closed.base_url());

    let connect_src = vec![open_url.clone(), closed_url.clone()];
    let e = E2e::start_with(Options {
        adjust: Some(Arc::new(move |c| {
            c.listen = ([127, 0, 0, 1], console_port).into();
            c.extra_connect_src = connect_src.clone();
        })),
        ..Options::default()
    })
    .await;
    assert_eq!(e.base_url, console_origin);

    e.connect_as("apiplatform", Some(&open_url), "vendor-token-0123456789")
        .await;
    e.wait_text("[data-testid=transport]", "directly").await;
    e.navigate("/webhooks/new").await;
    e.fill("[data-testid=wh-url]", "http://127.0.0.1:9/direct")
        .await;
    press(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-url]", "http://127.0.0.1:9/direct")
        .await;

    // The vendor without CORS: the browser withholds its answer, and Settings says so
    // instead of "cannot reach".
    e.open("/settings").await;
    choose(&e, "[data-testid=api-select]", "apiplatform").await;
    e.fill("[data-testid=base-url]", &closed_url).await;
    e.connect_here("vendor-token-0123456789").await;
    let error = e.wait_text("[data-testid=connection-error]", "CORS").await;
    assert!(!error.contains("Cannot reach"), "{error}");
    e.finish().await;
    open.shutdown().await;
    closed.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_api_is_recognised_from_its_answers_and_a_link_can_name_it() {
    let e = start(Profile::Outputrocks).await;
    // Connecting as if it spoke Switchboard's API fails, and Settings offers the match.
    e.open("/settings").await;
    e.connect_here(&e.token.clone()).await;
    e.wait_text("[data-testid=dialect-suggestion]", "Output.Rocks")
        .await;
    press(&e, "[data-testid=use-suggestion]").await;
    assert_eq!(e.value("[data-testid=api-select]").await, "outputrocks");
    e.click("[data-testid=connect]").await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    e.wait_text("[data-testid=connected-api]", "Output.Rocks")
        .await;

    // A link can name the API: the choice is made when Settings opens.
    e.open("/settings?api=shoprenter&base_path=/shop-api").await;
    assert_eq!(e.value("[data-testid=api-select]").await, "shoprenter");
    assert_eq!(e.value("[data-testid=base-path]").await, "/shop-api");
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostwares_status_answer_shows_its_additional_data_as_data() {
    use crate::fault_proxy::{start_receiver, ReceiverScript};
    // The hosting module's endpoint: its status answer carries `additional` as an array.
    let receiver = start_receiver(ReceiverScript {
        status: 200,
        content_type: "application/json".into(),
        body: json!({"message": "Hosting created"}).to_string(),
        headers: Vec::new(),
        status_json: json!({"statusString": "Online", "badgeColor": "success",
            "additional": ["3 sites", {"diskUsage": "41%"}]}),
        overview_json: json!({"html": "<p>Overview</p>"}),
    })
    .await;
    let e = start(Profile::Full).await;
    let (status, made) = e
        .api(
            reqwest::Method::POST,
            "/webhooks",
            Some(
                json!({"name": "Hosting provisioner", "url": format!("{receiver}/hosting"),
                "events": ["create", "lock", "unlock", "delete"],
                "auth": {"type": "bearer", "token": "hosting-token"}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    e.connect_and_open(&format!(
        "/webhooks/{}",
        made["data"]["id"].as_str().unwrap()
    ))
    .await;
    e.wait_text("[data-testid=endpoint-status]", "Online").await;
    let items = e
        .find_all("[data-testid=endpoint-status-additional] li")
        .await;
    assert_eq!(items.len(), 2, "one entry per item, not one string");
    e.wait_text("[data-testid=endpoint-status-additional]", "3 sites")
        .await;
    e.wait_text("[data-testid=endpoint-status-additional]", "diskUsage")
        .await;
    e.finish().await;
}
