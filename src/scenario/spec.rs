//! The serde view of a scenario file. Every field has a default, so a minimal
//! scenario is a few lines; `docs/scenario.md` lists them all.

use super::param::{Param, Range};
use crate::governance::{Assignment, Level, PolicyDomain};
use crate::partnership::Sector;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Name and description.
    pub scenario: Meta,
    /// Seed, replications, months and the configurations to compare.
    pub experiment: ExperimentSpec,
    /// Who conceives, manages and implements; domains, silos and needs.
    pub governance: GovernanceSpec,
    /// The nation's regions and localities.
    pub places: PlacesSpec,
    /// The partners and the partnership's dynamics.
    pub partnership: PartnershipSpec,
    /// Interventions from the seed cases.
    pub interventions: InterventionsSpec,
    /// Named configurations with parameter overrides.
    pub variants: Vec<VariantSpec>,
}

/// Name and description of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Meta {
    /// Short name used in outputs.
    pub name: String,
    /// Free text.
    pub description: String,
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            name: "scenario".into(),
            description: String::new(),
        }
    }
}

/// The `[experiment]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExperimentSpec {
    /// Master seed.
    pub seed: u64,
    /// Replications per configuration.
    pub replications: u64,
    /// Months simulated.
    pub months: u32,
    /// Mean trust that counts as "trust has grown" (`months_to_trust`) and lets
    /// negotiation move to commitment.
    pub trust_threshold: f64,
    /// Name of the baseline configuration (empty: the first).
    pub baseline: String,
    /// `"all"` for the 27 Lloyd assignments, or a list of `C-M-I` codes
    /// (empty: only `governance.assignment`).
    pub assignments: Assignments,
    /// Factorial grid: parameter path → values; every combination is a configuration.
    pub grid: BTreeMap<String, Vec<f64>>,
    /// Format of the result tables of `mlgov run` (`"csv"` or `"parquet"`);
    /// `--format` overrides it.
    pub format: crate::experiment::OutputFormat,
}

impl Default for ExperimentSpec {
    fn default() -> Self {
        Self {
            seed: 42,
            replications: 100,
            months: 120,
            trust_threshold: 0.65,
            baseline: String::new(),
            assignments: Assignments::default(),
            grid: BTreeMap::new(),
            format: crate::experiment::OutputFormat::Csv,
        }
    }
}

/// Which Lloyd assignments to compare.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Assignments {
    /// Only the scenario's own assignment.
    #[default]
    Own,
    /// All 27.
    All,
    /// A list.
    List(Vec<Assignment>),
}

impl Serialize for Assignments {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Assignments::Own => Vec::<Assignment>::new().serialize(s),
            Assignments::All => s.serialize_str("all"),
            Assignments::List(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Assignments {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "all" => Ok(Assignments::All),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "expected \"all\" or a list of codes, got \"{w}\""
            ))),
            Raw::List(v) if v.is_empty() => Ok(Assignments::Own),
            Raw::List(v) => v
                .iter()
                .map(|c| c.parse().map_err(serde::de::Error::custom))
                .collect::<Result<_, _>>()
                .map(Assignments::List),
        }
    }
}

