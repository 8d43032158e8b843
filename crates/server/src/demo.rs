//! Demo mode: built-in receivers (healthy, flaky, slow; a "down" endpoint is a closed port),
//! a shop's worth of seeded webhooks pointing at them, a day of history, and a live event
//! generator, so the console has something real to show out of the box.

use crate::engine::{signature, Engine};
use crate::ids::{new_id, now_ms};
use crate::store::deliveries::{self, AttemptRecord, Next, State, StoredDelivery};
use crate::store::webhooks::{self, StoredWebhook};
use crate::store::{Store, StoreError};
use crate::Profile;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Json, Router};
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use switchboard_api::{
    AttemptRequest, AttemptResponse, Auth, Delay, DelayUnit, Filter, Format, WebhookInput,
};

/// Who the seeded webhooks say created them; also how a restart recognises them.
const DEMO_AUTHOR: &str = "demo@switchboard.local";
/// Credentials the demo token endpoint accepts.
const DEMO_CLIENT_ID: &str = "switchboard-demo";
const DEMO_CLIENT_SECRET: &str = "demo-client-secret";
/// A loopback port nothing listens on: the "down" endpoint.
const DOWN_URL: &str = "http://127.0.0.1:1/fulfilment/webhook";

/// The receivers take no state, so they fit whatever router nests them.
pub fn receiver_routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/receivers/{kind}", any(receiver))
        .route("/receivers/{kind}/{*rest}", any(receiver_nested))
        .route("/oauth/token", post(token))
}

async fn receiver_nested(
    Path((kind, _rest)): Path<(String, String)>,
    query: Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    receiver(Path(kind), query, body).await
}

/// The demo endpoints. Each also answers hostware's `?query=status` and `?query=overview`.
async fn receiver(
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    match query.get("query").map(String::as_str) {
        Some("status") => return probe_status(&kind).into_response(),
        Some("overview") => return probe_overview(&kind).into_response(),
        _ => {}
    }
    let summary = summarise(&body);
    match kind.as_str() {
        "healthy" => Json(json!({"message": format!("Accepted: {summary}")})).into_response(),
        "flaky" => {
            if rand::thread_rng().gen_bool(0.3) {
                let code = rand::thread_rng().gen_range(100..999);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"message": format!("CRM sync queue is full, try again later (E{code})")})),
                )
                    .into_response()
            } else {
                Json(json!({"message": format!("Synced to CRM: {summary}")})).into_response()
            }
        }
        "slow" => {
            // Longer than the webhook's timeout, so the attempt records a timeout.
            tokio::time::sleep(Duration::from_secs(6)).await;
            Json(json!({"message": "printed label, eventually"})).into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"message": "no such demo receiver"})),
        )
            .into_response(),
    }
}

/// A few words about a payload for the receiver's `message`.
fn summarise(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if let Some(o) = v.pointer("/orders/order/0") {
        return format!(
            "order #{} ({} {})",
            o["innerId"].as_str().unwrap_or("?"),
            o["totalGross"].as_str().unwrap_or("?"),
            o["currency"].as_str().unwrap_or("")
        );
    }
    if let Some(s) = v.pointer("/newsletter/subscriber/0") {
        return format!("subscriber {}", s["email"].as_str().unwrap_or("?"));
    }
    if let Some(e) = v.get("event").and_then(Value::as_str) {
        let domain = v
            .pointer("/productHosting/domain")
            .and_then(Value::as_str)
            .unwrap_or("?");
        return format!("{e} {domain}");
    }
    if let Some(p) = v.get("purchaseId").and_then(Value::as_str) {
        return format!("purchase {p}");
    }
    if body.starts_with(b"<?xml") {
        return format!("XML document of {} bytes", body.len());
    }
    "event".into()
}

fn probe_status(kind: &str) -> Json<Value> {
    Json(match kind {
        "healthy" => json!({"statusString": "Online", "badgeColor": "success",
            "additional": {"sites": 3, "diskUsage": "41%", "phpVersion": "8.3"}}),
        "flaky" => json!({"statusString": "Degraded", "badgeColor": "warning",
            "additional": "Sync queue at 87% capacity"}),
        _ => json!({}),
    })
}

