//! Partnerships: partners, trust, shared vision, transaction costs, phases,
//! interventions, and the governance model that ties them together.
//!
//! The validation pieces are public so they can be checked against their
//! closed forms: [`BetaTrust`], [`AsymmetricTrust`], [`degroot_weights`],
//! [`friedkin_johnsen_equilibrium`].

mod events;
mod functions;
mod model;
mod pairs;
mod params;
mod places;
mod step;
mod trust;
mod vision;

pub use functions::{
    BRIDGE_CUT, CONNECT_HALF, INNOVATION, connect, domain_coverage, handover_cost, handover_delay,
    handovers, information_retained, innovation, integration, management_weight, needs_loss,
    ownership, policy_target, reach, running_cost, silo_factor,
};
pub use model::{
    BONUS_CAP, DISSOLVING_REVIEWS, EXCHANGE_CONTACT_PER_WEEK, EXCHANGE_EVIDENCE_PER_WEEK,
    EXCHANGE_SPILLOVER, FINAL_METRICS, FORMAL_CONTACT, GovernanceModel, LEADER_EXCHANGE_EVIDENCE,
    MonthOutputs, OBSERVABLES, PHASE_CONTACT, PHASE_DEMAND, PHASES, Partnership, Phase,
    RENEGOTIATION_MONTHS, State, TEAM_CONTACT, Totals, UnitMonth, WORKSHOP_GAIN, equalise,
    flexibility, uniform_policy_loss,
};
pub use params::{GovernanceParams, Partner, Sector};
pub use places::{
    NEEDS_MEAN, OatesLosses, Places, gini, oates_losses, oates_switch_spillover, spread_benefits,
};
pub use step::SHOWN_WEIGHT;
pub use trust::{AsymmetricTrust, BetaTrust, TrustError};
pub use vision::{
    VisionError, degroot_weights, friedkin_johnsen_equilibrium, friedkin_johnsen_step,
};
