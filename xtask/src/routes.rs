//! Which wasm chunk each route of the console needs, read from the two places that decide it:
//! the router (`src/app.rs`: a path and the page it shows) and the page declarations
//! (`src/pages/mod.rs`: a page and the chunk its code goes into). The bundle step writes the
//! result into the page, where `boot.js` reads it, so no third copy is kept by hand.

use std::collections::HashMap;

/// `(path pattern, chunk)`; `None` for a page in the main module.
pub type RouteChunks = Vec<(String, Option<String>)>;

/// Reads the table from the router's and the page declarations' source text.
pub fn route_chunks(app_rs: &str, pages_rs: &str) -> Result<RouteChunks, String> {
    // `crate::split_page!(pub fn webhook_detail in webhook_pages, …`
    let chunk_of: HashMap<&str, &str> = pages_rs
        .lines()
        .filter_map(|l| l.trim().strip_prefix("crate::split_page!(pub fn "))
        .filter_map(|rest| {
            let (name, rest) = rest.split_once(" in ")?;
            let chunk = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            Some((name.trim(), chunk))
        })
        .collect();
    if chunk_of.is_empty() {
        return Err("src/pages/mod.rs declares no split page".into());
    }
    let mut table = Vec::new();
    // `<Route path=path!("/webhooks/:id") view=|| view! { <Lazy load=pages::webhook_detail/> }/>`
    for line in app_rs.lines() {
        let Some(rest) = line.trim().strip_prefix("<Route path=path!(\"") else {
            continue;
        };
        let (path, view) = rest
            .split_once("\")")
            .ok_or_else(|| format!("cannot read the route {line:?}"))?;
        let chunk = match view.split_once("load=pages::") {
            Some((_, page)) => {
                let page = page
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or_default();
                let chunk = chunk_of.get(page).ok_or_else(|| {
                    format!("the route {path} loads pages::{page}, which src/pages/mod.rs does not split")
                })?;
                Some((*chunk).to_owned())
            }
            None => None,
        };
        table.push((path.to_owned(), chunk));
    }
    if table.is_empty() {
        return Err("src/app.rs has no route".into());
    }
    Ok(table)
}

/// `<meta name="switchboard-routes" content="/=a;/webhooks=;/webhooks/:id=b">`: an empty
/// chunk means the page is in the main module.
pub fn routes_meta(table: &RouteChunks) -> String {
    let content: Vec<String> = table
        .iter()
        .map(|(path, chunk)| format!("{path}={}", chunk.as_deref().unwrap_or("")))
        .collect();
    format!(
        "<meta name=\"switchboard-routes\" content=\"{}\">",
        content.join(";")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> RouteChunks {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        route_chunks(&read("src/app.rs"), &read("src/pages/mod.rs")).unwrap()
    }

    #[test]
    fn every_route_of_the_console_has_its_chunk() {
        let table = real();
        let chunk = |path: &str| {
            table
                .iter()
                .find(|(p, _)| p == path)
                .unwrap_or_else(|| panic!("no route {path} in {table:?}"))
                .1
                .clone()
        };
        assert_eq!(chunk("/webhooks"), None, "the list is in the main module");
        assert_eq!(chunk("/webhooks/:id").as_deref(), Some("webhook_pages"));
        assert_eq!(chunk("/webhooks/new").as_deref(), Some("webhook_pages"));
        assert_eq!(
            chunk("/deliveries").as_deref(),
            Some("monitoring_and_settings")
        );
        assert_eq!(chunk("/").as_deref(), Some("monitoring_and_settings"));
        assert!(table.len() >= 10, "{table:?}");
    }

    #[test]
    fn a_route_to_a_page_nobody_split_is_an_error() {
        let app = r#"<Route path=path!("/x") view=|| view! { <Lazy load=pages::x/> }/>"#;
        let pages = "crate::split_page!(pub fn y in c => view! {});";
        assert!(route_chunks(app, pages).unwrap_err().contains("pages::x"));
    }

    #[test]
    fn the_meta_tag_lists_main_module_pages_with_no_chunk() {
        let table = vec![
            ("/".to_owned(), Some("a".to_owned())),
            ("/w".to_owned(), None),
        ];
        assert_eq!(
            routes_meta(&table),
            r#"<meta name="switchboard-routes" content="/=a;/w=">"#
        );
    }
}
