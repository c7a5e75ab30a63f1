//! What the explorer's page may set and show: the limits of a request, the
//! controls (each a scenario field in plain words, with the range the page
//! offers) and the headline metrics.
//!
//! Owns data only: the scenario checker has the last word on every value
//! (`tests` in the parent module checks that every control is a field the
//! checker accepts), and answering requests is the parent module's work.

/// Most replications a request may ask for.
pub const MAX_REPLICATIONS: u64 = 500;
/// Replications the page starts with, and a run request that names none
/// gets (or the scenario's own, if fewer): few enough that a run of the
/// default partnership answers in well under a second (docs/performance.md).
pub const PAGE_REPLICATIONS: u64 = 50;
/// Most months a request may ask for.
pub const MAX_MONTHS: u32 = 240;
/// Most replications of a grid request (27 configurations each).
pub const MAX_GRID_REPLICATIONS: u64 = 100;
/// Most localities (regions × localities per region) a request may set.
pub const MAX_LOCALITIES: u64 = 36;
/// Grids kept in the cache.
pub const GRID_CACHE_SIZE: usize = 16;

/// The observables drawn as fan charts on the page.
pub const FAN_OBSERVABLES: [&str; 4] =
    ["trust_mean", "transaction_cost", "delivery", "value_added"];

/// The name of the base scenario's configuration in a run.
pub const BASELINE: &str = "baseline";
/// The name of the configuration chosen on the page in a run.
pub const EXPLORED: &str = "explored";

/// One control of the page: a scenario field, in plain words.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// The scenario field it sets.
    pub path: &'static str,
    /// Its label on the page.
    pub label: &'static str,
    /// A one-line explanation in plain words.
    pub explain: &'static str,
    /// `"number"` or `"bool"`.
    pub kind: &'static str,
    /// Smallest value the page offers (the scenario checker has the last word).
    pub min: f64,
    /// Largest value the page offers.
    pub max: f64,
    /// Step of the page's input.
    pub step: f64,
}

const fn number(
    path: &'static str,
    label: &'static str,
    explain: &'static str,
    min: f64,
    max: f64,
    step: f64,
) -> Control {
    Control {
        path,
        label,
        explain,
        kind: "number",
        min,
        max,
        step,
    }
}

const fn flag(path: &'static str, label: &'static str, explain: &'static str) -> Control {
    Control {
        path,
        label,
        explain,
        kind: "bool",
        min: 0.0,
        max: 1.0,
        step: 1.0,
    }
}

/// The seed interventions and settings the page offers, in display order.
pub const CONTROLS: [Control; 17] = [
    number(
        "interventions.staff_exchanges.per_year",
        "Staff exchanges per year",
        "Staff spend a week in a partner organisation of another sector; every exchange is first-hand evidence that builds trust.",
        0.0,
        200.0,
        1.0,
    ),
    number(
        "interventions.leadership_exchanges.pairs_per_year",
        "Leadership exchanges (pairs per year)",
        "Pairs of public and voluntary sector leaders swap places for a while; strong evidence that also reaches their colleagues.",
        0.0,
        100.0,
        1.0,
    ),
    number(
        "interventions.workshops.per_year",
        "Workshops per year",
        "Shared competency workshops from the second year: partners learn the same skills together.",
        0.0,
        52.0,
        1.0,
    ),
    number(
        "interventions.connectors.posts",
        "Liaison posts between levels",
        "Secondments or liaison officers that connect the levels a policy passes through.",
        0.0,
        20.0,
        1.0,
    ),
    number(
        "interventions.leadership",
        "Quality of leadership (0–1)",
        "How well the partnership is led and facilitated; good leadership keeps partners on board.",
        0.0,
        1.0,
        0.05,
    ),
    number(
        "interventions.review.interval",
        "Months between reviews",
        "How often the partnership reviews its efficiency and equity (0: never); reviews turn trust into learning.",
        0.0,
        60.0,
        1.0,
    ),
    flag(
        "interventions.funding.sustainable",
        "Sustainable funding",
        "Unticked: the core budget is a short-term grant, renewed only when the partnership has shown value.",
    ),
    number(
        "interventions.funding.horizon",
        "Grant length (months)",
        "How long a short-term grant runs before the funder decides on renewal (used only without sustainable funding).",
        1.0,
        240.0,
        1.0,
    ),
    flag(
        "interventions.external_targets.enabled",
        "Targets set from outside",
        "A funder or ministry sets the targets: commitments get harder to keep and the policy is less the partners' own.",
    ),
    number(
        "interventions.external_targets.strictness",
        "Strictness of outside targets (0–1)",
        "How tightly outside targets bind (used only when targets are set from outside).",
        0.0,
        1.0,
        0.05,
    ),
    number(
        "interventions.delivery_start",
        "Push into delivery at month",
        "0: the partnership starts delivering when it is ready; a month number forces delivery from then on, ready or not.",
        0.0,
        240.0,
        1.0,
    ),
    flag(
        "interventions.waivers.enabled",
        "Flexibility waivers",
        "The level above lets the partnership bend its rules: room to adapt and innovate, and lighter hand-overs.",
    ),
    number(
        "governance.silos",
        "Policy silos",
        "Separate funding or management lines that must be aligned where the policy lands; each one blocks joined-up work.",
        1.0,
        20.0,
        1.0,
    ),
    number(
        "governance.needs_variance",
        "How much needs differ between places",
        "0: every place needs the same thing; the larger, the worse one uniform policy fits each place.",
        0.0,
        10.0,
        0.1,
    ),
    number(
        "governance.spillover",
        "Spill-over between places (0–1)",
        "Share of the benefit a place produces that goes to other places.",
        0.0,
        1.0,
        0.05,
    ),
    number(
        "places.regions",
        "Regions",
        "Regions in the nation (the explorer allows at most 36 localities in all).",
        1.0,
        36.0,
        1.0,
    ),
    number(
        "places.localities_per_region",
        "Localities per region",
        "Localities in each region; a locally implemented policy has one partnership per locality.",
        1.0,
        36.0,
        1.0,
    ),
];

/// The final metrics of the page's headline table, in display order.
pub const HEADLINE_METRICS: [&str; 9] = [
    "net_benefit",
    "delivery_total",
    "value_added_total",
    "transaction_cost_total",
    "fit",
    "trust_mean",
    "months_to_trust",
    "survival",
    "equity",
];
