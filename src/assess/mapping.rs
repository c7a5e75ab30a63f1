//! From checklist answers to model parameters: composite scores (means of
//! related answers) and the overrides they set. The table in the module docs
//! of [`crate::assess`] lists every rule; the constants here are its numbers.

use super::{AssessError, Checklist};
use crate::scenario::{Param, ScenarioSpec, VariantSpec};
use std::collections::BTreeMap;

/// Composite scores in [0, 1], each the mean of related answers. They are
/// the assessment's summary and the inputs of the parameter mapping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Shared vision: recipe and works `shared_vision`.
    pub vision: f64,
    /// Trust: works `reflexive_trust`, recipe `trust`.
    pub trust: f64,
    /// Fair sharing: works `fair_distribution`, recipe `shared_responsibilities_rewards`.
    pub fairness: f64,
    /// Learning and review: works `shared_learning`, recipe `learning_and_review`
    /// and `regular_review`.
    pub learning: f64,
    /// Leadership: recipe `leadership`.
    pub leadership: f64,
    /// Communication: recipe `effective_communication`.
    pub communication: f64,
    /// Inclusion: recipe `inclusive` and `respect_diversity`.
    pub inclusion: f64,
    /// Respect for diversity: recipe `respect_diversity`.
    pub diversity: f64,
    /// Openness to change: recipe `willing_to_change`.
    pub openness: f64,
    /// Commitment to the common cause: recipe `common_interest_first`,
    /// `use_we`, `willing_to_change`.
    pub commitment: f64,
    /// Benefit seen: recipe `real_benefit`, `achieves_more_together`.
    pub benefit: f64,
    /// Capacity: recipe `will_and_resources`, `use_strengths`, success `capacity`.
    pub capacity: f64,
    /// Clear roles: works `division_of_labour`, success `focus`.
    pub division: f64,
    /// Space to act: success `space_to_act`.
    pub space: f64,
    /// Fit to the mission: success `good_fit`, `reality_check`.
    pub fit: f64,
    /// Obstacle: not enough time to grow trust.
    pub little_time: f64,
    /// Obstacle: pushed too soon into delivery.
    pub pushed: f64,
    /// Obstacle: no sustainable funding.
    pub unfunded: f64,
    /// Obstacle: targets set from outside.
    pub targets: f64,
}

/// The value an override gives to a scenario field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setting {
    /// A numeric parameter (a `Param` in the spec).
    Number(f64),
    /// A whole number of months (a `u32` field; 0 means "none" / "when ready").
    Months(u32),
    /// A switch (a `bool` field).
    Flag(bool),
}

impl Setting {
    /// The setting as a number (months as is, flags as 0/1).
    pub fn as_f64(self) -> f64 {
        match self {
            Setting::Number(v) => v,
            Setting::Months(m) => f64::from(m),
            Setting::Flag(b) => f64::from(u8::from(b)),
        }
    }

    /// The setting as a TOML value, as written in a variant's `set` table.
    pub fn to_toml(self) -> toml::Value {
        match self {
            Setting::Number(v) => toml::Value::Float(v),
            Setting::Months(m) => toml::Value::Integer(i64::from(m)),
            Setting::Flag(b) => toml::Value::Boolean(b),
        }
    }
}

/// One scenario field set by the assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Scenario path, e.g. `partnership.trust.prior`.
    pub path: String,
    /// The value it takes.
    pub setting: Setting,
}

/// Linear map of a score in [0, 1] onto [`at0`, `at1`] (either order).
pub fn lerp(at0: f64, at1: f64, score: f64) -> f64 {
    at0 + (at1 - at0) * score.clamp(0.0, 1.0)
}

/// Months between reviews for a learning-and-review score: none below 0.2,
/// yearly-ish steps above (24, then 12, then 6 months from 0.8).
pub fn review_interval(learning: f64) -> u32 {
    if learning < 0.2 {
        0
    } else if learning < 0.5 {
        24
    } else if learning < 0.8 {
        12
    } else {
        6
    }
}

