//! OAuth2 client-credentials tokens for endpoints that want them, cached until shortly
//! before they expire.

use super::net::{check_literal, classify};
use super::send::read_capped;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_api::Auth;

/// The most of a token endpoint's answer that is read: a token response is a few hundred
/// bytes, and an endpoint must not be able to make the server buffer without end.
pub const MAX_TOKEN_BODY: usize = 64 * 1024;

/// A token with the moment it is to be renewed.
type Cached = Option<(String, Instant)>;

#[derive(Default)]
pub struct TokenCache {
    /// One slot per token endpoint and client. Its async lock is held across a fetch, so that
    /// attempts that need the same token at once wait for one request instead of each sending
    /// their own.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Cached>>>>,
}

/// Why no token: `kind` is the attempt's error class (`ssrf` when the guard refused the token
/// URL, `auth` otherwise).
#[derive(Debug)]
pub struct TokenError {
    pub kind: &'static str,
    pub message: String,
}

fn auth_error(message: impl Into<String>) -> TokenError {
    TokenError {
        kind: "auth",
        message: message.into(),
    }
}

fn key(token_url: &str, client_id: &str, client_secret: &str) -> String {
    use sha2::{Digest, Sha256};
    // The secret is part of the key so a changed secret fetches a new token, but only as a
    // hash, so the map never holds it.
    let h = Sha256::digest(client_secret.as_bytes());
    format!("{token_url}\n{client_id}\n{h:x}")
}

impl TokenCache {
    pub async fn token(
        &self,
        client: &reqwest::Client,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
        allow_private_targets: bool,
    ) -> Result<String, TokenError> {
        let slot = self
            .lock()
            .entry(key(token_url, client_id, client_secret))
            .or_default()
            .clone();
        let mut cached = slot.lock().await;
        if let Some((t, until)) = &*cached {
            if *until > Instant::now() {
                return Ok(t.clone());
            }
        }
        let (token, until) = fetch(
            client,
            token_url,
            client_id,
            client_secret,
            allow_private_targets,
        )
        .await?;
        *cached = Some((token.clone(), until));
        Ok(token)
    }

    pub fn forget(&self, auth: &Auth) {
        if let Auth::ClientCredentials {
            client_id,
            client_secret,
            token_url,
        } = auth
        {
            let k = key(
                token_url,
                client_id,
                client_secret.as_deref().unwrap_or_default(),
            );
            // A fresh slot for the next attempt; one holding the old slot finishes with it.
            self.lock().remove(&k);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<Cached>>>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One token request; returns the token and when to renew it.
async fn fetch(
    client: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    client_secret: &str,
    allow_private_targets: bool,
) -> Result<(String, Instant), TokenError> {
    let url = reqwest::Url::parse(token_url).map_err(|e| auth_error(format!("token_url: {e}")))?;
    check_literal(&url, allow_private_targets).map_err(|why| TokenError {
        kind: "ssrf",
        message: format!("token_url refused by the SSRF guard: {why}"),
    })?;
    let res = client
        .post(url)
        .basic_auth(client_id, Some(client_secret))
        .form(&[("grant_type", "client_credentials")])
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| {
            let (kind, message) = classify(&e);
            TokenError {
                kind: if kind == "ssrf" { "ssrf" } else { "auth" },
                message: format!("token request failed: {message}"),
            }
        })?;
    let status = res.status();
    let (bytes, truncated, failed) = read_capped(res, MAX_TOKEN_BODY).await;
    if truncated {
        return Err(auth_error(format!(
            "token endpoint answered with more than {} KiB",
            MAX_TOKEN_BODY / 1024
        )));
    }
    if failed {
        return Err(auth_error(format!(
            "token endpoint answered {status} but its body broke off"
        )));
    }
    if !status.is_success() {
        return Err(auth_error(format!("token endpoint answered {status}")));
    }
    let body: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| auth_error(format!("token endpoint answered {status} without JSON")))?;
    let token = body
        .get("access_token")
        .and_then(|t| t.as_str())
        .ok_or_else(|| auth_error("token endpoint sent no access_token"))?
        .to_string();
    let lifetime = body
        .get("expires_in")
        .and_then(|v| v.as_u64())
        .unwrap_or(3600);
    // Renew a little early so a token never expires in flight.
    let until = Instant::now() + Duration::from_secs(lifetime.saturating_sub(30).max(1));
    Ok((token, until))
}
