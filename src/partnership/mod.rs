//! Partnerships: partners, trust, shared vision, transaction costs, phases,
//! interventions, and the governance model that ties them together.
//!
//! The validation pieces are public so they can be checked against their
//! closed forms: [`BetaTrust`], [`AsymmetricTrust`], [`degroot_weights`],
//! [`friedkin_johnsen_equilibrium`].

mod events;
mod model;
mod params;
mod step;
mod trust;
mod vision;

pub use model::{
    BONUS_CAP, DISSOLVING_REVIEWS, EXCHANGE_CONTACT_PER_WEEK, EXCHANGE_EVIDENCE_PER_WEEK,
    EXCHANGE_SPILLOVER, FINAL_METRICS, FORMAL_CONTACT, GovernanceModel, LEADER_EXCHANGE_EVIDENCE,
    MonthOutputs, OBSERVABLES, PHASE_CONTACT, PHASE_DEMAND, PHASES, Phase, RENEGOTIATION_MONTHS,
    State, TEAM_CONTACT, Totals, WORKSHOP_GAIN, flexibility, uniform_policy_loss,
};
pub use params::{GovernanceParams, Partner, Sector};
pub use trust::{AsymmetricTrust, BetaTrust, TrustError};
pub use vision::{
    VisionError, degroot_weights, friedkin_johnsen_equilibrium, friedkin_johnsen_step,
};
