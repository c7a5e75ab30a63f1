//! Assessment checklists that set model parameters, and Lloyd's typology.
//!
//! A partnership is assessed with the questions practitioners already use:
//! the 13 ingredients and 3 utensils (leadership, trust, learning and review)
//! of the *Effective Partnership Working* recipe, and Peter Lloyd's success
//! checklist, "what makes partnerships really work" and "what gets in the
//! way" (slides 8–10). Each answer is a score in [0, 1] (0 = absent, 1 =
//! fully present; for obstacles 1 = applies fully) or `true`/`false`. A
//! [`Checklist`] is read from TOML ([`Checklist::from_toml`];
//! [`Checklist::template_toml`] writes a blank one with every question), is
//! checked by [`Checklist::validate`] (which names every missing or
//! out-of-range answer), and is turned into parameter values by
//! [`Checklist::apply`] / [`Checklist::to_overrides`]: related answers are
//! averaged into composite [`Scores`], and each composite moves one or more
//! parameters linearly between the two ends shown below (always inside the
//! parameter's allowed range).
//!
//! | composite (mean of answers) | parameter | at 0 | at 1 |
//! |---|---|---|---|
//! | vision: `recipe.shared_vision`, `works.shared_vision` | `interventions.vision_work` | 0 | 1 |
//! | vision | `partnership.vision.sector_distance` | 0.30 | 0.05 |
//! | openness: `recipe.willing_to_change` | `partnership.vision.susceptibility` | 0.40 | 0.95 |
//! | trust: `works.reflexive_trust`, `recipe.trust` | `partnership.trust.prior` | 0.30 | 0.80 |
//! | diversity: `recipe.respect_diversity` | `partnership.trust.cross_sector_gap` | 0.30 | 0.05 |
//! | fairness: `works.fair_distribution`, `recipe.shared_responsibilities_rewards` | `partnership.fairness` | 0.20 | 0.95 |
//! | benefit: `recipe.real_benefit`, `recipe.achieves_more_together` | `partnership.exit_threshold` | 0.80 | 0.50 |
//! | learning: `works.shared_learning`, `recipe.learning_and_review`, `recipe.regular_review` | `interventions.review.interval` (months) | 0 = none (< 0.2) | 24 (< 0.5), 12 (< 0.8), 6 |
//! | learning | `partnership.delivery.learning_rate` | 0.05 | 0.30 |
//! | leadership: `recipe.leadership` | `interventions.leadership` | 0 | 1 |
//! | communication: `recipe.effective_communication` | `partnership.meeting_rate` | 0.20 | 0.80 |
//! | inclusion: `recipe.inclusive`, `recipe.respect_diversity` | `partnership.cross_sector_contact`, `partnership.cross_level_contact` | 0.20 | 0.90 |
//! | capacity: `recipe.will_and_resources`, `recipe.use_strengths`, `success.capacity` | `partnership.partners[k].capacity`, every group | 0.20 | 0.90 |
//! | commitment: `recipe.common_interest_first`, `recipe.use_we`, `recipe.willing_to_change` | `partnership.partners[k].commitment`, every group | 0.60 | 0.98 |
//! | division: `works.division_of_labour`, `success.focus` | `partnership.commit_months` | 9 | 1 |
//! | space: `success.space_to_act` | `interventions.waivers.enabled` (space > 0), `interventions.waivers.flexibility` | off, 0 | on, 1 |
//! | fit: `success.good_fit`, `success.reality_check` | `governance.adaptation` | 0.20 | 0.90 |
//! | `obstacles.not_enough_time` | `partnership.max_negotiation_months` | 48 | 6 |
//! | `obstacles.pushed_too_soon` | `interventions.delivery_start` (month) | 0 = when ready (< 0.25) | round(18 − 12·score): 15 … 6 |
//! | `obstacles.no_sustainable_funding` | `interventions.funding.sustainable` | true | false (> 0.5) |
//! | `obstacles.no_sustainable_funding` | `interventions.funding.renewal` | 0.95 | 0.45 |
//! | `obstacles.external_targets` | `interventions.external_targets.enabled` (score > 0), `.strictness` | off, 0 | on, 1 |
//!
//! Switches turn on exactly where their strength leaves zero (waivers and
//! targets with zero flexibility or strictness act as if off), so every
//! mapping is monotone and, apart from the month steps and the funding
//! switch, continuous. Partner heterogeneity in capacity and commitment is
//! replaced by the assessed value: a checklist describes the partnership as
//! a whole.
//!
//! The model's outcome is placed on Lloyd's empowerment / service-delivery
//! plane (slide 11) by [`classify`]; see [`Typology`] for the thresholds.
//!
//! ```
//! use mlgov::assess::{classify, Checklist, Typology};
//! use mlgov::scenario::ScenarioSpec;
//!
//! // Every ingredient fairly strong, but pushed into delivery and funded short-term.
//! let mut checklist = Checklist::filled(0.8);
//! for (path, v) in [
//!     ("obstacles.not_enough_time", 0.2),
//!     ("obstacles.pushed_too_soon", 1.0),
//!     ("obstacles.no_sustainable_funding", 0.9),
//!     ("obstacles.external_targets", 0.0),
//! ] {
//!     checklist.set(path, v).unwrap();
//! }
//! let mut spec = ScenarioSpec::default();
//! checklist.apply(&mut spec).unwrap();
//! assert_eq!(spec.interventions.delivery_start, 6);
//! assert_eq!(spec.interventions.review.interval, 6);
//! assert!(!spec.interventions.funding.sustainable);
//! assert!((spec.partnership.trust.prior.value() - 0.7).abs() < 1e-12);
//!
//! // Missing and out-of-range answers are all named.
//! let partial = Checklist::from_toml("[success]\nfocus = 1.4\n").unwrap();
//! let err = partial.validate().unwrap_err().to_string();
//! assert!(err.contains("recipe.shared_vision: missing"));
//! assert!(err.contains("success.focus: must be in [0, 1], got 1.4"));
//!
//! assert_eq!(classify(0.7, 0.8), Typology::MatureMultiPurpose);
//! ```
//!
//! Owns the checklists, their questions and the rules that turn answers into
//! scenario settings. Imports the scenario layer (it writes scenario variants)
//! and re-exports [`crate::typology`]; it must not know reports, charts or the
//! explorer (docs/architecture.md, layer 5).