/// The `[governance]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GovernanceSpec {
    /// Who conceives, manages and implements (`C-M-I`).
    pub assignment: Assignment,
    /// Policy domains that meet in the place where the policy is implemented.
    pub domains: Vec<PolicyDomain>,
    /// Separate vertical funding or management lines to align locally.
    pub silos: Param,
    /// Variance of local ideal points across places (Oates).
    pub needs_variance: Param,
    /// Share of that variance lying between regions.
    pub regional_share: Param,
    /// Variance of a local decision's error (lost expertise, spill-overs).
    pub local_error: Param,
    /// Share of misfit a more local manager or implementer can recover.
    pub adaptation: Param,
    /// How strongly each extra silo blocks horizontal integration.
    pub silo_block: Param,
    /// Share of a place's benefit that accrues to other places, in [0, 1].
    pub spillover: Param,
    /// Share of needs information lost per level step between implementer and manager.
    pub information_loss: Param,
    /// Months of delay per level step handed over before delivery can start.
    pub handover_delay: Param,
    /// Ownership lost when the policy is conceived nationally (half regionally).
    pub ownership_gap: Param,
    /// How strongly a manager above the implementer imposes targets from outside.
    pub outside_targets: Param,
    /// How strongly a manager above the conceiver pulls the target to its own standard.
    pub standardisation: Param,
    /// Share of a designed-in domain's joining-up that the design does itself.
    pub design_share: Param,
    /// How much harder each further interconnected domain makes joining up.
    pub interconnection: Param,
    /// Share of delivery lost to distance when a national body implements (half for a regional one).
    pub proximity_loss: Param,
    /// How much an organisation's presence at one table falls with the number of tables it sits at (or organisations it stands for).
    pub attention: Param,
    /// Monthly share of the gap to the best partnership's learning that an upper level closes.
    pub diffusion: Param,
    /// Share of a hand-over's cost saved when partners of both levels take part.
    pub bridge_cut: Param,
    /// The mechanisms switched on (`docs/model.md`, table of mechanisms); default all.
    pub mechanisms: Vec<String>,
}

/// The `[places]` section: a nation of regions, each of several localities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlacesSpec {
    /// Regions of the nation.
    pub regions: u32,
    /// Localities in each region.
    pub localities_per_region: u32,
    /// Variance of the localities' own capacity (a multiplier of mean 1 on
    /// the capacity of their local partners).
    pub capacity_variance: Param,
}

impl Default for PlacesSpec {
    fn default() -> Self {
        Self {
            regions: 3,
            localities_per_region: 4,
            capacity_variance: 0.09.into(),
        }
    }
}

impl Default for GovernanceSpec {
    fn default() -> Self {
        Self {
            assignment: Assignment::new(Level::National, Level::National, Level::Local),
            domains: vec![
                PolicyDomain::Jobs,
                PolicyDomain::Skills,
                PolicyDomain::Housing,
            ],
            silos: 3.0.into(),
            needs_variance: 1.0.into(),
            regional_share: 0.4.into(),
            local_error: 0.1.into(),
            adaptation: 0.6.into(),
            silo_block: 0.3.into(),
            spillover: 0.2.into(),
            information_loss: 0.25.into(),
            handover_delay: 1.0.into(),
            ownership_gap: 0.2.into(),
            outside_targets: 0.2.into(),
            standardisation: 0.2.into(),
            design_share: 0.5.into(),
            interconnection: 0.25.into(),
            proximity_loss: 0.2.into(),
            attention: 0.5.into(),
            diffusion: 0.05.into(),
            bridge_cut: 0.3.into(),
            mechanisms: crate::partnership::mechanism_names()
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }
}

/// A group of similar partners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnerGroup {
    /// Label (e.g. "jobcentre").
    pub name: String,
    /// Sector.
    pub sector: Sector,
    /// Level of government or operation.
    pub level: Level,
    /// Number of partners in the group.
    pub count: u32,
    /// Month the group's partners join the partnership (1: from the start;
    /// after `experiment.months`: never).
    pub join_month: u32,
    /// Resources and competency to deliver, in (0, 1].
    pub capacity: Param,
    /// Propensity to keep commitments, in [0, 1].
    pub commitment: Param,
    /// Domains the partner brings (empty: none in particular).
    pub domains: Vec<PolicyDomain>,
}

impl Default for PartnerGroup {
    fn default() -> Self {
        Self {
            name: "partner".into(),
            sector: Sector::Public,
            level: Level::Local,
            count: 1,
            join_month: 1,
            capacity: 0.6.into(),
            commitment: 0.9.into(),
            domains: Vec::new(),
        }
    }
}

fn group(
    name: &str,
    sector: Sector,
    level: Level,
    count: u32,
    domains: &[PolicyDomain],
) -> PartnerGroup {
    PartnerGroup {
        name: name.into(),
        sector,
        level,
        count,
        domains: domains.to_vec(),
        ..PartnerGroup::default()
    }
}

