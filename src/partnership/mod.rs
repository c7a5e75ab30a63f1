//! Partnerships: partners, trust, shared vision, transaction costs, phases,
//! interventions, and the governance model that ties them together.
//!
//! The validation pieces are public so they can be checked against their
//! closed forms: [`BetaTrust`], [`AsymmetricTrust`], [`degroot_weights`],
//! [`friedkin_johnsen_equilibrium`].

mod events;
mod functions;
mod mechanisms;
mod model;
mod pairs;
mod params;
mod places;
mod step;
mod trust;
mod upper;
mod vision;

pub use functions::{
    INNOVATION, connect, coordination_share, domain_coverage, domains_seen, expertise_loss,
    handover_cost, handover_delay, handovers, information_retained, innovation, integration,
    interconnection_factor, level_targets, management_weight, needs_loss, ownership, policy_target,
    presence, reach, running_cost, silo_factor,
};
pub use mechanisms::{MECHANISMS, Mechanism, MechanismInfo, Mechanisms, mechanism_names};
pub use model::{
    BONUS_CAP, DISSOLVING_REVIEWS, EXCHANGE_CONTACT_PER_WEEK, EXCHANGE_EVIDENCE_PER_WEEK,
    EXCHANGE_SPILLOVER, FINAL_METRICS, FORMAL_CONTACT, GovernanceModel, LEADER_EXCHANGE_EVIDENCE,
    MonthOutputs, OBSERVABLES, PHASE_CONTACT, PHASE_DEMAND, PHASES, Partnership, Phase,
    RENEGOTIATION_MONTHS, State, TEAM_CONTACT, Totals, UnitMonth, WORKSHOP_GAIN, flexibility,
    uniform_policy_loss,
};
pub use params::{GovernanceParams, Partner, Sector};
pub use places::{
    NEEDS_MEAN, OatesLosses, Places, gini, oates_losses, oates_switch_spillover, spread_benefits,
};
pub use step::SHOWN_WEIGHT;
pub use trust::{AsymmetricTrust, BetaTrust, TrustError};
pub use upper::{diffuse, pooled_resources, upper_level};
pub use vision::{
    VisionError, degroot_weights, friedkin_johnsen_equilibrium, friedkin_johnsen_step,
};