fn probe_overview(kind: &str) -> Json<Value> {
    Json(match kind {
        "healthy" => json!({"html": "<h4>Webhosting M</h4><ul><li>3 sites, 41% of 25 GB used</li>\
            <li>PHP 8.3, Let's Encrypt certificate valid until 2025-03-02</li></ul>\
            <p><a href=\"https://status.example.com\">Provider status page</a></p>\
            <script>alert('the console must not run this')</script>"}),
        _ => json!({}),
    })
}

/// OAuth2 client-credentials token endpoint for the demo's client_credentials webhook.
async fn token(headers: HeaderMap, body: String) -> Response {
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD
        .encode(format!("{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}"));
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {expected}"));
    if !authorised || !body.contains("grant_type=client_credentials") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let t: [u8; 16] = rand::thread_rng().gen();
    let token: String = t.iter().map(|b| format!("{b:02x}")).collect();
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 300})).into_response()
}

struct Seed {
    name: &'static str,
    description: &'static str,
    path: &'static str,
    events: &'static [&'static str],
    input: WebhookInput,
}

fn seeds(base: &str) -> Vec<Seed> {
    let d = WebhookInput::default;
    let headers = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    vec![
        Seed {
            name: "ERP order sync",
            description: "Pushes every new and changed order to the Odoo ERP.",
            path: "/demo/receivers/healthy/erp/orders",
            events: &["order_confirm", "order_status_change"],
            input: WebhookInput {
                headers: headers(&[("X-Shop-Id", "kaffee-berger"), ("X-Source", "webshop")]),
                auth: Auth::Bearer {
                    token: Some("erp-live-3f9a8c21d7e4".into()),
                },
                retry_count: 5,
                timeout_seconds: 10,
                priority: 10,
                ..d()
            },
        },
        Seed {
            name: "Invoicing (XML)",
            description: "Sends confirmed orders to the invoicing system, which only reads XML.",
            path: "/demo/receivers/healthy/invoices",
            events: &["order_confirm"],
            input: WebhookInput {
                format: Format::Xml,
                auth: Auth::Basic {
                    username: "billing-bridge".into(),
                    password: Some("Vx7!billing-2024".into()),
                },
                priority: 5,
                ..d()
            },
        },
        Seed {
            name: "Newsletter CRM",
            description: "Keeps the CRM's mailing list in step with newsletter sign-ups.",
            path: "/demo/receivers/flaky/crm/newsletter",
            events: &[
                "newsletter_subscribe",
                "newsletter_unsubscribe",
                "newsletter_update_subscriber",
            ],
            input: WebhookInput {
                auth: Auth::Header {
                    name: "X-AUTH-TOKEN".into(),
                    value: Some("crm-7d1e0b5a9c".into()),
                },
                retry_count: 4,
                timeout_seconds: 15,
                ..d()
            },
        },
        Seed {
            name: "Hosting provisioner",
            description: "Provisions, locks, unlocks and removes hosting packages.",
            path: "/demo/receivers/healthy/hosting",
            events: &["create", "lock", "unlock", "delete"],
            input: WebhookInput {
                auth: Auth::Bearer {
                    token: Some("hw-provisioning-91b2".into()),
                },
                timeout_seconds: 20,
                ..d()
            },
        },
        Seed {
            name: "Warehouse label printer",
            description: "Prints shipping labels in the warehouse; the print server is slow.",
            path: "/demo/receivers/slow/labels",
            events: &["order_confirm"],
            input: WebhookInput {
                retry_count: 2,
                timeout_seconds: 2,
                headers: headers(&[("X-Printer", "zebra-zt410-hall-2")]),
                ..d()
            },
        },
        Seed {
            name: "Legacy fulfilment",
            description: "Old fulfilment partner; its endpoint has been switched off.",
            path: "",
            events: &["order_status_change"],
            input: WebhookInput {
                retry_count: 2,
                ..d()
            },
        },
        Seed {
            name: "Purchase notifications",
            description: "Tells the data team when a catalogue purchase has been delivered.",
            path: "/demo/receivers/healthy/purchases",
            events: &["delivery.completed"],
            input: WebhookInput {
                auth: Auth::ClientCredentials {
                    client_id: DEMO_CLIENT_ID.into(),
                    client_secret: Some(DEMO_CLIENT_SECRET.into()),
                    token_url: format!("{base}/demo/oauth/token"),
                },
                ..d()
            },
        },
        Seed {
            name: "Big-order alerts",
            description: "Pings the sales channel about orders over 20 000 HUF.",
            path: "/demo/receivers/healthy/alerts",
            events: &["order_confirm"],
            input: WebhookInput {
                filter: Some(Filter {
                    group: Some("big_orders".into()),
                    condition: "double(orders.order[0].totalGross) > 20000.0".into(),
                }),
                priority: 1,
                ..d()
            },
        },
        Seed {
            name: "Weekly digest",
            description: "Welcome mail a day after sign-up; paused while the copy is rewritten.",
            path: "/demo/receivers/healthy/digest",
            events: &["newsletter_subscribe"],
            input: WebhookInput {
                is_active: false,
                delay: Some(Delay {
                    amount: 1,
                    unit: DelayUnit::Day,
                }),
                ..d()
            },
        },
    ]
}

