//! Who may do what: tenants, tokens with roles, `GET /me`, the audit log and portal sessions
//! (capabilities `tenants`, `tokens`, `audit` and `portal`).
//!
//! Every webhook, event and delivery belongs to one tenant. A token is either for all tenants
//! (`tenant_id: null`) or for one; a tenant token sees only its tenant's objects, and another
//! tenant's id answers 404 exactly as an id that does not exist. A token's role says which
//! actions it may take ([`Role::may`]); the console asks `GET /me` and hides the rest.

use crate::{Id, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A customer of the platform that owns webhooks ("application" in Svix and Hook0,
/// "project" in Convoy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: Id,
    pub name: String,
    /// The tenant's own members, kept as given (a JSON object).
    #[serde(default)]
    pub metadata: serde_json::Map<String, Value>,
    pub created_at: Timestamp,
}

/// `POST /tenants` and `PATCH /tenants/{id}` (every member optional on a patch).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantInput {
    /// The id to give the tenant (`[A-Za-z0-9_-]{1,64}`, the platform's own customer id);
    /// one is made up when absent. Ignored on a patch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Map<String, Value>>,
}

/// The id of the tenant existing data and the single-token set-up belong to.
pub const DEFAULT_TENANT: &str = "default";

/// What a token may do, each role including the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything its tenant scope allows.
    Viewer,
    /// Also retries deliveries, sends tests, recovers and starts or cancels replays.
    Support,
    /// Also creates, edits, activates, deletes webhooks, rotates and reveals secrets, emits
    /// events and mints portal sessions.
    Editor,
    /// Also manages tokens and tenants and reads the audit log of every tenant.
    Admin,
}

/// A kind of action, for [`Role::may`] and the audit log's `action` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    #[serde(rename = "webhook.create")]
    WebhookCreate,
    #[serde(rename = "webhook.update")]
    WebhookUpdate,
    #[serde(rename = "webhook.activate")]
    WebhookActivate,
    #[serde(rename = "webhook.deactivate")]
    WebhookDeactivate,
    #[serde(rename = "webhook.delete")]
    WebhookDelete,
    #[serde(rename = "secret.rotate")]
    SecretRotate,
    #[serde(rename = "secret.reveal")]
    SecretReveal,
    #[serde(rename = "webhook.test")]
    WebhookTest,
    #[serde(rename = "delivery.retry")]
    DeliveryRetry,
    #[serde(rename = "webhook.recover")]
    WebhookRecover,
    #[serde(rename = "replay.start")]
    ReplayStart,
    #[serde(rename = "replay.cancel")]
    ReplayCancel,
    #[serde(rename = "event.emit")]
    EventEmit,
    #[serde(rename = "token.create")]
    TokenCreate,
    #[serde(rename = "token.revoke")]
    TokenRevoke,
    #[serde(rename = "tenant.create")]
    TenantCreate,
    #[serde(rename = "tenant.update")]
    TenantUpdate,
    #[serde(rename = "portal_session.create")]
    PortalSessionCreate,
    /// An action this console does not know; kept so a newer backend is not an error.
    #[serde(other)]
    Unknown,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::WebhookCreate,
        Action::WebhookUpdate,
        Action::WebhookActivate,
        Action::WebhookDeactivate,
        Action::WebhookDelete,
        Action::SecretRotate,
        Action::SecretReveal,
        Action::WebhookTest,
        Action::DeliveryRetry,
        Action::WebhookRecover,
        Action::ReplayStart,
        Action::ReplayCancel,
        Action::EventEmit,
        Action::TokenCreate,
        Action::TokenRevoke,
        Action::TenantCreate,
        Action::TenantUpdate,
        Action::PortalSessionCreate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::WebhookCreate => "webhook.create",
            Action::WebhookUpdate => "webhook.update",
            Action::WebhookActivate => "webhook.activate",
            Action::WebhookDeactivate => "webhook.deactivate",
            Action::WebhookDelete => "webhook.delete",
            Action::SecretRotate => "secret.rotate",
            Action::SecretReveal => "secret.reveal",
            Action::WebhookTest => "webhook.test",
            Action::DeliveryRetry => "delivery.retry",
            Action::WebhookRecover => "webhook.recover",
            Action::ReplayStart => "replay.start",
            Action::ReplayCancel => "replay.cancel",
            Action::EventEmit => "event.emit",
            Action::TokenCreate => "token.create",
            Action::TokenRevoke => "token.revoke",
            Action::TenantCreate => "tenant.create",
            Action::TenantUpdate => "tenant.update",
            Action::PortalSessionCreate => "portal_session.create",
            Action::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The least role that may take this action.
    pub fn least_role(self) -> Role {
        match self {
            Action::WebhookTest
            | Action::DeliveryRetry
            | Action::WebhookRecover
            | Action::ReplayStart
            | Action::ReplayCancel => Role::Support,
            Action::WebhookCreate
            | Action::WebhookUpdate
            | Action::WebhookActivate
            | Action::WebhookDeactivate
            | Action::WebhookDelete
            | Action::SecretRotate
            | Action::SecretReveal
            | Action::EventEmit
            | Action::PortalSessionCreate => Role::Editor,
            Action::TokenCreate
            | Action::TokenRevoke
            | Action::TenantCreate
            | Action::TenantUpdate
            | Action::Unknown => Role::Admin,
        }
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Support, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Support => "support",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether a token of this role may take `action` (before any portal flag narrows it).
    pub fn may(self, action: Action) -> bool {
        self >= action.least_role()
    }
}

