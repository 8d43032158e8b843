//! Each dialect's mapping, both ways, on the seeds' own example bodies.

use super::*;
use serde_json::json;
use switchboard_api::{seed_examples, Auth, Delay, Filter, Format, Target, Timestamp};

fn seed_input() -> WebhookInput {
    WebhookInput::default()
}

#[test]
fn every_dialect_is_listed_once_and_found_by_id() {
    let ids: Vec<&str> = ALL.iter().map(|d| d.id()).collect();
    assert_eq!(
        ids,
        [
            "switchboard",
            "plandocket",
            "shoprenter",
            "outputrocks",
            "apiplatform"
        ]
    );
    assert_eq!(by_id("outputrocks").title(), "Output.Rocks");
    assert_eq!(by_id("no-such").id(), "switchboard");
}

#[test]
fn auth_headers_follow_each_vendor() {
    assert_eq!(
        by_id("plandocket").auth().header("k"),
        Some(("Authorization", "Bearer k".to_owned()))
    );
    assert_eq!(
        by_id("outputrocks").auth().header("k"),
        Some(("X-AUTH-TOKEN", "k".to_owned()))
    );
    assert_eq!(
        by_id("shoprenter").auth().header("user:pass"),
        Some(("Authorization", "Basic dXNlcjpwYXNz".to_owned()))
    );
    assert_eq!(by_id("switchboard").auth().header(""), None);
}

#[test]
fn plandocket_reads_the_seed_example_answer_and_a_null_name() {
    let d = by_id("plandocket");
    let seed = r#"{
"data": {
"webhook_id": 1,
"created_at": 1704067200,
"updated_at": 1704067200
},
"meta": {
"request_id": "req_abc123"
}
}"#;
    assert_eq!(d.read_created(201, seed).unwrap(), Created::Id("1".into()));
    let full = r#"{"data": {"id": 7, "name": null, "url": "https://x.test/h", "events": ["a"],
        "is_active": true, "headers": {"X-Tenant": "acme"}, "created_at": 1704067200,
        "secret": "whsec_x"}, "meta": {"request_id": "r"}}"#;
    let Created::Webhook(w) = d.read_created(201, full).unwrap() else {
        panic!("a full answer is the webhook")
    };
    assert_eq!(w.name, "");
    assert_eq!(w.id.as_str(), "7");
    assert_eq!(w.headers["X-Tenant"].as_deref(), Some("acme"));
    assert_eq!(
        w.created_at,
        Some(Timestamp::parse("2024-01-01T00:00:00Z").unwrap())
    );
    // Only the members plandocket documents are sent.
    let input = WebhookInput {
        name: "n".into(),
        url: "https://x.test".into(),
        events: vec!["a".into()],
        priority: 4,
        format: Format::Xml,
        ..seed_input()
    };
    let body: Value = serde_json::from_str(&d.create(&input).body.unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"url": "https://x.test", "events": ["a"], "name": "n", "is_active": true,
               "retry_count": 3, "timeout_seconds": 30})
    );
    assert!(d.update("7", &WebhookPatch::default(), None).is_none());
}

#[test]
fn one_odd_item_does_not_hide_the_rest_of_a_list() {
    let d = by_id("switchboard");
    let body = r#"{"data": [
        {"id": "a", "url": "https://a.test", "auth": {"type": "noauth"}, "format": "yaml", "colour": "red"},
        {"id": "b", "url": 12},
        {"id": "c", "url": "https://c.test"}
    ], "meta": {"next_cursor": null}}"#;
    let page = d.read_list(200, body).unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(
        page.items[0].auth,
        Auth::Other {
            kind: "noauth".into()
        }
    );
    assert_eq!(page.items[0].format, Format::Unknown);
    assert_eq!(raw_text(&page.items[0], "/format").as_deref(), Some("yaml"));
    assert_eq!(
        other_members(&page.items[0], d.vocabulary()),
        [("colour".to_owned(), "red".to_owned())]
    );
    assert_eq!(page.items[1].kind, UNREADABLE);
    assert_eq!(page.items[1].id.as_str(), "b");
    assert_eq!(page.items[2].url, "https://c.test");
}

