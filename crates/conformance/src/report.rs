//! The report: checks grouped by capability level, their outcomes, and its text form.

use crate::dialect::Dialect;
use serde::Serialize;
use std::fmt::Write as _;

/// A group of checks. For Switchboard's own API (`--dialect switchboard`) a capability level:
/// `core` plus the optional feature groups of `/capabilities`. For a vendor dialect one group
/// named after the vendor holds every check of that dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Core,
    Update,
    Catalogue,
    Test,
    Secrets,
    Deliveries,
    Stats,
    Status,
    Events,
    Types,
    Replay,
    Search,
    Sort,
    Health,
    Tail,
    /// `--dialect plandocket`.
    Plandocket,
    /// `--dialect shoprenter`.
    Shoprenter,
    /// `--dialect outputrocks`.
    Outputrocks,
    /// `--dialect apiplatform`.
    Apiplatform,
}

impl Group {
    /// Switchboard's levels in report order, as the API documentation lists them.
    pub const ALL: [Group; 15] = [
        Group::Core,
        Group::Update,
        Group::Catalogue,
        Group::Test,
        Group::Secrets,
        Group::Deliveries,
        Group::Stats,
        Group::Status,
        Group::Events,
        Group::Types,
        Group::Replay,
        Group::Search,
        Group::Sort,
        Group::Health,
        Group::Tail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Core => "core",
            Group::Update => "update",
            Group::Catalogue => "catalogue",
            Group::Test => "test",
            Group::Secrets => "secrets",
            Group::Deliveries => "deliveries",
            Group::Stats => "stats",
            Group::Status => "status",
            Group::Events => "events",
            Group::Types => "types",
            Group::Replay => "replay",
            Group::Search => "search",
            Group::Sort => "sort",
            Group::Health => "health",
            Group::Tail => "tail",
            Group::Plandocket => "plandocket",
            Group::Shoprenter => "shoprenter",
            Group::Outputrocks => "outputrocks",
            Group::Apiplatform => "apiplatform",
        }
    }

    /// The `/capabilities` feature that advertises this group; `None` for core and the
    /// vendor dialects.
    pub fn feature(self) -> Option<switchboard_api::Feature> {
        use switchboard_api::Feature as F;
        Some(match self {
            Group::Core
            | Group::Plandocket
            | Group::Shoprenter
            | Group::Outputrocks
            | Group::Apiplatform => return None,
            Group::Update => F::Update,
            Group::Catalogue => F::Catalogue,
            Group::Test => F::Test,
            Group::Secrets => F::Secrets,
            Group::Deliveries => F::Deliveries,
            Group::Stats => F::Stats,
            Group::Status => F::Status,
            Group::Events => F::Events,
            Group::Types => F::Types,
            Group::Replay => F::Replay,
            Group::Search => F::Search,
            Group::Sort => F::Sort,
            Group::Health => F::Health,
            Group::Tail => F::Tail,
        })
    }
}

/// What went wrong in one check: what the contract wants and what the server sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Failure {
    /// The request that showed the problem, e.g. `GET /webhooks?limit=2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    pub expected: String,
    pub got: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Where in the response body the problem is, as `$.data[0].secret`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
}

