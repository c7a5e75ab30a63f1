//! The concrete parameters of one run, built from a scenario spec whose
//! uncertain parameters have all been drawn.

use super::mechanisms::Mechanisms;
use crate::governance::{Assignment, Level, PolicyDomain};
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
    /// `governance.local_error`: expertise a locally conceived policy lacks (unless connected to the levels above).
    pub local_error: f64,
    /// `governance.adaptation`: share of misfit a manager more local than the conceiver recovers.
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
    /// `governance.standardisation`: how strongly a manager above the conceiver pulls the target to its own.
    pub standardisation: f64,
    /// `governance.design_share`: share of a designed-in domain's joining-up the design does itself.
    pub design_share: f64,
    /// `governance.interconnection`: how much harder each further domain makes joining up.
    pub interconnection: f64,
    /// `governance.proximity_loss`: share of delivery a national implementer loses to distance.
    pub proximity_loss: f64,
    /// `governance.attention`: how an organisation's presence at one table falls with the tables it sits at.
    pub attention: f64,
    /// `governance.diffusion`: monthly share of the gap to the best learning an upper level closes.
    pub diffusion: f64,
    /// `governance.bridge_cut`: share of a hand-over's cost saved when both levels take part.
    pub bridge_cut: f64,
    /// `governance.mechanisms`: the mechanisms switched on.
    pub mechanisms: Mechanisms,
    /// `places.capacity_variance`: variance of the localities' capacity multiplier (mean 1).
    pub capacity_variance: f64,
    /// `partnership.uninvolved_contact`: contact multiplier of a partner at a level with no function.
    pub uninvolved_contact: f64,
    /// `partnership.delivery.formality`: share of the missing trust at the start of delivery that becomes lasting formality.
    pub formality: f64,
    /// `interventions.external_targets.level`: delivery outside targets demand, as a share of the potential.
    pub target_level: f64,
    /// `interventions.connectors.half_posts`: posts at which connectors reach half their strength.
    pub connector_half: f64,
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