#[test]
fn shoprenter_writes_the_seed_example_byte_for_byte() {
    let d = by_id("shoprenter");
    let input = WebhookInput {
        name: "test webhook".into(),
        events: vec!["order_confirm".into()],
        url: "http://shoprenter.hu".into(),
        delay: Some(Delay {
            amount: 10,
            unit: DelayUnit::Day,
        }),
        ..seed_input()
    };
    let call = d.create(&input);
    assert_eq!((call.verb, call.path.as_str()), (Verb::Post, "/webHooks"));
    let seed: Value = serde_json::from_str(seed_examples::SHOPRENTER_CREATE).unwrap();
    assert_eq!(call.body.unwrap(), seed.to_string());
}

#[test]
fn shoprenter_reads_items_collections_and_errors() {
    let d = by_id("shoprenter");
    let item = json!({"href": "http://h/api/webHooks/d2ViSG9vay13ZWJob29rX2lkPTE=",
        "id": "d2ViSG9vay13ZWJob29rX2lkPTE=", "label": "test webhook", "event": "order_confirm",
        "status": 0, "webHookParameters": [{"type": "json", "url": "http://a.test"},
        {"type": "xml", "url": "http://b.test"}], "webHookDelay": [{"delay": 2, "delayUnit": "hour"}],
        "dateCreated": "2024-01-01T10:00:00", "dateUpdated": "2024-01-02T10:00:00"});
    let page = d
        .read_list(
            200,
            &json!({"href": "x", "items": [item], "page": 0, "limit": 200, "pageCount": 2,
                "next": {"href": "x?page=1"}})
            .to_string(),
        )
        .unwrap();
    let w = &page.items[0];
    assert_eq!(page.next_cursor.as_deref(), Some("1"));
    assert_eq!(w.name, "test webhook");
    assert_eq!(w.events, ["order_confirm"]);
    assert!(!w.is_active);
    assert_eq!((w.url.as_str(), w.format), ("http://a.test", Format::Json));
    assert_eq!(
        w.targets,
        [Target {
            url: "http://b.test".into(),
            format: Format::Xml
        }]
    );
    assert_eq!(w.delay.unwrap().unit, DelayUnit::Hour);
    assert_eq!(
        w.created_at,
        Some(Timestamp::parse("2024-01-01T10:00:00Z").unwrap())
    );
    assert!(other_members(w, d.vocabulary()).is_empty());
    assert!(d.recognises(&json!({"items": [], "pageCount": 0})));
    // A status change is a partial PUT; a URL change carries the whole parameter list.
    let call = d
        .update(
            "id1",
            &WebhookPatch {
                is_active: Some(true),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(call.verb, Verb::Put);
    assert_eq!(call.body.unwrap(), r#"{"status":1}"#);
    let url_change = WebhookPatch {
        url: Some("http://c.test".into()),
        ..Default::default()
    };
    assert!(d.update_needs_current(&url_change));
    let body = d.update("id1", &url_change, Some(w)).unwrap().body.unwrap();
    assert_eq!(
        body,
        r#"{"webHookParameters":[{"type":"json","url":"http://c.test"},{"type":"xml","url":"http://b.test"}]}"#
    );
    let e = d.read_error(
        400,
        r#"{"error": 400, "message": "Invalid request", "errors": {"label": "must not be empty",
            "webHookParameters[1].url": "not a URL", "webHookDelay[0].delayUnit": "day or hour"}}"#,
        None,
    );
    let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["name", "delay.unit", "targets[0].url"]);
    assert!(e.message().contains("Invalid request"), "{}", e.message());
}

