//! Assessment checklists: parsing, validation, the mapping to parameters and
//! Lloyd's typology.

use mlgov::assess::{
    AssessError, CapacityLevel, Checklist, Setting, Typology, classify, questions,
};
use mlgov::scenario::{PartnerGroup, Scenario, ScenarioSpec, VariantSpec};
use serde::Serialize;

/// Every answer path, in file order.
fn paths() -> Vec<String> {
    questions()
        .into_iter()
        .map(|(s, k, _)| format!("{s}.{k}"))
        .collect()
}

/// The template with every answer line filled in as `value`.
fn filled_template(value: &str) -> String {
    Checklist::template_toml()
        .lines()
        .map(
            |line| match line.strip_prefix("# ").and_then(|r| r.strip_suffix(" =")) {
                Some(key) if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                    format!("{key} = {value}")
                }
                _ => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every numeric parameter of `spec` with its range check.
fn out_of_range(spec: &ScenarioSpec) -> Vec<String> {
    let mut copy = spec.clone();
    let mut bad = Vec::new();
    copy.for_each_param(&mut |slot| {
        let v = slot.param.value();
        if !slot.range.contains(v) {
            bad.push(format!("{} = {v} not in {}", slot.path, slot.range));
        }
    });
    bad
}

fn applied(c: &Checklist) -> ScenarioSpec {
    let mut spec = ScenarioSpec::default();
    c.apply(&mut spec).unwrap();
    spec
}

/// Value of a numeric parameter (or a months/switch field) after applying `c`.
fn param(c: &Checklist, path: &str) -> f64 {
    let spec = ScenarioSpec::default();
    c.to_overrides(&spec)
        .unwrap()
        .into_iter()
        .find(|o| o.path == path)
        .unwrap_or_else(|| panic!("no override for {path}"))
        .setting
        .as_f64()
}

#[test]
fn template_lists_every_question_and_parses_back() {
    let t = Checklist::template_toml();
    for (section, key, question) in questions() {
        assert!(t.contains(&format!("[{section}]")));
        assert!(t.contains(&format!("# {key} =")), "{key} not in template");
        let first_word = question.split_whitespace().next().unwrap();
        assert!(t.contains(first_word));
    }
    // Blank, it parses into a checklist whose validation names all 30 answers.
    let blank = Checklist::from_toml(&t).unwrap();
    assert_eq!(blank, Checklist::default());
    match blank.validate().unwrap_err() {
        AssessError::Invalid { problems } => {
            assert_eq!(problems.len(), 30);
            assert!(problems.iter().all(|p| p.message == "missing"));
            let named: Vec<String> = problems.into_iter().map(|p| p.path).collect();
            assert_eq!(named, paths());
        }
        e => panic!("unexpected {e:?}"),
    }
    // Filled, it is a valid checklist equal to one built in code.
    let filled = Checklist::from_toml(&filled_template("0.5")).unwrap();
    filled.validate().unwrap();
    assert_eq!(filled, Checklist::filled(0.5));
    let yes = Checklist::from_toml(&filled_template("true")).unwrap();
    yes.validate().unwrap();
}

#[test]
fn validation_names_every_problem() {
    let text = "[recipe]\nshared_vision = 0.5\ntrust = -0.1\n\n[success]\nfocus = 1.4\n\n[works]\nreflexive_trust = nan\nshared_learning = true\n";
    let c = Checklist::from_toml(text).unwrap();
    let err = c.validate().unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("recipe.trust: must be in [0, 1], got -0.1"),
        "{msg}"
    );
    assert!(
        msg.contains("success.focus: must be in [0, 1], got 1.4"),
        "{msg}"
    );
    assert!(
        msg.contains("works.reflexive_trust: must be in [0, 1], got NaN"),
        "{msg}"
    );
    assert!(msg.contains("recipe.leadership: missing"), "{msg}");
    assert!(!msg.contains("recipe.shared_vision"), "{msg}");
    assert!(!msg.contains("works.shared_learning"), "{msg}");
    let AssessError::Invalid { problems } = err else {
        panic!("not Invalid")
    };
    assert_eq!(problems.len(), 30 - 2);
    assert!(msg.starts_with("checklist: 28 problems"));

    // Invalid checklists never change a spec.
    let mut spec = ScenarioSpec::default();
    assert!(c.apply(&mut spec).is_err());
    assert_eq!(spec, ScenarioSpec::default());
    assert!(c.to_overrides(&spec).is_err());
}

#[test]
fn unknown_sections_and_keys_are_rejected() {
    let e = Checklist::from_toml("[recipe]\nuse_we = 1\nshard_vision = 1\n").unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, AssessError::Toml { line: Some(3), .. }),
        "{msg}"
    );
    assert!(msg.contains("shard_vision"), "{msg}");
    assert!(Checklist::from_toml("[recpie]\n").is_err());
    assert!(Checklist::from_toml("[recipe]\nuse_we = \"often\"\n").is_err());
    assert!(Checklist::from_toml("not toml at all = = =").is_err());
}