/// What a portal session lets its customer see and do, on top of its role. All are on unless
/// the session that minted it turned them off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortalFlags {
    /// The delivery history and delivery detail pages.
    pub deliveries: bool,
    /// The event type catalogue.
    pub event_types: bool,
    /// Revealing (and copying) a webhook's signing secret.
    pub secret_reveal: bool,
    /// Retrying a delivery and bulk replays.
    pub replay: bool,
}

impl Default for PortalFlags {
    fn default() -> Self {
        PortalFlags {
            deliveries: true,
            event_types: true,
            secret_reveal: true,
            replay: true,
        }
    }
}

/// `GET /me`: who the token is and what it may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// The token's id (`root` for the server's configured token).
    pub token_id: Id,
    /// The token's name, as the audit log names its actor.
    pub name: String,
    pub role: Role,
    /// `None` for a token that sees every tenant.
    #[serde(default)]
    pub tenant: Option<Tenant>,
    /// `None` for a token that never expires.
    #[serde(default, deserialize_with = "crate::tolerant::rfc3339::optional")]
    pub expires_at: Option<Timestamp>,
    /// Set for a portal session: what the customer may see and do besides the role.
    #[serde(default)]
    pub portal: Option<PortalFlags>,
    /// The actions this token may take, as [`Action::as_str`] names (role and flags applied).
    #[serde(default)]
    pub actions: Vec<Action>,
}

impl Me {
    /// Whether the token may take `action`: the server's own list, so a backend with finer
    /// rules than the roles is followed as it says.
    pub fn may(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// A token as listed (`GET /tokens`): never its value, which is shown once at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub id: Id,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub tenant_id: Option<String>,
    pub created_at: Timestamp,
    #[serde(default, deserialize_with = "crate::tolerant::rfc3339::optional")]
    pub expires_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "crate::tolerant::rfc3339::optional")]
    pub last_used_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "crate::tolerant::rfc3339::optional")]
    pub revoked_at: Option<Timestamp>,
    /// The first characters of the value (`sbt_3f9a…`), to tell tokens apart.
    pub prefix: String,
}

/// `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    pub name: String,
    pub role: Role,
    /// `None` for all tenants.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// `None` for a token that never expires; must be in the future.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::rfc3339::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<Timestamp>,
}

/// The answer to `POST /tokens`: the token once, with its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: Token,
    /// The value to send as `Authorization: Bearer …`; never shown again.
    pub value: String,
}

