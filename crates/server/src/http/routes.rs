//! The route table: every API route, its method and the capability level it belongs to.

use super::{deliveries, events, health, meta, replays, tail, webhooks, AppState};
use crate::Profile;
use axum::http::Method;
use axum::routing::{delete, get, patch, post, MethodRouter};
use switchboard_api::Feature;

/// One route below `/api/v1`, as the OpenAPI document must list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    /// axum and OpenAPI share the `{param}` syntax, so this is both.
    pub path: &'static str,
    /// `None` for the core level.
    pub feature: Option<Feature>,
}

/// Every route below `/api/v1` the given profile serves (none for a vendor profile, which
/// serves its vendor's API instead).
pub fn route_table(profile: Profile) -> Vec<RouteSpec> {
    entries(profile).into_iter().map(|(spec, _)| spec).collect()
}

pub(crate) fn entries(profile: Profile) -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Feature::*;
    let all: Vec<(
        Method,
        &'static str,
        Option<Feature>,
        MethodRouter<AppState>,
    )> = vec![
        (Method::GET, "/capabilities", None, get(meta::capabilities)),
        (Method::GET, "/webhooks", None, get(webhooks::list)),
        (Method::POST, "/webhooks", None, post(webhooks::create)),
        (Method::GET, "/webhooks/{id}", None, get(webhooks::show)),
        (
            Method::DELETE,
            "/webhooks/{id}",
            None,
            delete(webhooks::remove),
        ),
        (
            Method::PATCH,
            "/webhooks/{id}",
            Some(Update),
            patch(webhooks::update),
        ),
        (
            Method::GET,
            "/webhooks/events",
            None,
            get(meta::event_types),
        ),
        (
            Method::GET,
            "/webhooks/types",
            Some(Types),
            get(meta::destination_types),
        ),
        (
            Method::GET,
            "/webhooks/events/{name}",
            Some(Catalogue),
            get(meta::event_type),
        ),
        (
            Method::POST,
            "/webhooks/{id}/test",
            Some(Test),
            post(webhooks::test_send),
        ),
        (
            Method::POST,
            "/webhooks/{id}/secret/rotate",
            Some(Secrets),
            post(webhooks::rotate_secret),
        ),
        (
            Method::GET,
            "/deliveries",
            Some(Deliveries),
            get(deliveries::list),
        ),
        (
            Method::GET,
            "/deliveries/{id}",
            Some(Deliveries),
            get(deliveries::show),
        ),
        (
            Method::POST,
            "/deliveries/{id}/retry",
            Some(Deliveries),
            post(deliveries::retry),
        ),
        (
            Method::POST,
            "/webhooks/{id}/recover",
            Some(Deliveries),
            post(deliveries::recover),
        ),
        (
            Method::GET,
            "/webhooks/{id}/stats",
            Some(Stats),
            get(webhooks::stats),
        ),
        (
            Method::GET,
            "/webhooks/{id}/status",
            Some(Status),
            get(webhooks::endpoint_status),
        ),
        (
            Method::GET,
            "/webhooks/{id}/overview",
            Some(Status),
            get(webhooks::endpoint_overview),
        ),
        (
            Method::GET,
            "/webhooks/{id}/health",
            Some(Health),
            get(health::webhook_health),
        ),
        (
            Method::GET,
            "/webhooks/health",
            Some(Health),
            get(health::overview),
        ),
        (Method::GET, "/deliveries/tail", Some(Tail), get(tail::tail)),
        (Method::POST, "/events", Some(Events), post(events::emit)),
        (Method::GET, "/events", Some(Events), get(events::list)),
        (
            Method::POST,
            "/replays/dry-run",
            Some(Replay),
            post(replays::dry_run),
        ),
        (Method::POST, "/replays", Some(Replay), post(replays::start)),
        (Method::GET, "/replays", Some(Replay), get(replays::list)),
        (
            Method::GET,
            "/replays/{id}",
            Some(Replay),
            get(replays::show),
        ),
        (
            Method::POST,
            "/replays/{id}/cancel",
            Some(Replay),
            post(replays::cancel),
        ),
        (Method::GET, "/missed", Some(Replay), get(replays::missed)),
        (
            Method::GET,
            "/webhooks/{id}/missed",
            Some(Replay),
            get(replays::missed_for_webhook),
        ),
    ];
    all.into_iter()
        .filter(|(_, path, feature, _)| match profile {
            Profile::Full => true,
            Profile::Core => feature.is_none(),
            Profile::Plandocket => feature.is_none() && *path != "/capabilities",
            Profile::Shoprenter | Profile::Outputrocks | Profile::Apiplatform => false,
        })
        .map(|(method, path, feature, handler)| {
            (
                RouteSpec {
                    method,
                    path,
                    feature,
                },
                handler,
            )
        })
        .collect()
}
