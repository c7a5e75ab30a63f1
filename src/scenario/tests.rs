use super::*;

fn err(text: &str) -> String {
    Scenario::from_toml(text, "t.toml").unwrap_err().to_string()
}

#[test]
fn empty_scenario_is_valid_with_defaults() {
    let s = Scenario::from_toml("", "empty.toml").unwrap();
    assert_eq!(s.configurations().len(), 1);
    assert_eq!(s.spec, ScenarioSpec::default());
    assert!(s.summary().contains("ok"));
}

#[test]
fn every_error_is_reported_with_path_range_and_value() {
    let e = err(
        "[partnership.trust]\nforgetting = 1.7\nprior = -0.2\nfogetting = 1\n[governance]\nsilos = 0\ncolour = 'red'\n[experiment]\nreplications = 0\n",
    );
    assert!(
        e.contains("partnership.trust.forgetting: must be in (0, 1], got 1.7"),
        "{e}"
    );
    assert!(
        e.contains("partnership.trust.prior: must be in [0, 1], got -0.2"),
        "{e}"
    );
    assert!(
        e.contains("partnership.trust.fogetting: unknown field (did you mean `forgetting`?)"),
        "{e}"
    );
    assert!(
        e.contains("governance.silos: must be in [1, 20], got 0"),
        "{e}"
    );
    assert!(e.contains("governance.colour: unknown field"), "{e}");
    assert!(
        e.contains("experiment.replications: must be in [1, 10000000], got 0"),
        "{e}"
    );
    assert!(e.starts_with("t.toml: 6 problems"), "{e}");
}

#[test]
fn the_output_format_is_csv_or_parquet() {
    let e = err("[experiment]\nformat = 'xlsx'\n");
    assert!(
        e.contains(
            "experiment.format: unknown output format \"xlsx\"; expected one of: csv, parquet"
        ),
        "{e}"
    );
    let s = Scenario::from_toml("[experiment]\nformat = 'parquet'\n", "t.toml").unwrap();
    assert_eq!(
        s.spec.experiment.format,
        crate::experiment::OutputFormat::Parquet
    );
    let s = Scenario::from_toml("", "t.toml").unwrap();
    assert_eq!(
        s.spec.experiment.format,
        crate::experiment::OutputFormat::Csv
    );
}

#[test]
fn wrong_types_and_enum_names_are_named() {
    let e = err(
        "[experiment]\nmonths = 'ten'\n[governance]\nassignment = 'N-X-L'\ndomains = ['jobs', 'fishing']\n[[partnership.partners]]\nsector = 'pirate'\nlevel = 'local'\ncount = 2\n[[partnership.partners]]\nsector = 'public'\nlevel = 'planet'\n",
    );
    assert!(
        e.contains("experiment.months: expected a whole number, got the string \"ten\""),
        "{e}"
    );
    assert!(
        e.contains("governance.assignment: invalid assignment code `N-X-L`"),
        "{e}"
    );
    assert!(
        e.contains("governance.domains[1]: unknown policy domain \"fishing\""),
        "{e}"
    );
    assert!(
        e.contains("partnership.partners[0].sector: unknown sector \"pirate\""),
        "{e}"
    );
    assert!(
        e.contains("partnership.partners[1].level: unknown level \"planet\""),
        "{e}"
    );
}

