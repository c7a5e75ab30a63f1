//! The concrete parameters of one run, built from a scenario spec whose
//! uncertain parameters have all been drawn.

use crate::governance::{Assignment, Level, PolicyDomain};
use crate::scenario::ScenarioSpec;
use crate::sim::ModelError;
use serde::{Deserialize, Serialize};

/// The sector a partner comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    /// Government, agencies, public services.
    Public,
    /// Businesses and business intermediaries.
    Private,
    /// Voluntary and community organisations.
    Voluntary,
    /// Schools, colleges, universities, training providers.
    Education,
}

impl Sector {
    /// All sectors.
    pub const ALL: [Sector; 4] = [
        Sector::Public,
        Sector::Private,
        Sector::Voluntary,
        Sector::Education,
    ];

    /// Name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Sector::Public => "public",
            Sector::Private => "private",
            Sector::Voluntary => "voluntary",
            Sector::Education => "education",
        }
    }

    /// Where the sector's initial view of the partnership's purpose sits,
    /// in units of `vision.sector_distance` from the centre.
    pub fn view_offset(self) -> f64 {
        match self {
            Sector::Public => 0.0,
            Sector::Private => 1.0,
            Sector::Voluntary => -1.0,
            Sector::Education => -0.5,
        }
    }

    /// Bargaining power relative to a public partner, used to share benefits
    /// when distribution is not fair.
    pub fn power(self) -> f64 {
        match self {
            Sector::Public => 1.0,
            Sector::Private => 1.0,
            Sector::Voluntary => 0.5,
            Sector::Education => 0.75,
        }
    }
}

/// One partner of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Label from its group.
    pub name: String,
    /// Sector.
    pub sector: Sector,
    /// Level.
    pub level: Level,
    /// Capacity in (0, 1].
    pub capacity: f64,
    /// Propensity to keep commitments in [0, 1].
    pub commitment: f64,
    /// Domains the partner brings.
    pub domains: Vec<PolicyDomain>,
}

/// Everything one run needs, flat and immutable. Field meanings and
/// sources are in `docs/model.md` (parameter table).
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceParams {
    pub assignment: Assignment,
    pub trust_threshold: f64,
    pub partners: Vec<Partner>,
    pub domains: Vec<PolicyDomain>,
    pub silos: f64,
    pub needs_variance: f64,
    pub regional_share: f64,
    pub local_error: f64,
    pub adaptation: f64,
    pub silo_block: f64,
    pub meeting_rate: f64,
    pub cross_sector_contact: f64,
    pub cross_level_contact: f64,
    pub fairness: f64,
    pub exit_threshold: f64,
    pub exit_rate: f64,
    pub min_partners: usize,
    pub quorum: f64,
    pub risk: f64,
    pub commit_months: f64,
    pub max_negotiation_months: f64,
    pub forgetting: f64,
    pub weight_kept: f64,
    pub weight_broken: f64,
    pub prior: f64,
    pub prior_weight: f64,
    pub cross_sector_gap: f64,
    pub susceptibility: f64,
    pub self_weight: f64,
    pub sector_distance: f64,
    pub spread: f64,
    pub pair_hassle: f64,
    pub hassle_floor: f64,
    pub handover: f64,
    pub running: f64,
    pub scale_penalty: f64,
    pub productivity: f64,
    pub pressure: f64,
    pub creativity: f64,
    pub learning_rate: f64,
    pub exchanges_per_year: f64,
    pub exchange_weeks: f64,
    pub exchanges_from: u32,
    pub leader_pairs_per_year: f64,
    pub leader_spillover: f64,
    pub leaders_from: u32,
    pub workshops_per_year: f64,
    pub workshops_from: u32,
    pub teams: u32,
    pub team_size: u32,
    pub teams_from: u32,
    pub review_interval: u32,
    pub sustainable_funding: bool,
    pub funding_horizon: u32,
    pub renewal: f64,
    pub external_targets: bool,
    pub target_strictness: f64,
    pub delivery_start: u32,
    pub waivers: bool,
    pub waiver_flexibility: f64,
    pub vision_work: f64,
    pub leadership: f64,
}

