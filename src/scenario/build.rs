//! Builds the model's parameters from a scenario spec whose uncertain
//! parameters have all been drawn. The scenario layer knows the model's
//! parameter type; the model knows nothing of the file format.

use crate::partnership::{GovernanceParams, Mechanisms, Partner};
use crate::scenario::ScenarioSpec;
use crate::sim::ModelError;

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
            standardisation: g.standardisation.value(),
            design_share: g.design_share.value(),
            interconnection: g.interconnection.value(),
            proximity_loss: g.proximity_loss.value(),
            attention: g.attention.value(),
            diffusion: g.diffusion.value(),
            bridge_cut: g.bridge_cut.value(),
            mechanisms: Mechanisms::from_names(&g.mechanisms)
                .map_err(|name| ModelError::new(format!("unknown mechanism \"{name}\"")))?,
            capacity_variance: s.places.capacity_variance.value(),
            uninvolved_contact: p.uninvolved_contact.value(),
            formality: p.delivery.formality.value(),
            target_level: i.external_targets.level.value(),
            connector_half: i.connectors.half_posts.value(),
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