/// The default partnership: twelve partners across four sectors and three
/// levels, shaped like a local job-inclusion partnership.
pub fn default_partners() -> Vec<PartnerGroup> {
    use PolicyDomain as D;
    vec![
        group("ministry", Sector::Public, Level::National, 1, &[D::Jobs]),
        group(
            "national_agency",
            Sector::Public,
            Level::National,
            1,
            &[D::Skills],
        ),
        group(
            "regional_authority",
            Sector::Public,
            Level::Regional,
            1,
            &[D::EconomicDevelopment],
        ),
        group(
            "regional_skills_body",
            Sector::Education,
            Level::Regional,
            1,
            &[D::Skills],
        ),
        group(
            "council",
            Sector::Public,
            Level::Local,
            1,
            &[D::Housing, D::SocialCare],
        ),
        group("jobcentre", Sector::Public, Level::Local, 1, &[D::Jobs]),
        group(
            "housing_association",
            Sector::Voluntary,
            Level::Local,
            1,
            &[D::Housing],
        ),
        group("employers", Sector::Private, Level::Local, 2, &[D::Jobs]),
        group(
            "community_groups",
            Sector::Voluntary,
            Level::Local,
            2,
            &[D::Health],
        ),
        group(
            "college",
            Sector::Education,
            Level::Local,
            1,
            &[D::Education, D::Skills],
        ),
    ]
}

/// The `[partnership]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnershipSpec {
    /// The partners (`[[partnership.partners]]`).
    pub partners: Vec<PartnerGroup>,
    /// Contact in a month between two partners of one sector and level, in [0, 1].
    pub meeting_rate: Param,
    /// Contact multiplier between different sectors.
    pub cross_sector_contact: Param,
    /// Contact multiplier per level step between partners.
    pub cross_level_contact: Param,
    /// Contact multiplier of a partner whose level plays no function in the policy.
    pub uninvolved_contact: Param,
    /// Fair distribution of costs and benefits, in [0, 1].
    pub fairness: Param,
    /// Satisfaction below which partners may leave.
    pub exit_threshold: Param,
    /// Monthly chance that a fully dissatisfied partner leaves.
    pub exit_rate: Param,
    /// The partnership dissolves below this many active partners.
    pub min_partners: u32,
    /// Share of the partners joined so far that must remain; below it the partnership dissolves.
    pub quorum: Param,
    /// Trust a partner needs before it takes the risk of joint work.
    pub risk: Param,
    /// Months spent committing before execution starts.
    pub commit_months: Param,
    /// Longest negotiation before partners commit anyway.
    pub max_negotiation_months: Param,
    /// Trust dynamics.
    pub trust: TrustSpec,
    /// Shared-vision dynamics.
    pub vision: VisionSpec,
    /// Transaction costs.
    pub costs: CostSpec,
    /// Delivery and value added.
    pub delivery: DeliverySpec,
}

impl Default for PartnershipSpec {
    fn default() -> Self {
        Self {
            partners: default_partners(),
            meeting_rate: 0.5.into(),
            cross_sector_contact: 0.6.into(),
            cross_level_contact: 0.6.into(),
            uninvolved_contact: 0.6.into(),
            fairness: 0.6.into(),
            exit_threshold: 0.65.into(),
            exit_rate: 0.15.into(),
            min_partners: 3,
            quorum: 0.75.into(),
            risk: 0.5.into(),
            commit_months: 3.0.into(),
            max_negotiation_months: 36.0.into(),
            trust: TrustSpec::default(),
            vision: VisionSpec::default(),
            costs: CostSpec::default(),
            delivery: DeliverySpec::default(),
        }
    }
}

/// `[partnership.trust]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrustSpec {
    /// Forgetting factor λ of the beta evidence, per month.
    pub forgetting: Param,
    /// Weight w⁺ of a kept commitment.
    pub weight_kept: Param,
    /// Weight w⁻ of a broken commitment.
    pub weight_broken: Param,
    /// Prior expected trust between partners of one sector.
    pub prior: Param,
    /// Evidence units behind the prior.
    pub prior_weight: Param,
    /// How much lower the prior is across sectors (stereotypes).
    pub cross_sector_gap: Param,
}

