//! The vendors' own example request bodies, exactly as their documentation prints them (the
//! seeds), kept once for the console's dialect tests, the reference server's profile tests
//! and the conformance checker's `--dialect` runs.

/// Shoprenter's "example of a POST request in JSON format".
pub const SHOPRENTER_CREATE: &str = include_str!("seed_examples/shoprenter-create.json");
/// Output.Rocks' request body for `POST /api/spa/webhooks`.
pub const OUTPUTROCKS_CREATE: &str = include_str!("seed_examples/outputrocks-create.json");
/// The body of the API platform's registerWebhook curl example.
pub const APIPLATFORM_CREATE: &str = include_str!("seed_examples/apiplatform-create.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_json() {
        for text in [SHOPRENTER_CREATE, OUTPUTROCKS_CREATE, APIPLATFORM_CREATE] {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(v.is_object());
        }
    }
}