/// Seeds on first start (and points the demo webhooks at this run's address on later ones),
/// then starts the event generator.
pub async fn start(
    store: &Store,
    engine: &Engine,
    profile: Profile,
    base: &str,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let base = base
        .replace("0.0.0.0", "127.0.0.1")
        .replace("[::]", "[::1]");
    let seeds = seeds(&base);
    let urls: Vec<(String, String)> = seeds
        .iter()
        .map(|s| {
            (
                s.name.to_string(),
                if s.path.is_empty() {
                    DOWN_URL.to_string()
                } else {
                    format!("{base}{}", s.path)
                },
            )
        })
        .collect();
    let token_url = format!("{base}/demo/oauth/token");
    let channels = profile == Profile::Outputrocks;
    store
        .call(move |c| {
            if crate::store::demo::seeded(c, DEMO_AUTHOR)? {
                crate::store::demo::repoint(c, DEMO_AUTHOR, &urls, &token_url)
            } else {
                seed(c, seeds, &urls)?;
                if channels {
                    seed_channels(c)?;
                }
                Ok(())
            }
        })
        .await
        .map_err(|e| e.to_string())?;

    let engine = engine.clone();
    let generator = tokio::spawn(async move {
        let mut n: u32 = 0;
        loop {
            let wait = Duration::from_millis(rand::thread_rng().gen_range(2500..5000));
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                _ = tokio::time::sleep(wait) => {}
            }
            n += 1;
            let (event_type, payload) = random_event(n);
            if let Err(e) = engine.emit(event_type.to_string(), payload).await {
                tracing::warn!("demo event not emitted: {e}");
            }
        }
    });
    Ok(vec![generator])
}