impl GovernanceParams {
    /// Builds run parameters from a checked spec whose parameters are fixed
    /// (a distribution left in the spec contributes its central value).
    pub fn from_spec(s: &ScenarioSpec) -> Result<Self, ModelError> {
        let g = &s.governance;
        let p = &s.partnership;
        let i = &s.interventions;
        let mut partners = Vec::new();
        for grp in &p.partners {
            for k in 0..grp.count {
                partners.push(Partner {
                    name: if grp.count > 1 {
                        format!("{}_{}", grp.name, k + 1)
                    } else {
                        grp.name.clone()
                    },
                    sector: grp.sector,
                    level: grp.level,
                    capacity: grp.capacity.value(),
                    commitment: grp.commitment.value(),
                    domains: grp.domains.clone(),
                });
            }
        }
        if partners.len() < 2 {
            return Err(ModelError::new("a partnership needs at least two partners"));
        }
        Ok(Self {
            assignment: g.assignment,
            trust_threshold: s.experiment.trust_threshold,
            partners,
            domains: g.domains.clone(),
            silos: g.silos.value(),
            needs_variance: g.needs_variance.value(),
            regional_share: g.regional_share.value(),
            local_error: g.local_error.value(),
            adaptation: g.adaptation.value(),
            silo_block: g.silo_block.value(),
            meeting_rate: p.meeting_rate.value(),
            cross_sector_contact: p.cross_sector_contact.value(),
            cross_level_contact: p.cross_level_contact.value(),
            fairness: p.fairness.value(),
            exit_threshold: p.exit_threshold.value(),
            exit_rate: p.exit_rate.value(),
            min_partners: p.min_partners as usize,
            quorum: p.quorum.value(),
            risk: p.risk.value(),
            commit_months: p.commit_months.value(),
            max_negotiation_months: p.max_negotiation_months.value(),
            forgetting: p.trust.forgetting.value(),
            weight_kept: p.trust.weight_kept.value(),
            weight_broken: p.trust.weight_broken.value(),
            prior: p.trust.prior.value(),
            prior_weight: p.trust.prior_weight.value(),
            cross_sector_gap: p.trust.cross_sector_gap.value(),
            susceptibility: p.vision.susceptibility.value(),
            self_weight: p.vision.self_weight.value(),
            sector_distance: p.vision.sector_distance.value(),
            spread: p.vision.spread.value(),
            pair_hassle: p.costs.pair_hassle.value(),
            hassle_floor: p.costs.hassle_floor.value(),
            handover: p.costs.handover.value(),
            running: p.costs.running.value(),
            scale_penalty: p.costs.scale_penalty.value(),
            productivity: p.delivery.productivity.value(),
            pressure: p.delivery.pressure.value(),
            creativity: p.delivery.creativity.value(),
            learning_rate: p.delivery.learning_rate.value(),
            exchanges_per_year: i.staff_exchanges.per_year.value(),
            exchange_weeks: i.staff_exchanges.weeks.value(),
            exchanges_from: i.staff_exchanges.from_month,
            leader_pairs_per_year: i.leadership_exchanges.pairs_per_year.value(),
            leader_spillover: i.leadership_exchanges.spillover.value(),
            leaders_from: i.leadership_exchanges.from_month,
            workshops_per_year: i.workshops.per_year.value(),
            workshops_from: i.workshops.from_month,
            teams: i.mixed_teams.teams,
            team_size: i.mixed_teams.size,
            teams_from: i.mixed_teams.from_month,
            review_interval: i.review.interval,
            sustainable_funding: i.funding.sustainable,
            funding_horizon: i.funding.horizon,
            renewal: i.funding.renewal.value(),
            external_targets: i.external_targets.enabled,
            target_strictness: i.external_targets.strictness.value(),
            delivery_start: i.delivery_start,
            waivers: i.waivers.enabled,
            waiver_flexibility: i.waivers.flexibility.value(),
            vision_work: i.vision_work.value(),
            leadership: i.leadership.value(),
        })
    }

    /// The parameters of the default scenario.
    pub fn default_params() -> Self {
        Self::from_spec(&ScenarioSpec::default()).expect("the default scenario is valid")
    }
}