#[test]
fn outputrocks_writes_the_seed_request_and_reads_json_ld() {
    let d = by_id("outputrocks");
    let input = WebhookInput {
        name: "my-webhook".into(),
        kind: "sftp-document".into(),
        priority: 1,
        data: Some(json!({"host": "sftp.example.com", "user": "sftp-user",
            "password": "sftp-password", "directory": "sftp-directory/sub-directory", "port": 22})),
        is_active: true,
        active_from: Timestamp::parse("2024-01-01T00:00:00Z"),
        filter: Some(Filter {
            group: Some("my_group".into()),
            condition: "data['contract']['balance'] > 0".into(),
        }),
        ..seed_input()
    };
    let seed: Value = serde_json::from_str(seed_examples::OUTPUTROCKS_CREATE).unwrap();
    assert_eq!(d.create(&input).body.unwrap(), seed.to_string());
    assert_eq!(d.auth().header("t").unwrap().0, "X-AUTH-TOKEN");

    let item = json!({"@id": "/api/spa/webhooks/12345", "@type": "Webhook", "id": 12345,
        "identifier": "my-webhook", "type": "sftp-document", "priority": 1,
        "data": {"host": "sftp.example.com", "user": "sftp-user", "directory": "d", "port": 22},
        "active": true, "activeFrom": "2024-01-01", "groupIdentifier": "my_group",
        "groupCondition": "data['contract']['balance'] > 0", "createdBy": "user1@company.com",
        "updatedBy": "user1@company.com", "createdAt": "2024-08-23T00:00:00+00:00",
        "updatedAt": "2024-08-23T00:00:00+00:00"});
    for body in [
        json!({"member": [item], "totalItems": 31, "view": {"next": "/api/spa/webhooks?page=2"}}),
        json!({"hydra:member": [item], "hydra:view": {"hydra:next": "/api/spa/webhooks?page=2"}}),
    ] {
        let page = d.read_list(200, &body.to_string()).unwrap();
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let w = &page.items[0];
        assert_eq!((w.id.as_str(), w.name.as_str()), ("12345", "my-webhook"));
        assert_eq!(w.kind, "sftp-document");
        assert_eq!(w.data.as_ref().unwrap()["host"], "sftp.example.com");
        assert_eq!(
            w.filter.as_ref().unwrap().group.as_deref(),
            Some("my_group")
        );
        assert_eq!(w.created_by.as_deref(), Some("user1@company.com"));
        assert_eq!(w.active_from, Timestamp::parse("2024-01-01T00:00:00Z"));
        assert!(other_members(w, d.vocabulary()).is_empty());
    }
    let plain = d.read_list(200, &json!([item]).to_string()).unwrap();
    assert_eq!(plain.items.len(), 1);
    assert_eq!(plain.next_cursor, None);

    let call = d
        .update(
            "12345",
            &WebhookPatch {
                is_active: Some(false),
                active_from: Some(None),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(call.content_type, "application/merge-patch+json");
    assert_eq!(call.body.unwrap(), r#"{"active":false,"activeFrom":null}"#);

    let e = d.read_error(
        422,
        r#"{"@type": "ConstraintViolationList", "title": "An error occurred", "status": 422,
           "detail": "identifier: This value should not be blank.",
           "violations": [{"propertyPath": "identifier", "message": "This value should not be blank."},
                          {"propertyPath": "data[port]", "message": "out of range"}]}"#,
        None,
    );
    let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["name", "data.port"]);
}

#[test]
fn apiplatform_writes_the_seed_request_and_reads_its_record() {
    let d = by_id("apiplatform");
    let input = WebhookInput {
        url: "https://example.com".into(),
        auth: Auth::Basic {
            username: "USERNAME".into(),
            password: Some("PASSWORD".into()),
        },
        ..seed_input()
    };
    let seed: Value = serde_json::from_str(seed_examples::APIPLATFORM_CREATE).unwrap();
    assert_eq!(d.create(&input).body.unwrap(), seed.to_string());

    let record = r#"{
"id": "0b6e1a7c-33b1-4c55-9a4e-1f2d3c4b5a69",
"createdAt": "2006-01-02T15:04:05Z",
"updatedAt": "2006-01-02T15:04:05Z",
"targetURL": "https://example.com/notify",
"auth": {
"type": "basic",
"username": "USERNAME"
},
"status": "active"
}"#;
    let w = d.read_one(200, record).unwrap();
    assert_eq!(w.url, "https://example.com/notify");
    assert_eq!(w.name, "example.com");
    assert!(w.is_active);
    assert_eq!(
        w.auth,
        Auth::Basic {
            username: "USERNAME".into(),
            password: None
        }
    );
    assert_eq!(w.events, ["delivery.completed"]);
    let cc = d
        .read_one(
            200,
            r#"{"id": "u", "targetURL": "https://a.test", "status": "deactivated",
                "auth": {"type": "client_credential", "clientID": "c", "tokenURL": "https://t.test"}}"#,
        )
        .unwrap();
    assert!(!cc.is_active);
    assert_eq!(cc.auth.kind(), "client_credentials");
    // Deactivating is the one change it takes.
    let off = WebhookPatch {
        is_active: Some(false),
        ..Default::default()
    };
    let call = d.update("u", &off, None).unwrap();
    assert_eq!(
        (call.verb, call.path.as_str()),
        (Verb::Post, "/webhooks/u/deactivate")
    );
    let rename = WebhookPatch {
        name: Some("x".into()),
        ..off
    };
    assert!(d.update("u", &rename, None).is_none());
    let e = d.read_error(
        400,
        r#"{"type": "about:blank", "title": "Bad Request", "status": 400,
            "invalid-params": [{"name": "targetURL", "reason": "must be an https URL"}]}"#,
        None,
    );
    assert_eq!(e.field_errors()[0].field, "url");
    assert!(d.recognises(&serde_json::from_str(&format!("[{record}]")).unwrap()));
}