#[test]
fn distributions_are_checked_against_the_range() {
    let e = err(
        "[partnership.trust]\nforgetting = { dist = 'normal', mean = 0.9, sd = 0.1 }\nprior = { dist = 'uniform', low = 0.8, high = 0.2 }\nweight_kept = { dist = 'gamma', k = 2 }\nweight_broken = { dist = 'uniform', low = 1 }\n",
    );
    assert!(e.contains("partnership.trust.forgetting: must be in (0, 1], but the distribution can give values in [-∞, ∞]"), "{e}");
    assert!(
        e.contains("partnership.trust.prior: needs low < high"),
        "{e}"
    );
    assert!(
        e.contains("partnership.trust.weight_kept.dist: unknown distribution \"gamma\""),
        "{e}"
    );
    assert!(
        e.contains("partnership.trust.weight_broken: uniform distribution needs `high`"),
        "{e}"
    );
    let ok = Scenario::from_toml(
        "[partnership.trust]\nforgetting = { dist = 'truncated_normal', mean = 0.95, sd = 0.02, low = 0.9, high = 0.99 }\nweight_broken = { dist = 'lognormal', mu = 0.5, sigma = 0.2 }\n",
        "ok.toml",
    );
    assert!(
        ok.is_err(),
        "lognormal is unbounded above but weight_broken is capped at 10"
    );
    let ok = Scenario::from_toml(
        "[partnership.costs]\nrunning = { dist = 'lognormal', mu = -1, sigma = 0.3 }\n",
        "ok.toml",
    )
    .unwrap();
    assert_eq!(ok.uncertain_count(0), 1);
}

#[test]
fn variants_assignments_and_grid_expand_to_configurations() {
    let s = Scenario::from_toml(
        "[experiment]\nassignments = ['N-N-L', 'L-L-L']\nbaseline = 'with/L-L-L/fairness=0.2'\n[experiment.grid]\n'partnership.fairness' = [0.2, 0.8]\n[[variants]]\nname = 'without'\n[[variants]]\nname = 'with'\nset = { 'interventions.staff_exchanges.per_year' = 12 }\n",
        "v.toml",
    )
    .unwrap();
    let names: Vec<&str> = s.configurations().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 8);
    assert_eq!(names[0], "without/N-N-L/fairness=0.2");
    assert_eq!(names[7], "with/L-L-L/fairness=0.8");
    assert_eq!(
        s.configurations()[s.baseline()].name,
        "with/L-L-L/fairness=0.2"
    );
    let c = &s.configurations()[7].spec;
    assert_eq!(c.interventions.staff_exchanges.per_year, Param::Fixed(12.0));
    assert_eq!(c.partnership.fairness, Param::Fixed(0.8));
    assert_eq!(c.governance.assignment.to_string(), "L-L-L");
}

#[test]
fn bad_variants_and_grids_are_named() {
    let e = err(
        "[[variants]]\nname = 'a'\nset = { 'partnership.trust.forgetting' = 3 }\n[[variants]]\nname = 'a'\n",
    );
    assert!(
        e.contains("variants.a: partnership.trust.forgetting: must be in (0, 1], got 3"),
        "{e}"
    );
    assert!(e.contains("duplicate variant name `a`"), "{e}");
    let e = err("[[variants]]\nname = 'b'\nset = { 'partnership.trust.nope' = 3 }\n");
    assert!(
        e.contains("variants.b: partnership.trust.nope: unknown field"),
        "{e}"
    );
    let e = err("[experiment.grid]\n'partnership.fairnes' = [0.1]\n");
    assert!(e.contains("did you mean `partnership.fairness`"), "{e}");
    let e = err("[experiment]\nbaseline = 'nope'\n");
    assert!(
        e.contains("experiment.baseline: no configuration named \"nope\""),
        "{e}"
    );
    let e = err("[[variants]]\nname = 'p'\nset = { 'partnership.partners[40].capacity' = 0.5 }\n");
    assert!(e.contains("index 40 is out of range"), "{e}");
}

#[test]
fn syntax_errors_and_garbage_give_a_line() {
    let e = err("[experiment]\nseed = \n");
    assert!(e.contains("TOML syntax error at line 2"), "{e}");
    let e = Scenario::load(std::path::Path::new("/nonexistent/s.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/nonexistent/s.toml") && e.contains("cannot read the file"),
        "{e}"
    );
    let dir = std::env::temp_dir().join(format!("mlgov-garbage-{}", std::process::id()));
    std::fs::write(&dir, [0u8, 159, 146, 150, 255, 1, 2]).unwrap();
    let e = Scenario::load(&dir).unwrap_err().to_string();
    std::fs::remove_file(&dir).ok();
    assert!(e.contains("not a text file"), "{e}");
}