#[test]
fn booleans_equal_zero_and_one() {
    assert_eq!(
        applied(&Checklist::filled(true)),
        applied(&Checklist::filled(1.0))
    );
    assert_eq!(
        applied(&Checklist::filled(false)),
        applied(&Checklist::filled(0.0))
    );
}

#[test]
fn serialises_and_reads_back() {
    let mut c = Checklist::filled(0.25);
    c.set("works.reflexive_trust", true).unwrap();
    let text = toml::to_string(&c).unwrap();
    assert_eq!(Checklist::from_toml(&text).unwrap(), c);
}

#[test]
fn extreme_and_mixed_answers_stay_in_range_and_pass_scenario_checks() {
    let mut cases = vec![
        Checklist::filled(0.0),
        Checklist::filled(1.0),
        Checklist::filled(0.5),
    ];
    // A deterministic scatter of mixed answers.
    let mut x: u64 = 7;
    for _ in 0..20 {
        let mut c = Checklist::default();
        for p in paths() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            c.set(&p, (x >> 11) as f64 / (1u64 << 53) as f64).unwrap();
        }
        cases.push(c);
    }
    #[derive(Serialize)]
    struct Variants {
        variants: Vec<VariantSpec>,
    }
    for (k, c) in cases.iter().enumerate() {
        let spec = applied(c);
        assert!(
            out_of_range(&spec).is_empty(),
            "case {k}: {:?}",
            out_of_range(&spec)
        );
        // Through the scenario file checks, as a variant.
        let variant = c.to_variant("assessed", &ScenarioSpec::default()).unwrap();
        let text = toml::to_string(&Variants {
            variants: vec![variant],
        })
        .unwrap();
        let scenario = Scenario::from_toml(&text, "assessed.toml")
            .unwrap_or_else(|e| panic!("case {k}: {e}\n{text}"));
        let mut expected = spec.clone();
        expected.variants = Vec::new();
        let mut got = scenario.configurations()[0].spec.clone();
        got.variants = Vec::new();
        assert_eq!(got, expected, "case {k}");
    }
}

#[test]
fn every_answer_moves_some_parameter() {
    let spec = ScenarioSpec::default();
    for p in paths() {
        let mut lo = Checklist::filled(0.5);
        let mut hi = lo.clone();
        lo.set(&p, 0.0).unwrap();
        hi.set(&p, 1.0).unwrap();
        assert_ne!(
            lo.to_overrides(&spec).unwrap(),
            hi.to_overrides(&spec).unwrap(),
            "{p} changes nothing"
        );
    }
}

