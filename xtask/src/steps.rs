//! A list of named steps run in order, each timed and reported on its own, with a summary line.

use std::fmt;
use std::time::{Duration, Instant};

type Action<'a> = Box<dyn FnOnce() -> Result<(), String> + 'a>;

/// One unit of work with its own pass/fail.
pub struct Step<'a> {
    pub id: &'static str,
    pub title: String,
    /// Ids of earlier steps whose failure makes this one pointless (it is then skipped).
    pub needs: Vec<&'static str>,
    action: Action<'a>,
}

impl<'a> Step<'a> {
    pub fn new(
        id: &'static str,
        title: impl Into<String>,
        action: impl FnOnce() -> Result<(), String> + 'a,
    ) -> Step<'a> {
        Step {
            id,
            title: title.into(),
            needs: Vec::new(),
            action: Box::new(action),
        }
    }

    pub fn needs(mut self, ids: &[&'static str]) -> Step<'a> {
        self.needs.extend_from_slice(ids);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(String),
    /// Not run because a step it needs failed; counts as failed in the summary.
    Skipped(String),
}

#[derive(Debug, Clone)]
pub struct StepReport {
    pub id: &'static str,
    pub title: String,
    pub outcome: Outcome,
    pub duration: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub steps: Vec<StepReport>,
}

/// Runs `steps` in order. A step runs even after unrelated failures, so one run shows every
/// problem; only steps whose `needs` failed are skipped.
pub fn run_all(steps: Vec<Step<'_>>) -> Report {
    let total = steps.len();
    let mut report = Report::default();
    for (index, step) in steps.into_iter().enumerate() {
        println!();
        println!("xtask: ==> [{}/{total}] {}", index + 1, step.title);
        let blocker = step
            .needs
            .iter()
            .find(|id| report.failed(id))
            .map(|id| format!("needs `{id}`, which did not pass"));
        let started = Instant::now();
        let outcome = match blocker {
            Some(reason) => Outcome::Skipped(reason),
            None => match (step.action)() {
                Ok(()) => Outcome::Passed,
                Err(message) => Outcome::Failed(message),
            },
        };
        let line = StepReport {
            id: step.id,
            title: step.title,
            outcome,
            duration: started.elapsed(),
        };
        println!("xtask: <== {line}");
        report.steps.push(line);
    }
    report
}

impl Report {
    fn failed(&self, id: &str) -> bool {
        self.steps
            .iter()
            .any(|s| s.id == id && s.outcome != Outcome::Passed)
    }

    pub fn passed(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.outcome == Outcome::Passed)
            .count()
    }

    pub fn success(&self) -> bool {
        self.passed() == self.steps.len()
    }

    /// The last line of `cargo xtask test`; CI logs and people grep for it.
    pub fn summary_line(&self) -> String {
        format!(
            "xtask: {} passed, {} failed",
            self.passed(),
            self.steps.len() - self.passed()
        )
    }
}

impl fmt::Display for StepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.duration.as_secs_f64();
        let (status, why) = match &self.outcome {
            Outcome::Passed => ("ok", None),
            Outcome::Failed(why) => ("FAILED", Some(why)),
            Outcome::Skipped(why) => ("SKIPPED", Some(why)),
        };
        write!(
            f,
            "{status:<7} {secs:>7.1}s  {:<12} {}",
            self.id, self.title
        )?;
        match why {
            Some(why) => write!(f, "\n{:>30}{why}", "-> "),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            writeln!(f, "  {step}")?;
        }
        let total: Duration = self.steps.iter().map(|s| s.duration).sum();
        writeln!(f, "  total   {:>7.1}s", total.as_secs_f64())?;
        write!(f, "{}", self.summary_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn all_passing_steps_give_the_exact_summary_line() {
        let report = run_all(vec![
            Step::new("a", "first", || Ok(())),
            Step::new("b", "second", || Ok(())),
        ]);
        assert!(report.success());
        assert_eq!(report.summary_line(), "xtask: 2 passed, 0 failed");
        assert!(report.to_string().ends_with("xtask: 2 passed, 0 failed"));
    }

    #[test]
    fn a_failure_does_not_stop_unrelated_steps() {
        let ran = Cell::new(false);
        let report = run_all(vec![
            Step::new("fmt", "fmt", || Err("diff".into())),
            Step::new("clippy", "clippy", || {
                ran.set(true);
                Ok(())
            }),
        ]);
        assert!(ran.get());
        assert!(!report.success());
        assert_eq!(report.summary_line(), "xtask: 1 passed, 1 failed");
        assert_eq!(report.steps[0].outcome, Outcome::Failed("diff".into()));
    }

    #[test]
    fn steps_needing_a_failed_step_are_skipped_and_count_as_failed() {
        let ran = Cell::new(false);
        let report = run_all(vec![
            Step::new("bundle", "trunk build", || Err("boom".into())),
            Step::new("e2e", "browser tests", || {
                ran.set(true);
                Ok(())
            })
            .needs(&["bundle"]),
            Step::new("fmt", "fmt", || Ok(())),
        ]);
        assert!(!ran.get());
        assert!(matches!(report.steps[1].outcome, Outcome::Skipped(_)));
        assert_eq!(report.summary_line(), "xtask: 1 passed, 2 failed");
        assert!(report.to_string().contains("SKIPPED"));
    }

    #[test]
    fn a_skipped_step_also_blocks_what_needs_it() {
        let report = run_all(vec![
            Step::new("tools", "tools", || Err("no npm".into())),
            Step::new("bundle", "bundle", || Ok(())).needs(&["tools"]),
            Step::new("e2e", "e2e", || Ok(())).needs(&["bundle"]),
        ]);
        assert!(matches!(report.steps[2].outcome, Outcome::Skipped(_)));
        assert_eq!(report.passed(), 0);
    }
}
