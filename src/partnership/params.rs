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
    /// Month the partner joins (1: from the start).
    pub join_month: u32,
}

/// Everything one run needs, flat and immutable. Field meanings and
/// sources are in `docs/model.md` (parameter table).
#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceParams {
    /// `governance.assignment`: levels that conceive, manage and implement the policy.
    pub assignment: Assignment,
    /// `experiment.trust_threshold`: mean trust that ends negotiation and counts for `months_to_trust`.
    pub trust_threshold: f64,
    /// The partners, one per member (groups of `partnership.partners` expanded).
    pub partners: Vec<Partner>,
    /// `governance.domains`: policy domains that meet where the policy is implemented.
    pub domains: Vec<PolicyDomain>,
    /// `governance.silos`: vertical funding or management lines to align locally.
    pub silos: f64,
    /// `governance.needs_variance`: variance of local ideal points across places (Oates).
    pub needs_variance: f64,
    /// `governance.regional_share`: share of that variance lying between regions.
    pub regional_share: f64,
    /// `governance.local_error`: loss of a locally conceived policy (lost expertise, spill-overs).
    pub local_error: f64,
    /// `governance.adaptation`: share of misfit a more local manager or implementer recovers.
    pub adaptation: f64,
    /// `governance.silo_block`: how strongly each extra silo blocks horizontal integration.
    pub silo_block: f64,
    /// `governance.spillover`: share of a place's benefit that accrues to other places.
    pub spillover: f64,
    /// `governance.information_loss`: share of needs information lost per level step between implementer and manager.
    pub information_loss: f64,
    /// `governance.handover_delay`: months of delay per level step handed over before delivery.
    pub handover_delay: f64,
    /// `governance.ownership_gap`: ownership lost when the policy is conceived nationally (half of it regionally).
    pub ownership_gap: f64,
    /// `governance.outside_targets`: how strongly a distant manager imposes its targets.
    pub outside_targets: f64,
    /// `governance.consistency`: share of each place's benefit a national conceiver's common standards equalise.
    pub consistency: f64,
    /// `places.regions`: regions of the nation.
    pub regions: usize,
    /// `places.localities_per_region`: localities in each region.
    pub localities_per_region: usize,
    /// `partnership.meeting_rate`: monthly contact of two partners of one sector and level.
    pub meeting_rate: f64,
    /// `partnership.cross_sector_contact`: contact multiplier between sectors.
    pub cross_sector_contact: f64,
    /// `partnership.cross_level_contact`: contact multiplier per level step.
    pub cross_level_contact: f64,
    /// `partnership.fairness`: fair distribution of costs and benefits (1 equal shares).
    pub fairness: f64,
    /// `partnership.exit_threshold`: satisfaction below which partners may leave.
    pub exit_threshold: f64,
    /// `partnership.exit_rate`: monthly chance that a fully dissatisfied partner leaves.
    pub exit_rate: f64,
    /// `partnership.min_partners`: the partnership dissolves below this many active
    /// partners (or below the number joined so far, if that is smaller).
    pub min_partners: usize,
    /// `partnership.quorum`: share of the partners joined so far that must remain.
    pub quorum: f64,
    /// `partnership.risk`: trust both partners of a pair need before joint work.
    pub risk: f64,
    /// `partnership.commit_months`: months spent committing before execution.
    pub commit_months: f64,
    /// `partnership.max_negotiation_months`: longest negotiation before partners commit anyway.
    pub max_negotiation_months: f64,
    /// `partnership.trust.forgetting`: monthly forgetting factor λ of the trust evidence.
    pub forgetting: f64,
    /// `partnership.trust.weight_kept`: evidence weight w⁺ of a kept commitment.
    pub weight_kept: f64,
    /// `partnership.trust.weight_broken`: evidence weight w⁻ of a broken commitment.
    pub weight_broken: f64,
    /// `partnership.trust.prior`: prior expected trust within a sector.
    pub prior: f64,
    /// `partnership.trust.prior_weight`: evidence units behind the prior.
    pub prior_weight: f64,
    /// `partnership.trust.cross_sector_gap`: how much lower the prior is across sectors.
    pub cross_sector_gap: f64,
    /// `partnership.vision.susceptibility`: Friedkin–Johnsen susceptibility to others' views.
    pub susceptibility: f64,
    /// `partnership.vision.self_weight`: weight on one's own current view.
    pub self_weight: f64,
    /// `partnership.vision.sector_distance`: distance between the sectors' initial views.
    pub sector_distance: f64,
    /// `partnership.vision.spread`: spread of individual initial views around their sector's.
    pub spread: f64,
    /// `partnership.costs.pair_hassle`: hassle per pair and month at full contact and no trust.
    pub pair_hassle: f64,
    /// `partnership.costs.hassle_floor`: share of hassle left at full trust.
    pub hassle_floor: f64,
    /// `partnership.costs.handover`: cost per level step crossed, per silo and month.
    pub handover: f64,
    /// `partnership.costs.running`: fixed running cost per month.
    pub running: f64,
    /// `partnership.costs.scale_penalty`: extra running cost of managing locally (lost administrative scale).
    pub scale_penalty: f64,
    /// `partnership.costs.scale_economy`: elasticity of a partnership's coordination cost per place with the places it serves.
    pub scale_economy: f64,
    /// `partnership.delivery.productivity`: delivery per unit of capacity and month at perfect fit.
    pub productivity: f64,
    /// `partnership.delivery.pressure`: strain that delivery demands put on commitments at low trust.
    pub pressure: f64,
    /// `partnership.delivery.creativity`: value added per month at full trust, diversity and learning.
    pub creativity: f64,
    /// `partnership.delivery.learning_rate`: learning gained per review.
    pub learning_rate: f64,
    /// `interventions.staff_exchanges.per_year`: expected staff exchanges per year.
    pub exchanges_per_year: f64,
    /// `interventions.staff_exchanges.weeks`: length of one exchange in weeks.
    pub exchange_weeks: f64,
    /// `interventions.staff_exchanges.from_month`: first month with exchanges.
    pub exchanges_from: u32,
    /// `interventions.leadership_exchanges.pairs_per_year`: public–voluntary leader pairs per year.
    pub leader_pairs_per_year: f64,
    /// `interventions.leadership_exchanges.spillover`: share of an exchange's evidence reaching all public–voluntary pairs.
    pub leader_spillover: f64,
    /// `interventions.leadership_exchanges.from_month`: first month with leader exchanges.
    pub leaders_from: u32,
    /// `interventions.workshops.per_year`: competency workshops per year.
    pub workshops_per_year: f64,
    /// `interventions.workshops.from_month`: first month with workshops.
    pub workshops_from: u32,
    /// `interventions.mixed_teams.teams`: number of mixed cross-sector teams.
    pub teams: u32,
    /// `interventions.mixed_teams.size`: members per team.
    pub team_size: u32,
    /// `interventions.mixed_teams.from_month`: first month the teams work.
    pub teams_from: u32,
    /// `interventions.review.interval`: months between reviews; 0 for none.
    pub review_interval: u32,
    /// `interventions.funding.sustainable`: sustainable (true) or short-term funding.
    pub sustainable_funding: bool,
    /// `interventions.funding.horizon`: months a short-term grant runs before renewal.
    pub funding_horizon: u32,
    /// `interventions.funding.renewal`: chance of renewal once the partnership has shown full value.
    pub renewal: f64,
    /// `interventions.external_targets.enabled`: targets set from outside.
    pub external_targets: bool,
    /// `interventions.external_targets.strictness`: how tightly the targets bind.
    pub target_strictness: f64,
    /// `interventions.delivery_start`: month delivery is forced to start; 0 when ready.
    pub delivery_start: u32,
    /// `interventions.waivers.enabled`: flexibility waivers from the level above.
    pub waivers: bool,
    /// `interventions.waivers.flexibility`: flexibility the waivers give.
    pub waiver_flexibility: f64,
    /// `interventions.vision_work`: shared strategy and vision work.
    pub vision_work: f64,
    /// `interventions.leadership`: quality of facilitative leadership.
    pub leadership: f64,
    /// `interventions.connectors.posts`: liaison posts or secondments between levels.
    pub connector_posts: f64,
    /// `interventions.connectors.from_month`: first month the connectors work.
    pub connectors_from: u32,
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
                    join_month: grp.join_month,
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
            spillover: g.spillover.value(),
            information_loss: g.information_loss.value(),
            handover_delay: g.handover_delay.value(),
            ownership_gap: g.ownership_gap.value(),
            outside_targets: g.outside_targets.value(),
            consistency: g.consistency.value(),
            regions: s.places.regions as usize,
            localities_per_region: s.places.localities_per_region as usize,
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
            scale_economy: p.costs.scale_economy.value(),
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
            connector_posts: i.connectors.posts.value(),
            connectors_from: i.connectors.from_month,
        })
    }

    /// The parameters of the default scenario.
    pub fn default_params() -> Self {
        Self::from_spec(&ScenarioSpec::default()).expect("the default scenario is valid")
    }
}
