//! Destination types: which ones each profile accepts, and the write-only members of their `data`.

use crate::Profile;
use serde_json::Value;
use switchboard_api::channels::{outputrocks_type, outputrocks_types};
use switchboard_api::{DestinationType, HTTP_TYPE};

/// The types a profile accepts for new webhooks, as `GET /webhooks/types` lists them.
pub fn for_profile(profile: Profile) -> Vec<DestinationType> {
    match profile {
        Profile::Outputrocks => outputrocks_types(),
        _ => vec![DestinationType::http()],
    }
}

/// Any type the server knows, whatever the profile: a webhook stored through one profile
/// keeps its secrets hidden when another shows it.
pub fn known(kind: &str) -> Option<DestinationType> {
    if kind == HTTP_TYPE {
        return Some(DestinationType::http());
    }
    outputrocks_type(kind).cloned()
}

fn secrets(kind: &str) -> Vec<String> {
    known(kind)
        .map(|t| t.secret_members().into_iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `data` as a response shows it: without the type's write-only members.
pub fn redact(kind: &str, data: &Value) -> Value {
    let mut shown = data.clone();
    if let Value::Object(members) = &mut shown {
        for s in secrets(kind) {
            members.remove(&s);
        }
    }
    shown
}

/// New `data` for a webhook of the same type: each write-only member it leaves out keeps its
/// stored value, so an edit form need not ask for every password again.
pub fn keep_secrets(kind: &str, stored: Option<&Value>, mut new: Value) -> Value {
    if let (Some(Value::Object(old)), Value::Object(members)) = (stored, &mut new) {
        for s in secrets(kind) {
            if let (false, Some(v)) = (members.contains_key(&s), old.get(&s)) {
                members.insert(s, v.clone());
            }
        }
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_hidden_and_kept() {
        let stored = json!({"host": "h", "user": "u", "password": "p"});
        assert_eq!(
            redact("sftp-document", &stored),
            json!({"host": "h", "user": "u"})
        );
        assert_eq!(
            keep_secrets(
                "sftp-document",
                Some(&stored),
                json!({"host": "h2", "user": "u"})
            ),
            json!({"host": "h2", "user": "u", "password": "p"})
        );
        assert_eq!(redact("nonsense", &stored), stored);
        assert_eq!(for_profile(Profile::Full), vec![DestinationType::http()]);
        assert_eq!(for_profile(Profile::Outputrocks).len(), 9);
        assert!(known("binect-email").is_some());
    }
}