impl Default for TrustSpec {
    fn default() -> Self {
        Self {
            forgetting: 0.95.into(),
            weight_kept: 1.0.into(),
            weight_broken: 2.5.into(),
            prior: 0.5.into(),
            prior_weight: 2.0.into(),
            cross_sector_gap: 0.15.into(),
        }
    }
}

/// `[partnership.vision]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VisionSpec {
    /// Friedkin–Johnsen susceptibility to others' views.
    pub susceptibility: Param,
    /// Weight each partner puts on its own current view.
    pub self_weight: Param,
    /// Distance between the sectors' initial views.
    pub sector_distance: Param,
    /// Spread of individual initial views around their sector's.
    pub spread: Param,
}

impl Default for VisionSpec {
    fn default() -> Self {
        Self {
            susceptibility: 0.8.into(),
            self_weight: 0.5.into(),
            sector_distance: 0.15.into(),
            spread: 0.08.into(),
        }
    }
}

/// `[partnership.costs]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostSpec {
    /// Hassle cost per pair and month at full contact and no trust.
    pub pair_hassle: Param,
    /// Share of pair hassle that remains at full trust.
    pub hassle_floor: Param,
    /// Cost per level step crossed, per silo and month.
    pub handover: Param,
    /// Fixed running cost per month.
    pub running: Param,
    /// Extra running cost when managing locally (lost administrative scale).
    pub scale_penalty: Param,
    /// Elasticity of a partnership's coordination cost per place with the
    /// number of places it serves (0: none shared; 1: all shared).
    pub scale_economy: Param,
}

impl Default for CostSpec {
    fn default() -> Self {
        Self {
            pair_hassle: 0.04.into(),
            hassle_floor: 0.2.into(),
            handover: 0.12.into(),
            running: 0.4.into(),
            scale_penalty: 0.6.into(),
            scale_economy: 0.3.into(),
        }
    }
}

/// `[partnership.delivery]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliverySpec {
    /// Delivery per unit of capacity and month at perfect fit.
    pub productivity: Param,
    /// How much delivery demands strain commitments when trust is low.
    pub pressure: Param,
    /// Value added per month at full trust, diversity and learning.
    pub creativity: Param,
    /// Learning gained per review.
    pub learning_rate: Param,
    /// How much of the trust still missing when delivery starts becomes a
    /// lasting formality that cuts contact and value added.
    pub formality: Param,
}

impl Default for DeliverySpec {
    fn default() -> Self {
        Self {
            productivity: 1.5.into(),
            pressure: 0.4.into(),
            creativity: 4.0.into(),
            learning_rate: 0.15.into(),
            formality: 0.5.into(),
        }
    }
}

/// `[interventions]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InterventionsSpec {
    /// Staff exchanges between the public and other sectors.
    pub staff_exchanges: StaffExchanges,
    /// Paired exchanges of public and voluntary sector leaders.
    pub leadership_exchanges: LeadershipExchanges,
    /// Competency workshops.
    pub workshops: Workshops,
    /// Mixed cross-sector teams on preselected challenges.
    pub mixed_teams: MixedTeams,
    /// Regular review of efficiency and equity.
    pub review: Review,
    /// How the partnership is funded.
    pub funding: Funding,
    /// Targets set from outside the partnership.
    pub external_targets: ExternalTargets,
    /// Month delivery is forced to start (0: when the partnership is ready).
    pub delivery_start: u32,
    /// Flexibility waivers granted by the level above.
    pub waivers: Waivers,
    /// Shared strategy and vision work, in [0, 1].
    pub vision_work: Param,
    /// Quality of facilitative leadership, in [0, 1].
    pub leadership: Param,
    /// Liaison posts or secondments between levels ("connect the levels").
    pub connectors: Connectors,
}

/// `[interventions.connectors]`: liaison posts or secondments between levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Connectors {
    /// Number of liaison posts (0: none).
    pub posts: Param,
    /// Posts at which the connectors reach half their strength.
    pub half_posts: Param,
    /// First month the posts work.
    pub from_month: u32,
}