#[test]
fn lists_are_filtered_locally_for_backends_without_filters() {
    let d = by_id("plandocket");
    let page = d
        .read_list(
            200,
            r#"{"data": [
                {"id": 1, "name": "Orders", "url": "https://a.test", "events": ["order_confirm"], "is_active": true},
                {"id": 2, "name": "Hosting", "url": "https://b.test", "events": ["create"], "is_active": false}
            ], "meta": {"request_id": "r"}}"#,
        )
        .unwrap();
    let q = WebhookQuery {
        is_active: Some(false),
        ..Default::default()
    };
    let names: Vec<String> = filter_locally(page.items.clone(), &q)
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["Hosting"]);
    let q = WebhookQuery {
        q: Some("ORD".into()),
        event: Some("order_confirm".into()),
        ..Default::default()
    };
    assert_eq!(filter_locally(page.items, &q).len(), 1);
}

#[test]
fn apiplatform_writes_client_credential_reads_noauth_and_accepts_problems() {
    let d = by_id("apiplatform");
    assert_eq!(d.accept(), "application/json, application/problem+json");
    let input = WebhookInput {
        url: "https://example.com".into(),
        auth: Auth::ClientCredentials {
            client_id: "CLIENT".into(),
            client_secret: Some("SECRET".into()),
            token_url: "https://auth.example.com/token".into(),
        },
        ..seed_input()
    };
    let body: Value = serde_json::from_str(&d.create(&input).body.unwrap()).unwrap();
    assert_eq!(
        body["auth"],
        json!({"type": "client_credential", "clientID": "CLIENT", "clientSecret": "SECRET",
            "tokenURL": "https://auth.example.com/token"})
    );
    let none = d
        .read_one(
            200,
            r#"{"id": "u", "targetURL": "https://a.test", "status": "active", "auth": {"type": "noauth"},
                "createdAt": "2024-08-23T10:00:00Z", "updatedAt": "2024-08-24T10:00:00Z"}"#,
        )
        .unwrap();
    assert_eq!(none.auth, Auth::None);
    assert_eq!(
        none.created_at.unwrap().to_rfc3339(),
        "2024-08-23T10:00:00Z"
    );
    assert_eq!(
        none.updated_at.unwrap().to_rfc3339(),
        "2024-08-24T10:00:00Z"
    );
    // The vendor's own words for its auth types.
    let words = d.vocabulary().auth_words;
    assert!(words.contains(&("none", "noauth")));
    assert!(words.contains(&("client_credentials", "client_credential")));
}

#[test]
fn outputrocks_never_reads_back_a_write_only_member() {
    // The seed's own request body, answered back as the item (with the sftp password in it).
    let mut item: Value = serde_json::from_str(seed_examples::OUTPUTROCKS_CREATE).unwrap();
    item["id"] = json!(12345);
    let w = by_id("outputrocks")
        .read_one(201, &item.to_string())
        .unwrap();
    let data = w.data.as_ref().unwrap();
    assert_eq!(data["host"], "sftp.example.com");
    assert_eq!(data["port"], 22);
    assert!(data.get("password").is_none(), "{data}");
}

#[test]
fn shoprenter_names_its_delay_and_its_documented_payloads() {
    let d = by_id("shoprenter");
    assert_eq!(d.vocabulary().delay_words, Some(("Delay", "Delay unit")));
    assert_eq!(d.event_documentation(), Some("shop.json"));
    assert!(by_id("plandocket")
        .token_needs()
        .unwrap()
        .contains("webhooks"));
}
