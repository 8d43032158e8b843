//! The route table: every API route, its method and the capability level it belongs to.

use super::{meta, AppState};
use crate::Profile;
use axum::http::Method;
use axum::routing::{get, MethodRouter};
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

/// Every route the given profile serves.
pub fn route_table(profile: Profile) -> Vec<RouteSpec> {
    entries(profile).into_iter().map(|(spec, _)| spec).collect()
}

pub(crate) fn entries(profile: Profile) -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    let all: Vec<(
        Method,
        &'static str,
        Option<Feature>,
        MethodRouter<AppState>,
    )> = vec![(Method::GET, "/capabilities", None, get(meta::capabilities))];
    all.into_iter()
        .filter(|(_, path, feature, _)| match profile {
            Profile::Full => true,
            Profile::Core => feature.is_none(),
            Profile::Plandocket => feature.is_none() && *path != "/capabilities",
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
