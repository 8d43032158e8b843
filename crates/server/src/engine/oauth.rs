//! OAuth2 client-credentials tokens for endpoints that want them, cached until shortly
//! before they expire.

use super::net::{check_literal, classify};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use switchboard_api::Auth;

#[derive(Default)]
pub struct TokenCache {
    tokens: Mutex<HashMap<String, (String, Instant)>>,
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
    ) -> Result<String, String> {
        let k = key(token_url, client_id, client_secret);
        if let Some((t, until)) = self.lock().get(&k) {
            if *until > Instant::now() {
                return Ok(t.clone());
            }
        }
        let url = reqwest::Url::parse(token_url).map_err(|e| format!("token_url: {e}"))?;
        check_literal(&url, allow_private_targets)
            .map_err(|why| format!("token_url refused by the SSRF guard: {why}"))?;
        let res = client
            .post(url)
            .basic_auth(client_id, Some(client_secret))
            .form(&[("grant_type", "client_credentials")])
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| format!("token request failed: {}", classify(&e).1))?;
        let status = res.status();
        let body: serde_json::Value = res
            .json()
            .await
            .map_err(|_| format!("token endpoint answered {status} without JSON"))?;
        if !status.is_success() {
            return Err(format!("token endpoint answered {status}"));
        }
        let token = body
            .get("access_token")
            .and_then(|t| t.as_str())
            .ok_or("token endpoint sent no access_token")?
            .to_string();
        let lifetime = body
            .get("expires_in")
            .and_then(|v| v.as_u64())
            .unwrap_or(3600);
        // Renew a little early so a token never expires in flight.
        let until = Instant::now() + Duration::from_secs(lifetime.saturating_sub(30).max(1));
        self.lock().insert(k, (token.clone(), until));
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
            self.lock().remove(&k);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}