/// (answer, parameter, +1 if the parameter rises with the answer, −1 if it falls).
const MONOTONE: &[(&str, &str, i8)] = &[
    ("recipe.trust", "partnership.trust.prior", 1),
    ("works.reflexive_trust", "partnership.trust.prior", 1),
    ("works.fair_distribution", "partnership.fairness", 1),
    (
        "recipe.shared_responsibilities_rewards",
        "partnership.fairness",
        1,
    ),
    ("recipe.shared_vision", "interventions.vision_work", 1),
    (
        "works.shared_vision",
        "partnership.vision.sector_distance",
        -1,
    ),
    (
        "recipe.willing_to_change",
        "partnership.vision.susceptibility",
        1,
    ),
    (
        "recipe.respect_diversity",
        "partnership.trust.cross_sector_gap",
        -1,
    ),
    (
        "recipe.respect_diversity",
        "partnership.cross_sector_contact",
        1,
    ),
    ("recipe.inclusive", "partnership.cross_level_contact", 1),
    ("recipe.real_benefit", "partnership.exit_threshold", -1),
    (
        "recipe.achieves_more_together",
        "partnership.exit_threshold",
        -1,
    ),
    (
        "works.shared_learning",
        "partnership.delivery.learning_rate",
        1,
    ),
    (
        "recipe.regular_review",
        "partnership.delivery.learning_rate",
        1,
    ),
    (
        "recipe.learning_and_review",
        "partnership.delivery.learning_rate",
        1,
    ),
    ("recipe.leadership", "interventions.leadership", 1),
    (
        "recipe.effective_communication",
        "partnership.meeting_rate",
        1,
    ),
    (
        "recipe.will_and_resources",
        "partnership.partners[0].capacity",
        1,
    ),
    ("success.capacity", "partnership.partners[9].capacity", 1),
    (
        "recipe.use_strengths",
        "partnership.partners[3].capacity",
        1,
    ),
    (
        "recipe.common_interest_first",
        "partnership.partners[0].commitment",
        1,
    ),
    ("recipe.use_we", "partnership.partners[5].commitment", 1),
    ("works.division_of_labour", "partnership.commit_months", -1),
    ("success.focus", "partnership.commit_months", -1),
    (
        "success.space_to_act",
        "interventions.waivers.flexibility",
        1,
    ),
    ("success.good_fit", "governance.adaptation", 1),
    ("success.reality_check", "governance.adaptation", 1),
    (
        "obstacles.not_enough_time",
        "partnership.max_negotiation_months",
        -1,
    ),
    (
        "obstacles.no_sustainable_funding",
        "interventions.funding.renewal",
        -1,
    ),
    (
        "obstacles.external_targets",
        "interventions.external_targets.strictness",
        1,
    ),
];

#[test]
fn mappings_are_monotone() {
    for base in [0.0, 0.5, 1.0] {
        for &(answer, path, sign) in MONOTONE {
            let mut c = Checklist::filled(base);
            let mut last = f64::NAN;
            let mut first = f64::NAN;
            for k in 0..=20 {
                c.set(answer, f64::from(k) / 20.0).unwrap();
                let v = param(&c, path) * f64::from(sign);
                if k == 0 {
                    first = v;
                } else {
                    assert!(v >= last, "{answer} → {path} not monotone (base {base})");
                }
                last = v;
            }
            assert!(
                last > first,
                "{answer} → {path} does not move (base {base})"
            );
        }
    }
}

#[test]
fn months_and_switches_follow_the_answers() {
    let with = |path: &str, v: f64| {
        let mut c = Checklist::filled(0.5);
        c.set(path, v).unwrap();
        applied(&c)
    };
    // Learning and review: none when absent, every 6 months when strong.
    let mut c = Checklist::filled(0.5);
    for p in [
        "works.shared_learning",
        "recipe.learning_and_review",
        "recipe.regular_review",
    ] {
        c.set(p, 0.0).unwrap();
    }
    assert_eq!(applied(&c).interventions.review.interval, 0);
    assert_eq!(
        applied(&Checklist::filled(1.0))
            .interventions
            .review
            .interval,
        6
    );
    assert_eq!(
        applied(&Checklist::filled(0.5))
            .interventions
            .review
            .interval,
        12
    );
    // Pushed too soon: forced delivery from month 6 when it applies fully.
    assert_eq!(
        with("obstacles.pushed_too_soon", 1.0)
            .interventions
            .delivery_start,
        6
    );
    assert_eq!(
        with("obstacles.pushed_too_soon", 0.0)
            .interventions
            .delivery_start,
        0
    );
    assert_eq!(
        with("obstacles.pushed_too_soon", 0.5)
            .interventions
            .delivery_start,
        12
    );
    // Funding is short-term above 0.5.
    assert!(
        with("obstacles.no_sustainable_funding", 0.5)
            .interventions
            .funding
            .sustainable
    );
    assert!(
        !with("obstacles.no_sustainable_funding", 0.51)
            .interventions
            .funding
            .sustainable
    );
    // Targets from outside and waivers switch on with their strength.
    let t = with("obstacles.external_targets", 0.0)
        .interventions
        .external_targets;
    assert!(!t.enabled && t.strictness.value() == 0.0);
    let t = with("obstacles.external_targets", 0.7)
        .interventions
        .external_targets;
    assert!(t.enabled && t.strictness.value() == 0.7);
    let w = with("success.space_to_act", 0.0).interventions.waivers;
    assert!(!w.enabled);
    let w = with("success.space_to_act", 0.9).interventions.waivers;
    assert!(w.enabled && w.flexibility.value() == 0.9);
}

