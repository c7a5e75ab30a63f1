//! Partners that join later (`partnership.partners[k].join_month`): no
//! effect before they join, counted from the month they join, checked like
//! the other whole-number fields.

use mlgov::partnership::{GovernanceModel, GovernanceParams, Sector};
use mlgov::scenario::{PartnerGroup, ScenarioSpec};
use mlgov::sim::{Model, run_single};
use mlgov::{Level, Phase, Scenario};

const MONTHS: u32 = 60;

/// The default twelve partners, no exits, plus (if `join` is given) one
/// private local newcomer appended after them.
fn spec(join: Option<u32>) -> ScenarioSpec {
    let mut spec = ScenarioSpec::default();
    spec.partnership.exit_rate = 0.0.into();
    if let Some(join_month) = join {
        spec.partnership.partners.push(PartnerGroup {
            name: "newcomer".into(),
            sector: Sector::Private,
            level: Level::Local,
            join_month,
            ..PartnerGroup::default()
        });
    }
    spec
}

fn column(name: &str) -> usize {
    GovernanceModel
        .observables()
        .iter()
        .position(|x| x == name)
        .unwrap()
}

fn run(spec: &ScenarioSpec, seed: u64) -> mlgov::sim::RunRecord {
    let params = GovernanceParams::from_spec(spec).unwrap();
    run_single(&GovernanceModel, &params, MONTHS, seed).unwrap()
}

#[test]
fn a_late_partner_has_no_effect_before_it_joins() {
    let active = column("active_partners");
    let phase = column("phase");
    let dissolved = Phase::Dissolved as u8 as f64;
    for seed in 0..20 {
        let without = run(&spec(None), seed);
        let with = run(&spec(Some(25)), seed);
        // Before month 25 every observation is bit-for-bit that of the
        // partnership without the newcomer (its initial view is drawn last,
        // so the others' draws do not move).
        for t in 1..25 {
            assert_eq!(
                with.observations[t - 1],
                without.observations[t - 1],
                "seed {seed}, month {t}"
            );
            let row = &with.observations[t - 1];
            if row[phase] != dissolved {
                assert_eq!(row[active], 12.0, "seed {seed}, month {t}");
            }
        }
        // From month 25 on the newcomer counts (nobody leaves: exit_rate = 0).
        for t in 25..=MONTHS as usize {
            let row = &with.observations[t - 1];
            if row[phase] != dissolved {
                assert_eq!(row[active], 13.0, "seed {seed}, month {t}");
            }
        }
        assert_ne!(with.observations[24], without.observations[24]);
    }
}

#[test]
fn a_partner_joining_after_the_last_month_never_joins() {
    for seed in 0..10 {
        let without = run(&spec(None), seed);
        let never = run(&spec(Some(MONTHS + 1)), seed);
        assert_eq!(never.observations, without.observations, "seed {seed}");
        assert_eq!(never.finals, without.finals, "seed {seed}");
    }
}

#[test]
fn a_growing_partnership_is_not_dissolved_before_the_newcomers_arrive() {
    // Three founders, thirty companies from month 13: with the quorum taken
    // over all 33 the founders alone (3 < 0.75 · 33) would dissolve at once.
    let mut spec = ScenarioSpec::default();
    spec.partnership.exit_rate = 0.0.into();
    spec.partnership.partners = vec![
        PartnerGroup {
            name: "ministry".into(),
            level: Level::National,
            ..PartnerGroup::default()
        },
        PartnerGroup {
            name: "council".into(),
            count: 2,
            ..PartnerGroup::default()
        },
        PartnerGroup {
            name: "company".into(),
            sector: Sector::Private,
            count: 30,
            join_month: 13,
            ..PartnerGroup::default()
        },
    ];
    let active = column("active_partners");
    let phase = column("phase");
    for seed in 0..10 {
        let r = run(&spec, seed);
        for t in 1..=12 {
            let row = &r.observations[t - 1];
            assert_ne!(row[phase], Phase::Dissolved as u8 as f64, "seed {seed}");
            assert_eq!(row[active], 3.0, "seed {seed}, month {t}");
        }
        let row = &r.observations[12];
        if row[phase] != Phase::Dissolved as u8 as f64 {
            assert_eq!(row[active], 33.0, "seed {seed}");
        }
    }
}

fn err(text: &str) -> String {
    Scenario::from_toml(text, "t.toml").unwrap_err().to_string()
}

const TWO: &str = "[[partnership.partners]]\nname = 'a'\ncount = 2\n[[partnership.partners]]\nname = 'b'\ncount = 3\n";

#[test]
fn join_month_is_checked_like_the_other_whole_numbers() {
    let e = err(&format!(
        "{TWO}[[partnership.partners]]\nname = 'c'\njoin_month = 0\n[[partnership.partners]]\nname = 'd'\njoin_month = 1201\n"
    ));
    assert!(
        e.contains("partnership.partners[2].join_month: must be in [1, 1200], got 0"),
        "{e}"
    );
    assert!(
        e.contains("partnership.partners[3].join_month: must be in [1, 1200], got 1201"),
        "{e}"
    );
    let e = err(&format!(
        "{TWO}[[partnership.partners]]\njoin_month = 'later'\n[[partnership.partners]]\njoin_month = 2.5\n[[partnership.partners]]\njoin_month = -3\n"
    ));
    assert!(
        e.contains(
            "partnership.partners[2].join_month: expected a whole number, got the string \"later\""
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "partnership.partners[3].join_month: expected a whole number, got the number 2.5"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "partnership.partners[4].join_month: must be a whole number in [1, 1200], got -3"
        ),
        "{e}"
    );
    // A partnership needs two founders.
    let e = err(
        "[[partnership.partners]]\nname = 'a'\n[[partnership.partners]]\nname = 'b'\ncount = 4\njoin_month = 7\n",
    );
    assert!(
        e.contains(
            "partnership.partners: needs at least 2 partners present from month 1 (join_month = 1), got 1"
        ),
        "{e}"
    );
    // After the last month is allowed: the group never joins.
    let ok = Scenario::from_toml(
        &format!("[experiment]\nmonths = 24\n{TWO}[[partnership.partners]]\njoin_month = 400\n"),
        "ok.toml",
    )
    .unwrap();
    assert_eq!(ok.spec.partnership.partners[2].join_month, 400);
}

#[test]
fn variants_can_set_join_month() {
    let s = Scenario::from_toml(
        &format!(
            "{TWO}[[variants]]\nname = 'now'\n[[variants]]\nname = 'later'\nset = {{ 'partnership.partners[1].join_month' = 37 }}\n"
        ),
        "v.toml",
    )
    .unwrap();
    let c = s.configurations();
    assert_eq!(c[0].spec.partnership.partners[1].join_month, 1);
    assert_eq!(c[1].spec.partnership.partners[1].join_month, 37);
    let e = err(&format!(
        "{TWO}[[variants]]\nname = 'never'\nset = {{ 'partnership.partners[1].join_month' = 0 }}\n"
    ));
    assert!(
        e.contains("partnership.partners[1].join_month: must be in [1, 1200], got 0"),
        "{e}"
    );
    // On the default partners, which a variant path creates.
    let s = Scenario::from_toml(
        "[[variants]]\nname = 'late_college'\nset = { 'partnership.partners[9].join_month' = 37 }\n",
        "d.toml",
    )
    .unwrap();
    assert_eq!(
        s.configurations()[0].spec.partnership.partners[9].join_month,
        37
    );
}