impl Failure {
    pub fn new(expected: impl Into<String>, got: impl Into<String>) -> Self {
        Failure {
            expected: expected.into(),
            got: got.into(),
            ..Failure::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail(Failure),
    /// Not run, and not held against the server: the reason says why.
    Skip {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// Stable dotted name, e.g. `core.list.envelope`.
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    pub group: Group,
    /// Whether `/capabilities` lists the group (always true for core).
    pub advertised: bool,
    /// Whether the group's failures make the run fail at the chosen level.
    pub required: bool,
    pub checks: Vec<CheckResult>,
}

impl GroupReport {
    pub fn new(group: Group, advertised: bool, required: bool) -> Self {
        GroupReport {
            group,
            advertised,
            required,
            checks: Vec::new(),
        }
    }

    pub fn push(&mut self, id: &str, title: &str, outcome: Outcome) {
        self.checks.push(CheckResult {
            id: format!("{}.{id}", self.group.as_str()),
            title: title.to_string(),
            outcome,
        });
    }

    pub fn failed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Fail(_)))
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The core level, plus every optional group the server advertises.
    Core,
    /// Every group must be advertised and pass.
    Full,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Core => "core",
            Level::Full => "full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub base_url: String,
    /// Whose API shape was checked: `switchboard` (the contract) or a vendor's.
    pub dialect: Dialect,
    /// The path below `base_url` the API was reached at (`/api/v1` for Switchboard).
    pub base_path: String,
    /// Switchboard's level; a vendor dialect has none and is checked whole.
    pub level: Level,
    /// Features `/capabilities` listed; `None` when it answered 404 (core only).
    pub advertised: Option<Vec<String>>,
    pub groups: Vec<GroupReport>,
    /// Anything the checker could not clean up, by request.
    pub left_behind: Vec<String>,
    /// What the run leaves by design (the API cannot delete it), for the operator.
    pub notes: Vec<String>,
    pub passed: bool,
}

impl Report {
    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.groups
            .iter()
            .flat_map(|g| g.checks.iter())
            .find(|c| c.id == id)
    }

    /// Counts of passed, failed and skipped checks.
    pub fn counts(&self) -> (usize, usize, usize) {
        let (mut pass, mut fail, mut skip) = (0, 0, 0);
        for c in self.groups.iter().flat_map(|g| &g.checks) {
            match c.outcome {
                Outcome::Pass => pass += 1,
                Outcome::Fail(_) => fail += 1,
                Outcome::Skip { .. } => skip += 1,
            }
        }
        (pass, fail, skip)
    }

    /// Whether every check of every required group passed (or was skipped for a reason).
    pub fn compute_passed(&self) -> bool {
        self.groups
            .iter()
            .filter(|g| g.required)
            .all(|g| g.failed() == 0)
    }

    /// The human-readable report, one line per check and the details of each failure.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let vendor = self.dialect != Dialect::Switchboard;
        if vendor {
            let path = if self.base_path.is_empty() {
                "(empty)"
            } else {
                self.base_path.as_str()
            };
            let _ = writeln!(
                out,
                "Switchboard conformance report for {} (dialect: {}, base path: {path})",
                self.base_url,
                self.dialect.as_str(),
            );
        } else {
            let _ = writeln!(
                out,
                "Switchboard conformance report for {} (level: {})",
                self.base_url,
                self.level.as_str()
            );
        }
        let _ = match &self.advertised {
            _ if vendor => Ok(()),
            Some(f) if f.is_empty() => writeln!(out, "Advertised features: none (core only)"),
            Some(f) => writeln!(out, "Advertised features: {}", f.join(", ")),
            None => writeln!(
                out,
                "Advertised features: GET /capabilities is 404, core only"
            ),
        };
        for g in &self.groups {
            let note = match (g.advertised, g.required) {
                (true, true) => "",
                (true, false) => "  (not required at this level)",
                (false, true) => "  (not advertised)",
                (false, false) => "  (not advertised, not required)",
            };
            let _ = writeln!(out, "\n[{}]{note}", g.group.as_str());
            for c in &g.checks {
                match &c.outcome {
                    Outcome::Pass => {
                        let _ = writeln!(out, "  PASS  {}  {}", c.id, c.title);
                    }
                    Outcome::Skip { reason } => {
                        let _ =
                            writeln!(out, "  SKIP  {}  {}\n        why: {reason}", c.id, c.title);
                    }
                    Outcome::Fail(f) => {
                        let _ = writeln!(out, "  FAIL  {}  {}", c.id, c.title);
                        if let Some(r) = &f.request {
                            let _ = writeln!(out, "        request:  {r}");
                        }
                        let _ = writeln!(out, "        expected: {}", f.expected);
                        let mut got = String::new();
                        if let Some(s) = f.status {
                            let _ = write!(got, "status {s}");
                        }
                        if let Some(ct) = &f.content_type {
                            let _ = write!(got, "{}content-type {ct}", sep(&got));
                        }
                        if let Some(p) = &f.json_path {
                            let _ = write!(got, "{}at {p}", sep(&got));
                        }
                        let _ = writeln!(out, "        got:      {}{}{}", got, sep(&got), f.got);
                    }
                }
            }
        }
        for n in &self.notes {
            let _ = writeln!(out, "\nNote: {n}");
        }
        if !self.left_behind.is_empty() {
            let _ = writeln!(out, "\nCould not clean up:");
            for l in &self.left_behind {
                let _ = writeln!(out, "  {l}");
            }
        }
        let (pass, fail, skip) = self.counts();
        let _ = writeln!(
            out,
            "\n{pass} passed, {fail} failed, {skip} skipped: {}",
            match (self.passed, vendor) {
                (true, false) => format!("COMPLIANT at level {}", self.level.as_str()),
                (false, false) => format!("NOT COMPLIANT at level {}", self.level.as_str()),
                (true, true) => format!("COMPLIANT with the {} dialect", self.dialect.as_str()),
                (false, true) => {
                    format!("NOT COMPLIANT with the {} dialect", self.dialect.as_str())
                }
            }
        );
        out
    }
}

