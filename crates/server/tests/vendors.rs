//! The vendor profiles over real HTTP: each vendor's own example body creates a webhook, which
//! is listed, read, changed, refused when bad and deleted in that vendor's shapes, behind that
//! vendor's auth; Shoprenter and API platform webhooks are really delivered.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{eventually, Receiver, TestServer, TOKEN};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use switchboard_server::Profile;

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn content_type(&self) -> String {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

/// One request with exactly these headers (no credentials unless they are among them).
async fn send(
    s: &TestServer,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut req = s.client.request(method, format!("{}{path}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let res = req.send().await.expect("request sent");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn is_utc(s: &Value, suffix: &str) -> bool {
    let s = s.as_str().unwrap_or_default();
    let Some(stamp) = s.strip_suffix(suffix) else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

// --- Shoprenter -----------------------------------------------------------------------------

/// The POST example of Shoprenter's documentation, byte for byte.
const SHOPRENTER_EXAMPLE: &str = switchboard_api::seed_examples::SHOPRENTER_CREATE;

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

async fn shoprenter(s: &TestServer, method: Method, path: &str, body: Option<&str>) -> Answer {
    let auth = basic("switchboard", TOKEN);
    let mut headers = vec![("authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    send(s, method, &format!("/api{path}"), &headers, body).await
}

#[tokio::test]
async fn shoprenter_speaks_its_resource_api() {
    let s = TestServer::profile(Profile::Shoprenter).await;

    let created = shoprenter(&s, Method::POST, "/webHooks", Some(SHOPRENTER_EXAMPLE)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let item = created.body;
    let id = item["id"].as_str().unwrap().to_string();
    assert_eq!(id, "d2ViSG9vay13ZWJob29rX2lkPTE=");
    assert_eq!(
        item["href"],
        format!("{}/api/webHooks/{id}", s.base).as_str()
    );
    assert_eq!(item["label"], "test webhook");
    assert_eq!(item["event"], "order_confirm");
    assert_eq!(item["status"], 1);
    assert_eq!(
        item["webHookParameters"],
        json!([{"type": "json", "url": "http://shoprenter.hu"}])
    );
    assert_eq!(
        item["webHookDelay"],
        json!([{"delay": 10, "delayUnit": "day"}])
    );
    assert!(is_utc(&item["dateCreated"], ""), "{item}");
    assert!(is_utc(&item["dateUpdated"], ""), "{item}");

    let list = shoprenter(&s, Method::GET, "/webHooks?page=0&limit=25", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["items"], json!([{"href": item["href"]}]));
    assert_eq!(list.body["page"], 0);
    assert_eq!(list.body["limit"], 25);
    assert_eq!(list.body["pageCount"], 1);
    assert_eq!(list.body["previous"], Value::Null);
    assert_eq!(list.body["next"], Value::Null);
    assert!(list.body["first"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/api/webHooks?page=0&limit=25"));
    let full = shoprenter(&s, Method::GET, "/webHooks?page=0&limit=25&full=1", None).await;
    assert_eq!(full.body["items"], json!([item]));
    let bad_page = shoprenter(&s, Method::GET, "/webHooks?limit=0", None).await;
    assert_eq!(bad_page.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_page.body["errors"]["limit"].is_string(),
        "{}",
        bad_page.body
    );

    let one = shoprenter(&s, Method::GET, &format!("/webHooks/{id}"), None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body, item);

    // PUT changes only the members it carries.
    let put = shoprenter(
        &s,
        Method::PUT,
        &format!("/webHooks/{id}"),
        Some(r#"{"label": "paused webhook", "status": 0, "webHookDelay": []}"#),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["label"], "paused webhook");
    assert_eq!(put.body["status"], 0);
    assert_eq!(put.body["webHookDelay"], json!([]));
    assert_eq!(put.body["event"], "order_confirm");
    assert_eq!(put.body["webHookParameters"], item["webHookParameters"]);

    // Bad members are named by their paths, in Shoprenter's error shape.
    let bad = shoprenter(
        &s,
        Method::POST,
        "/webHooks",
        Some(
            r#"{"label": "x", "event": "lock", "status": 1,
                "webHookParameters": [{"type": "json", "url": "http://a.example"},
                                      {"type": "json", "url": "notaurl"}]}"#,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(bad.body["error"], 400);
    assert!(bad.body["message"].is_string());
    let errors = bad.body["errors"].as_object().unwrap();
    assert!(errors.contains_key("event"), "{}", bad.body);
    assert!(
        errors.contains_key("webHookParameters[1].url"),
        "{}",
        bad.body
    );
    let bad = shoprenter(
        &s,
        Method::PUT,
        &format!("/webHooks/{id}"),
        Some(r#"{"webHookDelay": [{"delay": 10, "delayUnit": "week"}]}"#),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        bad.body["errors"]["webHookDelay[0].delayUnit"].is_string(),
        "{}",
        bad.body
    );
    let unknown = shoprenter(
        &s,
        Method::PUT,
        &format!("/webHooks/{id}"),
        Some(r#"{"colour": "red"}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert!(
        unknown.body["errors"]["colour"].is_string(),
        "{}",
        unknown.body
    );

    // Wrong or missing credentials.
    for auth in [
        None,
        Some(basic("switchboard", "wrong")),
        Some(basic("admin", TOKEN)),
        Some(format!("Bearer {TOKEN}")),
    ] {
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let res = send(&s, Method::GET, "/api/webHooks", &headers, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(res.body["error"], 401);
        assert!(res.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
    }
    // Switchboard's own API is not served here.
    let theirs = shoprenter(&s, Method::GET, "/v1/webhooks", None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.body["error"], 404);

    let deleted = shoprenter(&s, Method::DELETE, &format!("/webHooks/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = shoprenter(&s, Method::GET, &format!("/webHooks/{id}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["error"], 404);
}

#[tokio::test]
async fn a_shoprenter_webhook_is_delivered_to_each_parameter_in_its_format() {
    let s = TestServer::profile(Profile::Shoprenter).await;
    let r = Receiver::start().await;
    let body = json!({
        "label": "ERP and archive",
        "event": "order_confirm",
        "status": 1,
        "webHookParameters": [
            {"type": "json", "url": r.url("/json")},
            {"type": "xml", "url": r.url("/xml")},
        ],
    })
    .to_string();
    let created = shoprenter(&s, Method::POST, "/webHooks", Some(&body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["webHookParameters"][1]["type"], "xml");

    let payload = json!({"orders": {"order": [{"storeName": "demo", "innerId": "190"}]}});
    let handle = s.handle.as_ref().unwrap();
    let ids = handle.emit("order_confirm", payload).await.unwrap();
    assert_eq!(ids.len(), 2);
    eventually(15, "both destinations", || async {
        (!r.hits("/json").is_empty() && !r.hits("/xml").is_empty()).then_some(())
    })
    .await;
    let json_hit = &r.hits("/json")[0];
    assert_eq!(json_hit.json()["orders"]["order"][0]["innerId"], "190");
    assert_eq!(
        json_hit.header("content-type").as_deref(),
        Some("application/json")
    );
    let xml_hit = &r.hits("/xml")[0];
    assert_eq!(
        xml_hit.header("content-type").as_deref(),
        Some("application/xml")
    );
    assert!(String::from_utf8_lossy(&xml_hit.body).contains("<storeName>demo</storeName>"));
    for hit in [json_hit, xml_hit] {
        assert!(hit.header("webhook-signature").is_some());
        assert_eq!(
            hit.header("x-switchboard-event-type").as_deref(),
            Some("order_confirm")
        );
    }
}

// --- Output.Rocks ---------------------------------------------------------------------------

/// The request example of Output.Rocks' documentation.
const OUTPUTROCKS_EXAMPLE: &str = switchboard_api::seed_examples::OUTPUTROCKS_CREATE;

async fn outputrocks(
    s: &TestServer,
    method: Method,
    path: &str,
    accept: &str,
    content_type: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let mut headers = vec![("x-auth-token", TOKEN), ("accept", accept)];
    if let Some(ct) = content_type {
        headers.push(("content-type", ct));
    }
    send(s, method, &format!("/api/spa{path}"), &headers, body).await
}

const LD: &str = "application/ld+json";
const PLAIN: &str = "application/json";
const MERGE: &str = "application/merge-patch+json";

#[tokio::test]
async fn outputrocks_speaks_api_platform() {
    let s = TestServer::profile(Profile::Outputrocks).await;

    let created = outputrocks(
        &s,
        Method::POST,
        "/webhooks",
        PLAIN,
        Some(PLAIN),
        Some(OUTPUTROCKS_EXAMPLE),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let item = created.body;
    let id = item["id"].as_i64().unwrap();
    assert_eq!(item["identifier"], "my-webhook");
    assert_eq!(item["type"], "sftp-document");
    assert_eq!(item["priority"], 1);
    assert_eq!(
        item["data"],
        json!({"host": "sftp.example.com", "user": "sftp-user",
               "directory": "sftp-directory/sub-directory", "port": 22}),
        "the password is write-only"
    );
    assert_eq!(item["active"], true);
    assert_eq!(item["activeFrom"], "2024-01-01");
    assert_eq!(item["groupIdentifier"], "my_group");
    assert_eq!(item["groupCondition"], "data['contract']['balance'] > 0");
    assert_eq!(item["createdBy"], "api-token");
    assert_eq!(item["updatedBy"], "api-token");
    assert!(is_utc(&item["createdAt"], "+00:00"), "{item}");
    assert!(
        item.get("@id").is_none(),
        "plain JSON has no JSON-LD members"
    );

    let one = outputrocks(&s, Method::GET, &format!("/webhooks/{id}"), LD, None, None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.content_type().starts_with(LD));
    assert_eq!(one.body["@id"], format!("/api/spa/webhooks/{id}").as_str());
    assert_eq!(one.body["@type"], "Webhook");
    assert_eq!(one.body["identifier"], "my-webhook");

    // Pages of 30 as JSON-LD, a plain array as JSON.
    for i in 0..30 {
        let mut more: Value = serde_json::from_str(OUTPUTROCKS_EXAMPLE).unwrap();
        more["identifier"] = json!(format!("hook-{i}"));
        let res = outputrocks(
            &s,
            Method::POST,
            "/webhooks",
            LD,
            Some(LD),
            Some(&more.to_string()),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let first = outputrocks(&s, Method::GET, "/webhooks", LD, None, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["@type"], "Collection");
    assert_eq!(first.body["totalItems"], 31);
    assert_eq!(first.body["member"].as_array().unwrap().len(), 30);
    assert_eq!(first.body["member"][0]["@id"], one.body["@id"]);
    assert_eq!(first.body["view"]["@type"], "PartialCollectionView");
    assert_eq!(first.body["view"]["next"], "/api/spa/webhooks?page=2");
    assert_eq!(first.body["view"]["last"], "/api/spa/webhooks?page=2");
    let second = outputrocks(&s, Method::GET, "/webhooks?page=2", LD, None, None).await;
    assert_eq!(second.body["member"].as_array().unwrap().len(), 1);
    assert!(second.body["view"].get("next").is_none());
    let plain = outputrocks(&s, Method::GET, "/webhooks?page=2", PLAIN, None, None).await;
    assert_eq!(plain.body.as_array().unwrap().len(), 1);
    assert_eq!(plain.body[0]["identifier"], "hook-29");

    // PATCH is a merge patch, and only that media type.
    let wrong = outputrocks(
        &s,
        Method::PATCH,
        &format!("/webhooks/{id}"),
        LD,
        Some(PLAIN),
        Some(r#"{"priority": 2}"#),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(wrong.body["@type"], "Error");
    assert_eq!(wrong.body["status"], 415);
    let patched = outputrocks(
        &s,
        Method::PATCH,
        &format!("/webhooks/{id}"),
        LD,
        Some(MERGE),
        Some(
            r#"{"identifier": "renamed", "data": {"host": "other.example.com", "directory": null},
                 "groupIdentifier": null, "groupCondition": null, "active": false}"#,
        ),
    )
    .await;
    // The password was left out and kept: without it the SFTP data would be refused.
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["identifier"], "renamed");
    assert_eq!(
        patched.body["data"],
        json!({"host": "other.example.com", "user": "sftp-user", "port": 22})
    );
    assert_eq!(patched.body["groupIdentifier"], Value::Null);
    assert_eq!(patched.body["groupCondition"], Value::Null);
    assert_eq!(patched.body["active"], false);
    assert_eq!(patched.body["priority"], 1);

    // Bad members are violations naming their property paths.
    let bad = outputrocks(
        &s,
        Method::POST,
        "/webhooks",
        LD,
        Some(PLAIN),
        Some(r#"{"identifier": "x", "type": "sftp-document", "data": {"host": "h", "user": "u", "port": 70000}}"#),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.content_type().starts_with("application/problem+json"));
    assert_eq!(bad.body["@type"], "ConstraintViolationList");
    let mut paths: Vec<&str> = bad.body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["propertyPath"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["data.password", "data.port"]);
    let unknown = outputrocks(
        &s,
        Method::POST,
        "/webhooks",
        LD,
        Some(PLAIN),
        Some(r#"{"identifier": "x", "type": "sftp-fax", "colour": "red"}"#),
    )
    .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert_eq!(unknown.body["violations"][0]["propertyPath"], "colour");
    let fax = outputrocks(
        &s,
        Method::POST,
        "/webhooks",
        LD,
        Some(PLAIN),
        Some(r#"{"identifier": "x", "type": "sftp-fax"}"#),
    )
    .await;
    assert_eq!(fax.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", fax.body);
    assert_eq!(fax.body["violations"][0]["propertyPath"], "type");

    for headers in [vec![], vec![("x-auth-token", "wrong")]] {
        let res = send(&s, Method::GET, "/api/spa/webhooks", &headers, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.body["@type"], "Error");
        assert_eq!(res.body["status"], 401);
    }

    let deleted = outputrocks(
        &s,
        Method::DELETE,
        &format!("/webhooks/{id}"),
        LD,
        None,
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = outputrocks(&s, Method::GET, &format!("/webhooks/{id}"), LD, None, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["@type"], "Error");
}

// --- API platform ---------------------------------------------------------------------------

/// The body of the API platform's curl example.
const APIPLATFORM_EXAMPLE: &str = switchboard_api::seed_examples::APIPLATFORM_CREATE;

async fn apiplatform(s: &TestServer, method: Method, path: &str, body: Option<&str>) -> Answer {
    let auth = format!("Bearer {TOKEN}");
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/json, application/problem+json"),
        ("authorization", auth.as_str()),
    ];
    send(
        s,
        method,
        &format!("/api/notifications/v1{path}"),
        &headers,
        body,
    )
    .await
}

fn is_uuid(v: &Value) -> bool {
    let s = v.as_str().unwrap_or_default();
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[tokio::test]
async fn apiplatform_registers_lists_deactivates_and_deletes() {
    let s = TestServer::profile(Profile::Apiplatform).await;

    let created = apiplatform(&s, Method::POST, "/webhooks", Some(APIPLATFORM_EXAMPLE)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let record = created.body;
    assert!(is_uuid(&record["id"]), "{record}");
    assert_eq!(record["targetURL"], "https://example.com");
    assert_eq!(
        record["auth"],
        json!({"type": "basic", "username": "USERNAME"})
    );
    assert_eq!(record["status"], "active");
    assert!(is_utc(&record["createdAt"], "Z"), "{record}");
    assert!(is_utc(&record["updatedAt"], "Z"), "{record}");
    let id = record["id"].as_str().unwrap();

    let list = apiplatform(&s, Method::GET, "/webhooks", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body, json!([record]));
    let one = apiplatform(&s, Method::GET, &format!("/webhooks/{id}"), None).await;
    assert_eq!(one.body, record);

    let off = apiplatform(
        &s,
        Method::POST,
        &format!("/webhooks/{id}/deactivate"),
        None,
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.body["status"], "deactivated");
    assert_eq!(off.body["auth"], record["auth"]);

    let cc = apiplatform(
        &s,
        Method::POST,
        "/webhooks",
        Some(r#"{"targetURL": "https://example.com/notify", "auth": {"type": "client_credential",
                 "clientID": "client", "clientSecret": "s3cret", "tokenURL": "https://auth.example.com/token"}}"#),
    )
    .await;
    assert_eq!(cc.status, StatusCode::OK, "{}", cc.body);
    assert_eq!(
        cc.body["auth"],
        json!({"type": "client_credential", "clientID": "client", "tokenURL": "https://auth.example.com/token"})
    );
    let none = apiplatform(
        &s,
        Method::POST,
        "/webhooks",
        Some(r#"{"targetURL": "https://example.org"}"#),
    )
    .await;
    assert_eq!(none.body["auth"], json!({"type": "noauth"}));

    // Bad members, in RFC 9457's invalid-params.
    let bad = apiplatform(
        &s,
        Method::POST,
        "/webhooks",
        Some(
            r#"{"targetURL": "http://example.com", "auth": {"type": "client_credential",
                 "clientID": "c", "tokenURL": "https://auth.example.com/token"}}"#,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.content_type().starts_with("application/problem+json"));
    let mut names: Vec<&str> = bad.body["invalid-params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["auth.clientSecret", "targetURL"]);
    assert!(bad.body["title"].is_string() && bad.body["type"].is_string());
    let unknown = apiplatform(
        &s,
        Method::POST,
        "/webhooks",
        Some(r#"{"targetURL": "https://example.com", "events": ["x"]}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert_eq!(unknown.body["invalid-params"][0]["name"], "events");

    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Basic c3dpdGNoYm9hcmQ6eA=="),
    ] {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", *a)).collect();
        let res = send(
            &s,
            Method::GET,
            "/api/notifications/v1/webhooks",
            &headers,
            None,
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(res.body["status"], 401);
    }
    // No capabilities here, and the rest of /api answers in the platform's shape.
    let caps = apiplatform(&s, Method::GET, "/capabilities", None).await;
    assert_eq!(caps.status, StatusCode::NOT_FOUND);
    let elsewhere = send(&s, Method::GET, "/api/v1/capabilities", &[], None).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.body["status"], 404);

    let deleted = apiplatform(&s, Method::DELETE, &format!("/webhooks/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = apiplatform(&s, Method::GET, &format!("/webhooks/{id}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["status"], 404);
}

#[tokio::test]
async fn an_apiplatform_webhook_is_notified_of_completed_deliveries() {
    let s = TestServer::profile(Profile::Apiplatform).await;
    let r = Receiver::start().await;
    let body = json!({
        "targetURL": r.url("/notify"),
        "auth": {"type": "basic", "username": "USERNAME", "password": "PASSWORD"},
    })
    .to_string();
    let created = apiplatform(&s, Method::POST, "/webhooks", Some(&body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();

    let handle = s.handle.as_ref().unwrap();
    let payload = json!({"purchaseId": "p-1", "status": "COMPLETED"});
    let ids = handle.emit("delivery.completed", payload).await.unwrap();
    assert_eq!(ids.len(), 1);
    let hit = eventually(15, "the notification", || async {
        r.hits("/notify").first().cloned()
    })
    .await;
    assert_eq!(hit.json()["purchaseId"], "p-1");
    assert_eq!(
        hit.header("authorization"),
        Some(basic("USERNAME", "PASSWORD"))
    );
    assert!(hit.header("webhook-signature").is_some());

    // Deactivated, it is notified no more.
    let off = apiplatform(
        &s,
        Method::POST,
        &format!("/webhooks/{id}/deactivate"),
        None,
    )
    .await;
    assert_eq!(off.status, StatusCode::OK);
    let ids = handle
        .emit("delivery.completed", json!({"purchaseId": "p-2"}))
        .await
        .unwrap();
    assert!(ids.is_empty());
}