impl Default for Connectors {
    fn default() -> Self {
        Self {
            posts: 0.0.into(),
            half_posts: 2.0.into(),
            from_month: 1,
        }
    }
}

impl Default for InterventionsSpec {
    fn default() -> Self {
        Self {
            staff_exchanges: StaffExchanges::default(),
            leadership_exchanges: LeadershipExchanges::default(),
            workshops: Workshops::default(),
            mixed_teams: MixedTeams::default(),
            review: Review::default(),
            funding: Funding::default(),
            external_targets: ExternalTargets::default(),
            delivery_start: 0,
            waivers: Waivers::default(),
            vision_work: 0.0.into(),
            leadership: 0.5.into(),
            connectors: Connectors::default(),
        }
    }
}

/// `[interventions.staff_exchanges]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffExchanges {
    /// Expected exchanges per year.
    pub per_year: Param,
    /// Length of one exchange in weeks.
    pub weeks: Param,
    /// First month with exchanges.
    pub from_month: u32,
}

impl Default for StaffExchanges {
    fn default() -> Self {
        Self {
            per_year: 0.0.into(),
            weeks: 1.0.into(),
            from_month: 1,
        }
    }
}

/// `[interventions.leadership_exchanges]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadershipExchanges {
    /// Expected leader pairs exchanged per year.
    pub pairs_per_year: Param,
    /// Share of an exchange's evidence that spills over to the two sectors' other pairs.
    pub spillover: Param,
    /// First month with exchanges.
    pub from_month: u32,
}

impl Default for LeadershipExchanges {
    fn default() -> Self {
        Self {
            pairs_per_year: 0.0.into(),
            spillover: 0.25.into(),
            from_month: 1,
        }
    }
}

/// `[interventions.workshops]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workshops {
    /// Workshops per year.
    pub per_year: Param,
    /// First month with workshops.
    pub from_month: u32,
}

impl Default for Workshops {
    fn default() -> Self {
        Self {
            per_year: 0.0.into(),
            from_month: 13,
        }
    }
}

/// `[interventions.mixed_teams]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MixedTeams {
    /// Number of mixed teams.
    pub teams: u32,
    /// Members per team.
    pub size: u32,
    /// First month the teams work.
    pub from_month: u32,
}

impl Default for MixedTeams {
    fn default() -> Self {
        Self {
            teams: 0,
            size: 4,
            from_month: 13,
        }
    }
}

/// `[interventions.review]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    /// Months between reviews (0: no regular review).
    pub interval: u32,
}

impl Default for Review {
    fn default() -> Self {
        Self { interval: 12 }
    }
}

/// `[interventions.funding]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Funding {
    /// Sustainable (true) or short-term (false) funding.
    pub sustainable: bool,
    /// Months a short-term grant runs before renewal is decided.
    pub horizon: u32,
    /// Chance of renewal for a partnership performing at its best.
    pub renewal: Param,
}

impl Default for Funding {
    fn default() -> Self {
        Self {
            sustainable: true,
            horizon: 36,
            renewal: 0.8.into(),
        }
    }
}

/// `[interventions.external_targets]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalTargets {
    /// Whether targets are set from outside the partnership.
    pub enabled: bool,
    /// How tightly the targets bind, in [0, 1].
    pub strictness: Param,
    /// Delivery the targets demand between reviews, as a share of what the
    /// partners could deliver at full capacity and perfect fit.
    pub level: Param,
}

impl Default for ExternalTargets {
    fn default() -> Self {
        Self {
            enabled: false,
            strictness: 0.6.into(),
            level: 0.2.into(),
        }
    }
}

/// `[interventions.waivers]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Waivers {
    /// Whether the level above grants flexibility waivers.
    pub enabled: bool,
    /// Flexibility the waivers give, in [0, 1].
    pub flexibility: Param,
}

impl Default for Waivers {
    fn default() -> Self {
        Self {
            enabled: false,
            flexibility: 0.6.into(),
        }
    }
}