fn sep(s: &str) -> &'static str {
    if s.is_empty() {
        ""
    } else {
        ", "
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(required: bool) -> Report {
        let mut g = GroupReport::new(Group::Update, true, required);
        g.push("patch", "PATCH works", Outcome::Pass);
        g.push(
            "toggle",
            "is_active toggles",
            Outcome::Fail(Failure {
                request: Some("PATCH /webhooks/1".into()),
                status: Some(200),
                content_type: Some("application/json".into()),
                json_path: Some("$.data.is_active".into()),
                ..Failure::new("false", "true")
            }),
        );
        let mut r = Report {
            base_url: "http://127.0.0.1:1".into(),
            dialect: Dialect::Switchboard,
            base_path: "/api/v1".into(),
            level: Level::Core,
            advertised: Some(vec!["update".into()]),
            groups: vec![g],
            left_behind: Vec::new(),
            notes: Vec::new(),
            passed: false,
        };
        r.passed = r.compute_passed();
        r
    }

    #[test]
    fn a_failure_in_a_required_group_fails_the_run() {
        let r = report(true);
        assert!(!r.passed);
        let text = r.to_text();
        assert!(text.contains("FAIL  update.toggle"), "{text}");
        assert!(text.contains("at $.data.is_active"), "{text}");
        assert!(text.contains("NOT COMPLIANT"), "{text}");
        assert_eq!(r.counts(), (1, 1, 0));
    }

    #[test]
    fn a_vendor_dialect_names_itself_and_its_base_path() {
        let mut g = GroupReport::new(Group::Shoprenter, true, true);
        g.push("create.seed_example", "POST works", Outcome::Pass);
        let mut r = Report {
            base_url: "http://127.0.0.1:1".into(),
            dialect: Dialect::Shoprenter,
            base_path: String::new(),
            level: Level::Core,
            advertised: None,
            groups: vec![g],
            left_behind: Vec::new(),
            notes: Vec::new(),
            passed: false,
        };
        r.passed = r.compute_passed();
        let text = r.to_text();
        assert!(
            text.contains("(dialect: shoprenter, base path: (empty))"),
            "{text}"
        );
        assert!(!text.contains("capabilities"), "{text}");
        assert!(
            text.contains("PASS  shoprenter.create.seed_example"),
            "{text}"
        );
        assert!(
            text.contains("COMPLIANT with the shoprenter dialect"),
            "{text}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["dialect"], "shoprenter");
        assert_eq!(json["groups"][0]["group"], "shoprenter");
    }

    #[test]
    fn failures_in_groups_not_required_do_not_fail_the_run() {
        let r = report(false);
        assert!(r.passed);
        assert_eq!(r.counts(), (1, 1, 0));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["groups"][0]["checks"][1]["outcome"], "fail");
        assert_eq!(
            json["groups"][0]["checks"][1]["json_path"],
            "$.data.is_active"
        );
    }
}