/// Month delivery is forced to start for a "pushed too soon" score: 0 (when
/// the partnership is ready) below 0.25, else `round(18 − 12·score)`, so
/// month 15 down to month 6 when it applies fully.
pub fn delivery_start(pushed: f64) -> u32 {
    if pushed < 0.25 {
        0
    } else {
        (18.0 - 12.0 * pushed.clamp(0.0, 1.0)).round() as u32
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

impl Scores {
    /// The composite scores of a checklist; every answer must be valid.
    pub fn of(c: &Checklist) -> Result<Scores, AssessError> {
        c.validate()?;
        // After validation every answer is present and in [0, 1].
        let a = |x: Option<super::Answer>| x.map_or(0.0, |a| a.value());
        let (r, s, w, o) = (&c.recipe, &c.success, &c.works, &c.obstacles);
        Ok(Scores {
            vision: mean(&[a(r.shared_vision), a(w.shared_vision)]),
            trust: mean(&[a(w.reflexive_trust), a(r.trust)]),
            fairness: mean(&[a(w.fair_distribution), a(r.shared_responsibilities_rewards)]),
            learning: mean(&[
                a(w.shared_learning),
                a(r.learning_and_review),
                a(r.regular_review),
            ]),
            leadership: a(r.leadership),
            communication: a(r.effective_communication),
            inclusion: mean(&[a(r.inclusive), a(r.respect_diversity)]),
            diversity: a(r.respect_diversity),
            openness: a(r.willing_to_change),
            commitment: mean(&[
                a(r.common_interest_first),
                a(r.use_we),
                a(r.willing_to_change),
            ]),
            benefit: mean(&[a(r.real_benefit), a(r.achieves_more_together)]),
            capacity: mean(&[a(r.will_and_resources), a(r.use_strengths), a(s.capacity)]),
            division: mean(&[a(w.division_of_labour), a(s.focus)]),
            space: a(s.space_to_act),
            fit: mean(&[a(s.good_fit), a(s.reality_check)]),
            little_time: a(o.not_enough_time),
            pushed: a(o.pushed_too_soon),
            unfunded: a(o.no_sustainable_funding),
            targets: a(o.external_targets),
        })
    }

    /// The overrides these scores give, for a scenario with `partner_groups`
    /// partner groups (capacity and commitment are set for each group).
    pub fn overrides(&self, partner_groups: usize) -> Vec<Override> {
        use Setting::{Flag, Months, Number};
        let mut out: Vec<Override> = Vec::new();
        let mut set = |path: &str, setting: Setting| {
            out.push(Override {
                path: path.to_string(),
                setting,
            })
        };
        set("interventions.vision_work", Number(self.vision));
        set(
            "partnership.vision.sector_distance",
            Number(lerp(0.30, 0.05, self.vision)),
        );
        set(
            "partnership.vision.susceptibility",
            Number(lerp(0.40, 0.95, self.openness)),
        );
        set(
            "partnership.trust.prior",
            Number(lerp(0.30, 0.80, self.trust)),
        );
        set(
            "partnership.trust.cross_sector_gap",
            Number(lerp(0.30, 0.05, self.diversity)),
        );
        set(
            "partnership.fairness",
            Number(lerp(0.20, 0.95, self.fairness)),
        );
        set(
            "partnership.exit_threshold",
            Number(lerp(0.80, 0.50, self.benefit)),
        );
        set(
            "interventions.review.interval",
            Months(review_interval(self.learning)),
        );
        set(
            "partnership.delivery.learning_rate",
            Number(lerp(0.05, 0.30, self.learning)),
        );
        set("interventions.leadership", Number(self.leadership));
        set(
            "partnership.meeting_rate",
            Number(lerp(0.20, 0.80, self.communication)),
        );
        set(
            "partnership.cross_sector_contact",
            Number(lerp(0.20, 0.90, self.inclusion)),
        );
        set(
            "partnership.cross_level_contact",
            Number(lerp(0.20, 0.90, self.inclusion)),
        );
        for k in 0..partner_groups {
            set(
                &format!("partnership.partners[{k}].capacity"),
                Number(lerp(0.20, 0.90, self.capacity)),
            );
            set(
                &format!("partnership.partners[{k}].commitment"),
                Number(lerp(0.60, 0.98, self.commitment)),
            );
        }
        set(
            "partnership.commit_months",
            Number(lerp(9.0, 1.0, self.division)),
        );
        set("interventions.waivers.enabled", Flag(self.space > 0.0));
        set("interventions.waivers.flexibility", Number(self.space));
        set("governance.adaptation", Number(lerp(0.20, 0.90, self.fit)));
        set(
            "partnership.max_negotiation_months",
            Number(lerp(48.0, 6.0, self.little_time)),
        );
        set(
            "interventions.delivery_start",
            Months(delivery_start(self.pushed)),
        );
        set(
            "interventions.funding.sustainable",
            Flag(self.unfunded <= 0.5),
        );
        set(
            "interventions.funding.renewal",
            Number(lerp(0.95, 0.45, self.unfunded)),
        );
        set(
            "interventions.external_targets.enabled",
            Flag(self.targets > 0.0),
        );
        set(
            "interventions.external_targets.strictness",
            Number(self.targets),
        );
        out
    }
}

/// Sets `overrides` in `spec`. Numeric paths are found through
/// [`ScenarioSpec::for_each_param`]; whole-month and switch fields are set
/// directly. Unknown paths (or a setting of the wrong kind) are errors, and
/// nothing is changed then.
pub fn apply_overrides(overrides: &[Override], spec: &mut ScenarioSpec) -> Result<(), AssessError> {
    let mut numbers: BTreeMap<&str, f64> = BTreeMap::new();
    let mut updated = spec.clone();
    for o in overrides {
        let i = &mut updated.interventions;
        match (o.path.as_str(), o.setting) {
            (_, Setting::Number(v)) => {
                numbers.insert(o.path.as_str(), v);
            }
            ("interventions.review.interval", Setting::Months(m)) => i.review.interval = m,
            ("interventions.delivery_start", Setting::Months(m)) => i.delivery_start = m,
            ("interventions.waivers.enabled", Setting::Flag(b)) => i.waivers.enabled = b,
            ("interventions.funding.sustainable", Setting::Flag(b)) => i.funding.sustainable = b,
            ("interventions.external_targets.enabled", Setting::Flag(b)) => {
                i.external_targets.enabled = b
            }
            _ => {
                return Err(AssessError::UnknownParameter {
                    path: o.path.clone(),
                });
            }
        }
    }
    let mut used = 0;
    updated.for_each_param(&mut |slot| {
        if let Some(v) = numbers.get(slot.path.as_str()) {
            *slot.param = Param::Fixed(*v);
            used += 1;
        }
    });
    if used < numbers.len() {
        let known = updated.param_paths();
        let missing = numbers
            .keys()
            .find(|p| !known.iter().any(|k| k == *p))
            .map_or_else(String::new, |p| p.to_string());
        return Err(AssessError::UnknownParameter { path: missing });
    }
    *spec = updated;
    Ok(())
}

impl Checklist {
    /// The composite scores (see [`Scores`]); the checklist must be valid.
    pub fn scores(&self) -> Result<Scores, AssessError> {
        Scores::of(self)
    }

    /// The scenario fields this checklist sets, for `spec`'s partner groups.
    pub fn to_overrides(&self, spec: &ScenarioSpec) -> Result<Vec<Override>, AssessError> {
        Ok(self.scores()?.overrides(spec.partnership.partners.len()))
    }

    /// Sets the assessed parameters in `spec`; `spec` is unchanged on error.
    pub fn apply(&self, spec: &mut ScenarioSpec) -> Result<(), AssessError> {
        let overrides = self.to_overrides(spec)?;
        apply_overrides(&overrides, spec)
    }

    /// The overrides as a named scenario variant (`[[variants]]` with a
    /// `set` table), to compare the assessed partnership with others.
    pub fn to_variant(&self, name: &str, spec: &ScenarioSpec) -> Result<VariantSpec, AssessError> {
        let set = self
            .to_overrides(spec)?
            .into_iter()
            .map(|o| (o.path, o.setting.to_toml()))
            .collect();
        Ok(VariantSpec {
            name: name.to_string(),
            description: "parameters from an assessment checklist".to_string(),
            set,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_monotone_and_bounded() {
        let mut last_freq = 0.0;
        let mut last_start = f64::INFINITY;
        for k in 0..=100 {
            let x = f64::from(k) / 100.0;
            let iv = review_interval(x);
            let freq = if iv == 0 { 0.0 } else { 1.0 / f64::from(iv) };
            assert!(freq >= last_freq, "review frequency fell at {x}");
            last_freq = freq;
            let ds = delivery_start(x);
            // 0 means "never forced": the latest possible start.
            let start = if ds == 0 {
                f64::INFINITY
            } else {
                f64::from(ds)
            };
            assert!(start <= last_start, "delivery start moved later at {x}");
            assert!(ds == 0 || (6..=15).contains(&ds));
            last_start = start;
        }
        assert_eq!((review_interval(0.0), review_interval(1.0)), (0, 6));
        assert_eq!((delivery_start(0.0), delivery_start(1.0)), (0, 6));
    }

    #[test]
    fn lerp_clamps() {
        assert_eq!(lerp(0.3, 0.8, 0.0), 0.3);
        assert_eq!(lerp(0.3, 0.8, 1.0), 0.8);
        assert_eq!(lerp(9.0, 1.0, 2.0), 1.0);
        assert_eq!(lerp(9.0, 1.0, -1.0), 9.0);
    }

    #[test]
    fn unknown_paths_change_nothing() {
        let mut spec = ScenarioSpec::default();
        let before = spec.clone();
        let bad = [
            Override {
                path: "partnership.fairness".into(),
                setting: Setting::Number(0.9),
            },
            Override {
                path: "partnership.fairnes".into(),
                setting: Setting::Number(0.9),
            },
        ];
        let err = apply_overrides(&bad, &mut spec).unwrap_err();
        assert!(err.to_string().contains("partnership.fairnes"));
        assert_eq!(spec, before);
        let wrong_kind = [Override {
            path: "partnership.fairness".into(),
            setting: Setting::Flag(true),
        }];
        assert!(apply_overrides(&wrong_kind, &mut spec).is_err());
        assert_eq!(spec, before);
    }
}