mod checklist;
mod mapping;
mod read;

pub use crate::typology::{CapacityLevel, HIGH, HYBRID_HIGH, HYBRID_LOW, Typology, classify};
pub use checklist::{
    Answer, AnswerProblem, Checklist, Recipe, SuccessChecklist, WhatGetsInTheWay, WhatWorks,
    questions,
};
pub use mapping::{
    Override, Scores, Setting, apply_overrides, delivery_start, lerp, review_interval,
};

/// Why a checklist could not be read, checked or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AssessError {
    /// Missing or out-of-range answers; every one is listed.
    #[error("{}", list_problems(.problems))]
    Invalid {
        /// The problems, in file order.
        problems: Vec<AnswerProblem>,
    },
    /// The checklist file is not valid TOML or has unknown sections or keys.
    #[error("checklist{}: {message}", .line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Toml {
        /// Line of the problem, when known.
        line: Option<usize>,
        /// What the parser reported.
        message: String,
    },
    /// No question has this path.
    #[error("{path}: no such question (questions are named like `works.reflexive_trust`)")]
    UnknownAnswer {
        /// The path given.
        path: String,
    },
    /// An override names a scenario field that does not exist (or sets it
    /// with the wrong kind of value).
    #[error("{path}: no such settable scenario parameter")]
    UnknownParameter {
        /// The path given.
        path: String,
    },
}

fn list_problems(problems: &[AnswerProblem]) -> String {
    let n = problems.len();
    let mut s = format!("checklist: {n} problem{}", if n == 1 { "" } else { "s" });
    for p in problems.iter().take(crate::scenario::MAX_LISTED_PROBLEMS) {
        s.push_str(&format!("\n  {p}"));
    }
    if n > crate::scenario::MAX_LISTED_PROBLEMS {
        let more = n - crate::scenario::MAX_LISTED_PROBLEMS;
        s.push_str(&format!("\n  ... and {more} more problems"));
    }
    s
}