#[test]
fn sampling_is_deterministic_and_in_range() {
    let s = Scenario::from_toml(
        "[partnership]\nfairness = { dist = 'uniform', low = 0.1, high = 0.3 }\n",
        "s.toml",
    )
    .unwrap();
    let cfg = &s.engine_configurations()[0];
    let a = (cfg.sampler)(&mut crate::sim::rng_from_seed(1)).unwrap();
    let b = (cfg.sampler)(&mut crate::sim::rng_from_seed(1)).unwrap();
    let c = (cfg.sampler)(&mut crate::sim::rng_from_seed(2)).unwrap();
    assert_eq!(a.fairness, b.fairness);
    assert_ne!(a.fairness, c.fairness);
    assert!((0.1..=0.3).contains(&a.fairness));
}

#[test]
fn a_variant_problem_is_reported_once_across_assignments() {
    let e = err(
        "[experiment]\nassignments = 'all'\n[[variants]]\nname = 'v'\nset = { 'partnership.trust.forgetting' = 2.0 }\n",
    );
    assert_eq!(
        e.matches("variants.v: partnership.trust.forgetting: must be in (0, 1], got 2")
            .count(),
        1,
        "{e}"
    );
    assert!(e.starts_with("t.toml: 1 problem"), "{e}");
}

#[test]
fn summary_counts_the_partners_of_every_configuration() {
    let s = Scenario::from_toml(
        "[[partnership.partners]]\nsector = 'private'\nlevel = 'local'\ncount = 6\n[[variants]]\nname = 'small'\n[[variants]]\nname = 'large'\nset = { 'partnership.partners[0].count' = 15 }\n",
        "t.toml",
    )
    .unwrap();
    assert!(s.summary().contains("6–15 partners"), "{}", s.summary());
}

#[test]
fn huge_partner_counts_are_refused_without_overflow() {
    // Two groups of four billion partners: the pair-slot check must not
    // overflow (found by the fuzz pass) and must name the problem.
    let e = err(
        "[[partnership.partners]]\nsector = 'public'\nlevel = 'local'\ncount = 4000000000\n[[partnership.partners]]\nsector = 'private'\nlevel = 'local'\ncount = 4000000000\n",
    );
    assert!(e.contains("partnership"), "{e}");
    assert!(e.contains("pair slots") || e.contains("count"), "{e}");
}

#[test]
fn whole_numbers_beyond_toml_are_reported_with_their_field_and_the_rest() {
    // Beyond ±2^63 TOML has no whole number: each is still named with its
    // field, range and value as written, and the other problems are kept.
    let e = err(
        "[experiment]\nmonths = 99_999_999_999_999_999_999\nseed = 18446744073709551616\n\
         replications = 0\n[[partnership.partners]]\nname = 'a'\ncount = 9223372036854775808\n",
    );
    assert!(
        e.contains(
            "experiment.months: must be a whole number in [0, 4294967295], got 99999999999999999999"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "experiment.seed: must be a whole number in [0, 9223372036854775807], got 18446744073709551616"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "partnership.partners[0].count: must be a whole number in [0, 4294967295], got 9223372036854775808"
        ),
        "{e}"
    );
    assert!(e.contains("experiment.replications"), "{e}");
    // Other syntax errors stay syntax errors.
    let e = err("[experiment]\nmonths = 12_\n");
    assert!(e.contains("TOML syntax error at line 2"), "{e}");
}

#[test]
fn a_file_of_huge_numbers_is_read_in_bounded_time() {
    // Each widened literal costs a parse of the whole text, so only the
    // first few are widened; past them the syntax error stands. A file of
    // 20,000 such numbers must not take 20,000 parses.
    let mut text = String::from("[experiment]\n");
    for k in 0..20_000 {
        text.push_str(&format!("x{k} = 99999999999999999999\n"));
    }
    let start = std::time::Instant::now();
    let e = err(&text);
    assert!(
        e.contains("TOML syntax error at line") && e.contains("99999999999999999999"),
        "{e}"
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}
