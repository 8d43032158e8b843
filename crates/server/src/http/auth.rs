//! Who is asking: the [`Principal`] a request's bearer token resolves to, put in the request's
//! extensions by the token check for handlers (scoping and roles) and the audit log (actor).

use axum::http::Method;
use switchboard_api::{Action, PortalFlags, Role};

/// The token behind a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// `root` for the server's configured token, else the stored token's id.
    pub token_id: String,
    /// The token's name, as the audit log shows the actor.
    pub name: String,
    pub role: Role,
    /// `None` sees every tenant.
    pub tenant: Option<String>,
    /// Set for a portal session.
    pub portal: Option<PortalFlags>,
}

impl Principal {
    /// The server's configured token: an admin of every tenant.
    pub fn root() -> Self {
        Principal {
            token_id: "root".into(),
            name: "root token".into(),
            role: Role::Admin,
            tenant: None,
            portal: None,
        }
    }

    /// Whether this principal may take `action`: its role, narrowed by portal flags.
    pub fn may(&self, action: Action) -> bool {
        if !self.role.may(action) {
            return false;
        }
        match self.portal {
            None => true,
            Some(flags) => match action {
                Action::SecretReveal => flags.secret_reveal,
                Action::DeliveryRetry | Action::ReplayStart | Action::ReplayCancel => flags.replay,
                Action::TokenCreate
                | Action::TokenRevoke
                | Action::TenantCreate
                | Action::TenantUpdate
                | Action::PortalSessionCreate => false,
                _ => true,
            },
        }
    }

    /// Every action this principal may take, for `GET /me`.
    pub fn actions(&self) -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| self.may(*a)).collect()
    }
}

/// The action a route below `/api/v1` takes, by its method and route pattern (axum's
/// `MatchedPath` without the prefix); `None` for a read, which any token may make. The one
/// place that says which role a route needs ([`Action::least_role`]) and what the audit log
/// records for it (a `PATCH` of `active` alone is refined into activate or deactivate there).
pub fn route_action(method: &Method, path: &str) -> Option<Action> {
    let action = match (method.as_str(), path) {
        ("POST", "/webhooks") => Action::WebhookCreate,
        ("PATCH", "/webhooks/{id}") => Action::WebhookUpdate,
        ("DELETE", "/webhooks/{id}") => Action::WebhookDelete,
        ("POST", "/webhooks/{id}/secret/rotate") => Action::SecretRotate,
        ("GET", "/webhooks/{id}/secret") => Action::SecretReveal,
        ("POST", "/webhooks/{id}/test") => Action::WebhookTest,
        ("POST", "/deliveries/{id}/retry") => Action::DeliveryRetry,
        ("POST", "/webhooks/{id}/recover") => Action::WebhookRecover,
        // A dry run changes nothing but is the first step of a replay: the same role.
        ("POST", "/replays" | "/replays/dry-run") => Action::ReplayStart,
        ("POST", "/replays/{id}/cancel") => Action::ReplayCancel,
        ("POST", "/events") => Action::EventEmit,
        ("POST", "/tokens") => Action::TokenCreate,
        ("DELETE", "/tokens/{id}") => Action::TokenRevoke,
        ("POST", "/tenants") => Action::TenantCreate,
        ("PATCH", "/tenants/{id}") => Action::TenantUpdate,
        ("POST", "/portal-sessions") => Action::PortalSessionCreate,
        // Reading tokens is managing them.
        ("GET", "/tokens") => Action::TokenCreate,
        _ => return None,
    };
    Some(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_flags_narrow_the_role() {
        let mut p = Principal::root();
        p.role = Role::Editor;
        p.tenant = Some("acme".into());
        p.portal = Some(PortalFlags {
            secret_reveal: false,
            ..PortalFlags::default()
        });
        assert!(p.may(Action::WebhookCreate));
        assert!(!p.may(Action::SecretReveal));
        assert!(!p.may(Action::PortalSessionCreate));
        assert!(Principal::root().may(Action::TokenCreate));
    }
}