#[test]
fn overrides_cover_every_partner_group_and_only_touch_their_fields() {
    let mut spec = ScenarioSpec::default();
    spec.partnership.partners = vec![PartnerGroup::default(); 3];
    let overrides = Checklist::filled(1.0).to_overrides(&spec).unwrap();
    let caps = overrides
        .iter()
        .filter(|o| o.path.ends_with(".capacity"))
        .count();
    assert_eq!(caps, 3);
    let before = spec.clone();
    Checklist::filled(1.0).apply(&mut spec).unwrap();
    assert_eq!(spec.partnership.partners.len(), 3);
    for g in &spec.partnership.partners {
        assert!((g.capacity.value() - 0.9).abs() < 1e-12);
        assert!((g.commitment.value() - 0.98).abs() < 1e-12);
    }
    // Fields outside the mapping are untouched.
    assert_eq!(
        spec.partnership.trust.forgetting,
        before.partnership.trust.forgetting
    );
    assert_eq!(spec.governance.silos, before.governance.silos);
    assert_eq!(spec.experiment, before.experiment);
    // Every override is of the right kind.
    for o in &overrides {
        let months =
            o.path == "interventions.review.interval" || o.path == "interventions.delivery_start";
        let flag = o.path.ends_with(".enabled") || o.path.ends_with(".sustainable");
        match o.setting {
            Setting::Months(_) => assert!(months, "{}", o.path),
            Setting::Flag(_) => assert!(flag, "{}", o.path),
            Setting::Number(v) => assert!(!months && !flag && v.is_finite(), "{}", o.path),
        }
    }
}

#[test]
fn typology_regions() {
    assert_eq!(classify(0.9, 0.1), Typology::LocalPartnership);
    assert_eq!(classify(0.1, 0.9), Typology::QuasiPublicDeliveryBody);
    assert_eq!(classify(0.9, 0.9), Typology::MatureMultiPurpose);
    assert_eq!(classify(0.1, 0.1), Typology::BaseCapacity);
    assert_eq!(classify(0.5, 0.5), Typology::ComplexHybrid);
    // Central band on one axis only: the quadrant decides.
    assert_eq!(classify(0.55, 0.1), Typology::LocalPartnership);
    assert_eq!(classify(0.9, 0.45), Typology::LocalPartnership);
    assert_eq!(classify(0.45, 0.95), Typology::QuasiPublicDeliveryBody);
}

#[test]
fn typology_boundaries() {
    // High starts at 0.5 exactly.
    assert_eq!(classify(0.5, 0.0), Typology::LocalPartnership);
    assert_eq!(classify(0.499_999, 0.0), Typology::BaseCapacity);
    assert_eq!(classify(0.0, 0.5), Typology::QuasiPublicDeliveryBody);
    assert_eq!(classify(1.0, 0.5), Typology::MatureMultiPurpose);
    // The hybrid band is open: 0.4 and 0.6 are outside it.
    assert_eq!(classify(0.4, 0.5), Typology::QuasiPublicDeliveryBody);
    assert_eq!(classify(0.6, 0.5), Typology::MatureMultiPurpose);
    assert_eq!(classify(0.5, 0.4), Typology::LocalPartnership);
    assert_eq!(classify(0.4, 0.4), Typology::BaseCapacity);
    assert_eq!(classify(0.400_001, 0.599_999), Typology::ComplexHybrid);
    assert_eq!(classify(0.599_999, 0.400_001), Typology::ComplexHybrid);
}

#[test]
fn typology_levels_names_and_descriptions() {
    assert_eq!(
        Typology::LocalPartnership.level(),
        Some(CapacityLevel::Base)
    );
    assert_eq!(Typology::BaseCapacity.level(), Some(CapacityLevel::Base));
    assert_eq!(
        Typology::QuasiPublicDeliveryBody.level(),
        Some(CapacityLevel::Delivery)
    );
    assert_eq!(
        Typology::MatureMultiPurpose.level(),
        Some(CapacityLevel::Delivery)
    );
    assert_eq!(Typology::ComplexHybrid.level(), None);
    assert_eq!(CapacityLevel::of(0.49).number(), 1);
    assert_eq!(CapacityLevel::of(0.5).number(), 2);
    for t in Typology::ALL {
        assert_eq!(t.to_string(), t.name());
        assert!(t.description().ends_with('.'));
        // The level agrees with where the quadrant's points lie.
        if let Some(level) = t.level() {
            let d = if level == CapacityLevel::Delivery {
                0.9
            } else {
                0.1
            };
            assert_eq!(CapacityLevel::of(d), level);
        }
    }
}
