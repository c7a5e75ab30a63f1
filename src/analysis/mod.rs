//! Statistics for Monte Carlo experiments that give the same bits however the
//! work is split.
//!
//! An experiment's results are aggregated by many threads, possibly on many
//! machines, and possibly across an interrupted and resumed process. For the
//! outputs to be byte-identical in every case, every aggregate here is
//! *exact* and *order-independent*: merging the same multiset of values in any
//! grouping gives the same state.
//!
//! - [`Moments`]: count, mean, standard deviation and the Student-t confidence
//!   interval of the mean, from fixed-point integer sums.
//! - [`QuantileSketch`]: a DDSketch-style log-bucketed sketch with integer
//!   counts, giving quantiles within 1 % relative error.
//! - [`t_quantile`] / [`normal_quantile`]: the quantiles the intervals need.
//! - [`order_statistic`]: exact quantiles of a kept sample (final metrics).
//! - [`KaplanMeier`]: censored times to an event (median, quartiles and
//!   restricted mean with confidence intervals).
//! - [`wilson_interval`] / [`PairedCounts`]: shares of binary outcomes and
//!   paired differences of shares; [`share_interval`]: means of shares in
//!   [0, 1] with an interval that stays inside [0, 1].
//! - [`binomial_upper_tail`]: `P(X ≥ k)` of a binomial count (the
//!   quasi-p-values of scenario discovery).
//!
//! Paired comparisons (common random numbers) are [`Moments`] of the
//! per-replication differences, pushed with [`Moments::push_fixed`] as the
//! difference of two quantised values so they agree exactly with the two
//! means.
//!
//! Owns the statistics and their exact, mergeable state (and its binary
//! codec). Imports nothing of the crate: it must not know models, experiments
//! or files, so that any engine can use it (docs/architecture.md, layer 1).

pub(crate) mod codec;
mod moments;
mod order;
mod proportion;
mod sketch;
mod student_t;
mod survival;
mod wide;

pub use codec::DecodeError;
pub use moments::{
    FRACTION_BITS, MAX_ABS_VALUE, Moments, ValueError, check_value, fixed_mean, quantize,
};
pub use order::order_statistic;
pub use proportion::{
    PairedCounts, ShareMethod, logit_t_interval, share_interval, wilson_interval,
};
pub use sketch::{MAX_BUCKETS, QuantileSketch, RELATIVE_ACCURACY, SketchScratch, ZERO_THRESHOLD};
pub use student_t::{binomial_upper_tail, normal_quantile, t_quantile};
pub use survival::{KaplanMeier, KmStep};
pub use wide::U256;
