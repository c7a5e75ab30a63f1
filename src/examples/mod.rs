//! The scenarios that ship with mlgov: the case scenarios of
//! `examples/scenarios/` and the exercise scenarios of `examples/teaching/`
//! (`docs/teaching.md`), listed by `mlgov examples` and written out by
//! `mlgov init --example NAME`, and the commented starter scenario written
//! by `mlgov init`. They are compiled into the library, so an installed
//! binary has them without the repository.
//!
//! ```
//! use mlgov::examples::{SCENARIOS, find};
//! let grid = find("lloyd_grid").unwrap();
//! assert!(grid.text.contains("assignments = \"all\""));
//! assert!(!grid.description().is_empty());
//! assert!(find("lloyd_gird").unwrap_err().contains("did you mean `lloyd_grid`"));
//! assert!(SCENARIOS.len() >= 6);
//! assert!(find("silos").unwrap().text.contains("governance.silos"));
//! ```
//!
//! Owns the shipped scenario texts and their names. Imports the scenario
//! layer to check them; it must not know the engine's outputs or the command
//! line (docs/architecture.md, layer 5).

use crate::scenario::suggest;

/// One example scenario.
#[derive(Debug, Clone, Copy)]
pub struct ExampleScenario {
    /// Name (the file name without `.toml`).
    pub name: &'static str,
    /// The file's text, comment block included.
    pub text: &'static str,
}

macro_rules! example {
    ($name:literal) => {
        example!("scenarios", $name)
    };
    ($dir:literal, $name:literal) => {
        ExampleScenario {
            name: $name,
            text: include_str!(concat!("../../examples/", $dir, "/", $name, ".toml")),
        }
    };
}

/// The case scenarios, in the order `mlgov examples` lists them.
pub const SCENARIOS: &[ExampleScenario] = &[
    example!("lloyd_grid"),
    example!("partnership_for_change"),
    example!("leadership_exchange"),
    example!("basingstoke"),
    example!("workforce_boards"),
    example!("wholegrain"),
];

/// The scenarios of the lesson plan's exercises (`docs/teaching.md`), in
/// exercise order.
pub const TEACHING: &[ExampleScenario] = &[
    example!("teaching", "needs"),
    example!("teaching", "silos"),
    example!("teaching", "early_delivery"),
    example!("teaching", "connect"),
    example!("teaching", "funding"),
];

/// The commented starter scenario `mlgov init` writes.
pub const STARTER: &str = include_str!("starter.toml");

/// The Rust examples of the repository (`cargo run --release --example NAME`),
/// with one line each.
pub const RUST_EXAMPLES: &[(&str, &str)] = &[
    (
        "single_run",
        "one seeded run of the governance model, month by month",
    ),
    (
        "custom_model",
        "your own model on the generic Monte Carlo engine",
    ),
    (
        "mc_comparison",
        "a Monte Carlo comparison with paired differences and 95% intervals",
    ),
    (
        "lloyd_grid_chart",
        "the 27 Lloyd assignments and their charts",
    ),
    (
        "verdict_screening",
        "Morris screening of which level should conceive and implement",
    ),
];

impl ExampleScenario {
    /// The scenario's `[scenario] description` (empty if it has none).
    pub fn description(&self) -> String {
        self.text
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| {
                t.get("scenario")?
                    .get("description")?
                    .as_str()
                    .map(str::to_string)
            })
            .unwrap_or_default()
    }
}

/// The example scenario called `name`, or a message listing the names
/// (with the closest one).
pub fn find(name: &str) -> Result<&'static ExampleScenario, String> {
    let wanted = name.strip_suffix(".toml").unwrap_or(name);
    let all = || SCENARIOS.iter().chain(TEACHING);
    all().find(|e| e.name == wanted).ok_or_else(|| {
        let names: Vec<String> = all().map(|e| e.name.to_string()).collect();
        let hint = suggest(wanted, names.iter())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        format!(
            "there is no example scenario `{name}`{hint}; the examples are: {}",
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn every_example_and_the_starter_check() {
        for e in SCENARIOS.iter().chain(TEACHING) {
            let s = Scenario::from_toml(e.text, e.name)
                .unwrap_or_else(|err| panic!("{}: {err}", e.name));
            assert_eq!(
                s.spec.scenario.name, e.name,
                "[scenario] name of {}",
                e.name
            );
            assert!(!e.description().is_empty(), "{} has no description", e.name);
            assert!(e.text.starts_with('#'), "{} has no comment block", e.name);
        }
        let s = Scenario::from_toml(STARTER, "starter").unwrap();
        assert_eq!(s.configurations().len(), 2);
    }
}