/// `POST /portal-sessions`: a short-lived token for one tenant's customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSessionInput {
    pub tenant_id: String,
    /// `viewer`, `support` or `editor` (default `editor`); never more than the caller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Lifetime in seconds, 60 to 86,400 (default 3,600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<PortalFlags>,
    /// The customer's own name for the session's actor in the audit log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The answer to `POST /portal-sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSession {
    pub token_id: Id,
    pub tenant_id: String,
    /// The session token, also carried in `url`'s fragment.
    pub token: String,
    /// `<console>/portal#token=…`: the fragment never reaches a server's log.
    pub url: String,
    pub expires_at: Timestamp,
}

/// One entry of the append-only audit log (`GET /audit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    pub at: Timestamp,
    pub action: Action,
    pub actor: AuditActor,
    /// The tenant the changed object belongs to (`None` for a change to tokens of all tenants).
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// What was changed: `webhook`, `delivery`, `replay`, `token`, `tenant`, `event`.
    pub target_type: String,
    pub target_id: String,
    /// The request's `X-Request-Id` (made up when the client sent none).
    pub request_id: String,
    /// The object before and after, secrets redacted; `None` where there is no such side.
    #[serde(default)]
    pub before: Option<Value>,
    #[serde(default)]
    pub after: Option<Value>,
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditActor {
    pub token_id: Id,
    pub name: String,
    pub role: Role,
}

/// The console's brand, read at run time from `GET /brand` (no token needed: the sign-in and
/// portal pages are branded before any token is checked).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Brand {
    /// Shown instead of "Switchboard".
    pub product_name: Option<String>,
    /// An image URL (same origin or `data:`) shown beside the name.
    pub logo_url: Option<String>,
    /// `#rrggbb`; the server refuses one whose contrast with white or the dark background is
    /// below 4.5:1 (see [`contrast_ratio`]).
    pub accent: Option<String>,
    /// `light`, `dark` or `system` (the default).
    pub theme: Option<String>,
    /// Hides "Switchboard" everywhere (the footer and the title).
    pub hide_switchboard: bool,
    /// Where an expired portal session sends its user for a fresh link (the SaaS team's own
    /// page, which mints a new session and redirects back).
    pub portal_refresh_url: Option<String>,
}

/// Parses `#rrggbb` into its three channels.
pub fn parse_hex_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of two colours, 1.0 to 21.0.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The least contrast an accent must have against white text on it (buttons) — WCAG AA for
/// normal text.
pub const MIN_ACCENT_CONTRAST: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Viewer < Role::Support && Role::Support < Role::Editor);
        assert!(Role::Support.may(Action::ReplayStart));
        assert!(!Role::Support.may(Action::WebhookDelete));
        assert!(!Role::Viewer.may(Action::DeliveryRetry));
        assert!(Role::Editor.may(Action::SecretReveal));
        assert!(!Role::Editor.may(Action::TokenCreate));
        assert!(Role::Admin.may(Action::TenantCreate));
    }

    #[test]
    fn actions_round_trip_their_names() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            let json = serde_json::to_value(a).unwrap();
            assert_eq!(json, a.as_str());
        }
        let unknown: Action = serde_json::from_str("\"teleport\"").unwrap();
        assert_eq!(unknown, Action::Unknown);
    }

    #[test]
    fn contrast_follows_wcag() {
        let white = [255, 255, 255];
        assert!((contrast_ratio([0, 0, 0], white) - 21.0).abs() < 0.01);
        assert!((contrast_ratio(white, white) - 1.0).abs() < 0.01);
        // #767676 is the lightest grey that passes AA on white.
        assert!(contrast_ratio(parse_hex_colour("#767676").unwrap(), white) >= 4.5);
        assert!(contrast_ratio(parse_hex_colour("#777777").unwrap(), white) < 4.5);
        assert_eq!(parse_hex_colour("#12345"), None);
        assert_eq!(parse_hex_colour("123456"), None);
        assert_eq!(parse_hex_colour("#1234zz"), None);
    }
}