/// A named configuration: overrides of parameter paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct VariantSpec {
    /// Name used in outputs.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Parameter path → new value (number, boolean, string or distribution table).
    pub set: BTreeMap<String, toml::Value>,
}

/// Where a numeric parameter lives and what it may take.
pub struct ParamSlot<'a> {
    /// Dotted field path, e.g. `partnership.trust.forgetting`.
    pub path: String,
    /// The parameter.
    pub param: &'a mut Param,
    /// Allowed values.
    pub range: Range,
}

impl ScenarioSpec {
    /// Visits every numeric parameter with its path and allowed range. This
    /// list is the single source of truth for range checks, sampling and
    /// sensitivity analysis.
    pub fn for_each_param(&mut self, f: &mut dyn FnMut(ParamSlot<'_>)) {
        let unit = Range::closed(0.0, 1.0);
        let nonneg = Range::at_least(0.0);
        let mut v = |path: &str, param: &mut Param, range: Range| {
            f(ParamSlot {
                path: path.to_string(),
                param,
                range,
            })
        };
        let g = &mut self.governance;
        v("governance.silos", &mut g.silos, Range::closed(1.0, 20.0));
        v(
            "governance.needs_variance",
            &mut g.needs_variance,
            Range::closed(0.0, 100.0),
        );
        v("governance.regional_share", &mut g.regional_share, unit);
        v(
            "governance.local_error",
            &mut g.local_error,
            Range::closed(0.0, 100.0),
        );
        v("governance.adaptation", &mut g.adaptation, unit);
        v(
            "governance.silo_block",
            &mut g.silo_block,
            Range::closed(0.0, 10.0),
        );
        v("governance.spillover", &mut g.spillover, unit);
        v("governance.information_loss", &mut g.information_loss, unit);
        v(
            "governance.handover_delay",
            &mut g.handover_delay,
            Range::closed(0.0, 24.0),
        );
        v("governance.ownership_gap", &mut g.ownership_gap, unit);
        v("governance.outside_targets", &mut g.outside_targets, unit);
        v("governance.standardisation", &mut g.standardisation, unit);
        v("governance.design_share", &mut g.design_share, unit);
        v(
            "governance.interconnection",
            &mut g.interconnection,
            Range::closed(0.0, 10.0),
        );
        v("governance.proximity_loss", &mut g.proximity_loss, unit);
        v("governance.attention", &mut g.attention, unit);
        v("governance.diffusion", &mut g.diffusion, unit);
        v("governance.bridge_cut", &mut g.bridge_cut, unit);
        v(
            "places.capacity_variance",
            &mut self.places.capacity_variance,
            Range::closed(0.0, 4.0),
        );

        let p = &mut self.partnership;
        v("partnership.meeting_rate", &mut p.meeting_rate, unit);
        v(
            "partnership.cross_sector_contact",
            &mut p.cross_sector_contact,
            unit,
        );
        v(
            "partnership.cross_level_contact",
            &mut p.cross_level_contact,
            unit,
        );
        v(
            "partnership.uninvolved_contact",
            &mut p.uninvolved_contact,
            unit,
        );
        v("partnership.fairness", &mut p.fairness, unit);
        v("partnership.exit_threshold", &mut p.exit_threshold, unit);
        v("partnership.exit_rate", &mut p.exit_rate, unit);
        v("partnership.quorum", &mut p.quorum, unit);
        v("partnership.risk", &mut p.risk, unit);
        v(
            "partnership.commit_months",
            &mut p.commit_months,
            Range::closed(0.0, 120.0),
        );
        v(
            "partnership.max_negotiation_months",
            &mut p.max_negotiation_months,
            Range::closed(1.0, 1200.0),
        );
        let t = &mut p.trust;
        v(
            "partnership.trust.forgetting",
            &mut t.forgetting,
            Range::left_open(0.0, 1.0),
        );
        v(
            "partnership.trust.weight_kept",
            &mut t.weight_kept,
            Range::closed(0.0, 10.0),
        );
        v(
            "partnership.trust.weight_broken",
            &mut t.weight_broken,
            Range::closed(0.0, 10.0),
        );
        v("partnership.trust.prior", &mut t.prior, unit);
        v(
            "partnership.trust.prior_weight",
            &mut t.prior_weight,
            Range::closed(0.0, 100.0),
        );
        v(
            "partnership.trust.cross_sector_gap",
            &mut t.cross_sector_gap,
            Range::closed(0.0, 0.5),
        );
        let s = &mut p.vision;
        v(
            "partnership.vision.susceptibility",
            &mut s.susceptibility,
            unit,
        );
        v(
            "partnership.vision.self_weight",
            &mut s.self_weight,
            Range::closed(0.0, 0.99),
        );
        v(
            "partnership.vision.sector_distance",
            &mut s.sector_distance,
            Range::closed(0.0, 0.5),
        );
        v(
            "partnership.vision.spread",
            &mut s.spread,
            Range::closed(0.0, 0.5),
        );
        let c = &mut p.costs;
        v("partnership.costs.pair_hassle", &mut c.pair_hassle, nonneg);
        v("partnership.costs.hassle_floor", &mut c.hassle_floor, unit);
        v("partnership.costs.handover", &mut c.handover, nonneg);
        v("partnership.costs.running", &mut c.running, nonneg);
        v(
            "partnership.costs.scale_penalty",
            &mut c.scale_penalty,
            Range::closed(0.0, 10.0),
        );
        v(
            "partnership.costs.scale_economy",
            &mut c.scale_economy,
            unit,
        );
        let d = &mut p.delivery;
        v(
            "partnership.delivery.productivity",
            &mut d.productivity,
            nonneg,
        );
        v("partnership.delivery.pressure", &mut d.pressure, unit);
        v("partnership.delivery.creativity", &mut d.creativity, nonneg);
        v(
            "partnership.delivery.learning_rate",
            &mut d.learning_rate,
            unit,
        );
        v("partnership.delivery.formality", &mut d.formality, unit);
        for (k, grp) in p.partners.iter_mut().enumerate() {
            v(
                &format!("partnership.partners[{k}].capacity"),
                &mut grp.capacity,
                Range::left_open(0.0, 1.0),
            );
            v(
                &format!("partnership.partners[{k}].commitment"),
                &mut grp.commitment,
                unit,
            );
        }

        let i = &mut self.interventions;
        v(
            "interventions.staff_exchanges.per_year",
            &mut i.staff_exchanges.per_year,
            Range::closed(0.0, 1000.0),
        );
        v(
            "interventions.staff_exchanges.weeks",
            &mut i.staff_exchanges.weeks,
            Range::closed(0.0, 52.0),
        );
        v(
            "interventions.leadership_exchanges.pairs_per_year",
            &mut i.leadership_exchanges.pairs_per_year,
            Range::closed(0.0, 1000.0),
        );
        v(
            "interventions.leadership_exchanges.spillover",
            &mut i.leadership_exchanges.spillover,
            unit,
        );
        v(
            "interventions.workshops.per_year",
            &mut i.workshops.per_year,
            Range::closed(0.0, 52.0),
        );
        v(
            "interventions.funding.renewal",
            &mut i.funding.renewal,
            unit,
        );
        v(
            "interventions.external_targets.strictness",
            &mut i.external_targets.strictness,
            unit,
        );
        v(
            "interventions.external_targets.level",
            &mut i.external_targets.level,
            unit,
        );
        v(
            "interventions.waivers.flexibility",
            &mut i.waivers.flexibility,
            unit,
        );
        v("interventions.vision_work", &mut i.vision_work, unit);
        v("interventions.leadership", &mut i.leadership, unit);
        v(
            "interventions.connectors.posts",
            &mut i.connectors.posts,
            Range::closed(0.0, 50.0),
        );
        v(
            "interventions.connectors.half_posts",
            &mut i.connectors.half_posts,
            Range::closed(0.1, 50.0),
        );
    }

    /// Paths of every numeric parameter (for error hints and docs).
    pub fn param_paths(&self) -> Vec<String> {
        let mut copy = self.clone();
        let mut out = Vec::new();
        copy.for_each_param(&mut |s| out.push(s.path));
        out
    }
}