fn seed(
    c: &mut rusqlite::Connection,
    seeds: Vec<Seed>,
    urls: &[(String, String)],
) -> Result<(), StoreError> {
    let tx = c.transaction()?;
    let now = now_ms();
    let day = 24 * 3600 * 1000;
    for (i, (s, (_, url))) in seeds.into_iter().zip(urls).enumerate() {
        let mut input = s.input;
        input.name = s.name.into();
        input.description = Some(s.description.into());
        input.url = url.clone();
        input.events = s.events.iter().map(|e| e.to_string()).collect();
        // Staggered creation times make the list look like it grew over a few weeks.
        let created = now - (30 - i as i64 * 3) * day;
        let mut w = StoredWebhook::from_input(
            new_id("wh"),
            input,
            signature::new_secret(),
            created,
            Some(DEMO_AUTHOR.into()),
        );
        w.seq = webhooks::insert(&tx, &w)?;
        if w.is_active {
            history(&tx, &w, s.path, now)?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Output.Rocks' own channels, so its profile's demo has something of its kind to show: the
/// seed's SFTP example and two more. They are stored and validated, never delivered here.
fn seed_channels(c: &mut rusqlite::Connection) -> Result<(), StoreError> {
    let tx = c.transaction()?;
    let now = now_ms();
    let channels = [
        (
            "my-webhook",
            "sftp-document",
            1,
            serde_json::json!({"host": "sftp.example.com", "user": "sftp-user",
                "password": "sftp-password", "directory": "sftp-directory/sub-directory", "port": 22}),
            Some(("my_group", "data['contract']['balance'] > 0")),
        ),
        (
            "invoice-mail",
            "binect-email",
            2,
            serde_json::json!({"username": "kaffee-berger", "password": "binect-demo-secret"}),
            None,
        ),
        (
            "dunning-letters",
            "epostbusiness-document",
            3,
            serde_json::json!({"vendorId": "KB-4711", "ekp": "1234567890", "password": "epost-demo"}),
            None,
        ),
    ];
    for (i, (name, kind, priority, data, group)) in channels.into_iter().enumerate() {
        let input = WebhookInput {
            kind: kind.into(),
            data: Some(data),
            name: name.into(),
            priority,
            events: Vec::new(),
            filter: group.map(|(g, condition)| switchboard_api::Filter {
                group: Some(g.into()),
                condition: condition.into(),
            }),
            ..WebhookInput::default()
        };
        let created = now - (10 - i as i64) * 24 * 3600 * 1000;
        let mut w = StoredWebhook::from_input(
            new_id("wh"),
            input,
            signature::new_secret(),
            created,
            Some(DEMO_AUTHOR.into()),
        );
        w.seq = webhooks::insert(&tx, &w)?;
    }
    tx.commit()?;
    Ok(())
}

/// A day of past deliveries with outcomes that fit each receiver, so charts and history have
/// something to show before the first live event.
fn history(
    tx: &rusqlite::Transaction,
    w: &StoredWebhook,
    path: &str,
    now: i64,
) -> Result<(), StoreError> {
    let mut rng = rand::thread_rng();
    let count = rng.gen_range(18..40);
    // Oldest first, so the webhook's last-* times and failure streak end up as a real run
    // would leave them.
    let mut times: Vec<i64> = (0..count)
        .map(|_| now - rng.gen_range(60_000..24 * 3600 * 1000))
        .collect();
    times.sort_unstable();
    for (k, at) in times.into_iter().enumerate() {
        let k = k as u32;
        let event_type = w.events.choose(&mut rng).cloned().unwrap_or_default();
        let (_, payload) = payload_for(&event_type, 1000 + k);
        let (status, error, message, duration): (Option<u16>, Option<&str>, String, i64) =
            if path.is_empty() {
                (
                    None,
                    Some("connect"),
                    "could not connect: connection refused".into(),
                    1,
                )
            } else if path.contains("/slow/") {
                (
                    None,
                    Some("timeout"),
                    "the endpoint did not answer within the timeout".into(),
                    2000,
                )
            } else if path.contains("/flaky/") && rng.gen_bool(0.3) {
                (
                    Some(500),
                    None,
                    "CRM sync queue is full, try again later (E503)".into(),
                    rng.gen_range(40..400),
                )
            } else {
                (Some(200), None, "Accepted".into(), rng.gen_range(20..180))
            };
        let ok = status == Some(200);
        let mut d = StoredDelivery {
            seq: 0,
            id: new_id("msg"),
            webhook_id: w.id.clone(),
            event_id: Some(new_id("evt")),
            event_type: event_type.clone(),
            payload: payload.clone(),
            state: State::Queued,
            attempt_count: 0,
            retries_left: 0,
            priority: w.priority,
            next_attempt_at: Some(at),
            last_attempt_at: None,
            response_status: None,
            created_at: at,
            target_url: None,
        };
        d.seq = deliveries::insert(tx, &d)?;
        let (body, content_type) = crate::engine::send::body(w.format, &payload);
        let record = AttemptRecord {
            started_at: at,
            duration_ms: duration,
            succeeded: ok,
            request: AttemptRequest {
                url: w.url.clone(),
                method: "POST".into(),
                headers: vec![
                    ("content-type".into(), content_type.into()),
                    ("webhook-id".into(), d.id.clone()),
                    ("webhook-timestamp".into(), (at / 1000).to_string()),
                ],
                body: String::from_utf8_lossy(&body).into_owned(),
            },
            response: status.map(|s| AttemptResponse {
                status: s,
                headers: vec![("content-type".into(), "application/json".into())],
                body: json!({"message": message}).to_string(),
                truncated: false,
            }),
            error: error.map(str::to_string),
            message: status.map(|_| message.clone()),
        };
        let next = if ok { Next::Succeeded } else { Next::Failed };
        deliveries::record_attempt_in(tx, &d, &record, next)?;
    }
    Ok(())
}

const FIRST: &[&str] = &[
    "Anna", "Bence", "Csilla", "Dávid", "Eszter", "Lukas", "Marie", "Jonas", "Sofia", "Péter",
];
const LAST: &[&str] = &[
    "Kovács", "Nagy", "Szabó", "Tóth", "Berger", "Schmidt", "Weber", "Horváth", "Fischer",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Debrecen", "Hajdú-Bihar", "4033"),
    ("Budapest", "Budapest", "1061"),
    ("Szeged", "Csongrád-Csanád", "6720"),
    ("Győr", "Győr-Moson-Sopron", "9021"),
];
const PRODUCTS: &[(&str, &str, u32)] = &[
    ("30 Multi-Colored Tulips", "996000004", 945),
    ("Ethiopia Yirgacheffe 500 g", "KB-ETH-500", 6490),
    ("Espresso Blend 1 kg", "KB-ESP-1000", 9900),
    ("Pour-over Kettle", "KB-KET-01", 18900),
    ("Ceramic Dripper V60", "KB-V60-02", 5490),
];
const STATUSES: &[(&str, &str)] = &[
    ("1", "Függőben lévő"),
    ("2", "Feldolgozás alatt"),
    ("3", "Szállítás alatt"),
    ("5", "Teljesítve"),
];

/// A catalogue event with a believable, varied payload.
fn random_event(n: u32) -> (&'static str, Value) {
    let types = [
        ("order_confirm", 30),
        ("order_status_change", 20),
        ("newsletter_subscribe", 12),
        ("newsletter_unsubscribe", 4),
        ("newsletter_update_subscriber", 4),
        ("create", 6),
        ("lock", 3),
        ("unlock", 3),
        ("delete", 2),
        ("delivery.completed", 6),
    ];
    let total: u32 = types.iter().map(|t| t.1).sum();
    let mut pick = rand::thread_rng().gen_range(0..total);
    let mut chosen = types[0].0;
    for (t, w) in types {
        if pick < w {
            chosen = t;
            break;
        }
        pick -= w;
    }
    payload_for(chosen, 2000 + n)
}

fn payload_for(event_type: &str, n: u32) -> (&'static str, Value) {
    let mut rng = rand::thread_rng();
    let first = *FIRST.choose(&mut rng).unwrap_or(&"Anna");
    let last = *LAST.choose(&mut rng).unwrap_or(&"Nagy");
    let email = format!(
        "{}.{}@example.com",
        ascii(first).to_lowercase(),
        ascii(last).to_lowercase()
    );
    match event_type {
        "order_confirm" | "order_status_change" => {
            let (city, zone, postcode) = *CITIES.choose(&mut rng).unwrap_or(&CITIES[0]);
            let k = rng.gen_range(1..4);
            let lines: Vec<Value> = PRODUCTS
                .choose_multiple(&mut rng, k)
                .enumerate()
                .map(|(i, (name, sku, price))| {
                    json!({"innerId": format!("{}", 600 + i), "name": name, "sku": sku,
                        "price": price.to_string(), "currency": "HUF", "taxRate": "27.0000",
                        "quantity": rng.gen_range(1..4).to_string(), "category": "Kávé"})
                })
                .collect();
            let net: u32 = lines
                .iter()
                .map(|l| {
                    l["price"]
                        .as_str()
                        .unwrap_or("0")
                        .parse::<u32>()
                        .unwrap_or(0)
                        * l["quantity"]
                            .as_str()
                            .unwrap_or("1")
                            .parse::<u32>()
                            .unwrap_or(1)
                })
                .sum();
            let gross = net * 127 / 100 + 1006;
            let (status, status_text) = if event_type == "order_confirm" {
                STATUSES[0]
            } else {
                *STATUSES[1..].choose(&mut rng).unwrap_or(&STATUSES[1])
            };
            let t = if event_type == "order_confirm" {
                "order_confirm"
            } else {
                "order_status_change"
            };
            (
                t,
                json!({"orders": {"order": [{
                    "storeName": "kaffee-berger", "innerId": n.to_string(),
                    "firstname": first, "lastname": last, "email": email, "phone": "+36301234567",
                    "shippingFirstname": first, "shippingLastname": last, "shippingCity": city,
                    "shippingZoneName": zone, "shippingPostcode": postcode,
                    "shippingCountryName": "Magyarország", "shippingAddress1": "Kossuth utca 5",
                    "shippingMethodName": "Házhozszállítás futárszolgálattal", "shippingGrossPrice": "1006",
                    "paymentMethodName": "Utánvétel", "currency": "HUF", "languageCode": "hu",
                    "total": net.to_string(), "totalGross": gross.to_string(),
                    "taxPrice": (gross - net - 1006).to_string(),
                    "orderHistory": {"status": status, "statusText": status_text, "comment": ""},
                    "orderProducts": {"orderProduct": lines}
                }]}}),
            )
        }
        "newsletter_subscribe" | "newsletter_unsubscribe" | "newsletter_update_subscriber" => {
            let t = match event_type {
                "newsletter_subscribe" => "newsletter_subscribe",
                "newsletter_unsubscribe" => "newsletter_unsubscribe",
                _ => "newsletter_update_subscriber",
            };
            let hash: [u8; 16] = rng.gen();
            (
                t,
                json!({"newsletter": {"subscriber": [{
                    "id": n.to_string(), "firstname": first, "lastname": last, "email": email,
                    "phone": "+36201234567", "status": i32::from(t != "newsletter_unsubscribe"),
                    "language": "1", "hash": hash.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                    "subscribe_date": "2024-05-14 09:12:44"
                }]}}),
            )
        }
        "create" | "lock" | "unlock" | "delete" => {
            let t = match event_type {
                "create" => "create",
                "lock" => "lock",
                "unlock" => "unlock",
                _ => "delete",
            };
            let domain = format!("{}-{}.de", ascii(last).to_lowercase(), n % 97);
            let mut v = json!({"productHosting": {"id": 48000 + n, "domain": domain,
                "product": "Webhosting M", "status": if t == "lock" { "locked" } else { "active" },
                "customerId": 10000 + n % 500}, "event": t});
            if t == "create" {
                v["options"] = json!({"diskQuotaGb": "25", "phpVersion": "8.3", "mailboxes": "10"});
            }
            (t, v)
        }
        _ => {
            let id: [u8; 16] = rng.gen();
            let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
            let uuid = format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            );
            (
                "delivery.completed",
                json!({"eventType": "delivery.completed", "purchaseId": uuid,
                "productId": "dataset-weather-eu-2024", "status": "completed",
                "completedAt": switchboard_api::Timestamp::now().to_rfc3339(),
                "items": [{"sku": "WX-EU-2024", "quantity": 1,
                    "downloadUrl": format!("https://downloads.example.com/purchases/{}/WX-EU-2024.zip", &hex[..8])}]}),
            )
        }
    }
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' | 'ö' | 'ő' => 'o',
            'ú' | 'ü' | 'ű' => 'u',
            'Á' => 'A',
            'É' => 'E',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_payloads_are_catalogue_events() {
        let c = crate::catalogue::Catalogue::builtin();
        for n in 0..200 {
            let (t, p) = random_event(n);
            assert!(c.contains(t), "{t}");
            assert!(p.is_object());
        }
        let (_, order) = payload_for("order_confirm", 7);
        assert_eq!(order["orders"]["order"][0]["innerId"], "7");
        assert!(
            crate::engine::filter::check("double(orders.order[0].totalGross) > 20000.0").is_ok()
        );
    }
}
