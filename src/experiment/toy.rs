//! A tiny model for examples, tests and benchmarks of the engine: a set of
//! noisy random walks with a per-configuration drift.
//!
//! It has no meaning for governance; it exists so that the engine's cost and
//! behaviour can be measured and demonstrated without the full model.

use crate::sim::{Configuration, Model, ModelError, SimRng};
use rand::{Rng, RngExt};

/// `walks` independent random walks that all start at 0 and move by
/// `drift + noise · U(−1, 1)` each month.
#[derive(Debug, Clone)]
pub struct RandomWalk {
    walks: usize,
}

/// Parameters of one [`RandomWalk`] run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkParams {
    /// Mean monthly move.
    pub drift: f64,
    /// Half-width of the uniform monthly noise.
    pub noise: f64,
}

/// The state of one [`RandomWalk`] run.
#[derive(Debug, Clone)]
pub struct WalkState {
    positions: Vec<f64>,
    peak: f64,
    area: f64,
}

impl RandomWalk {
    /// A model with `walks` walks (one observable each).
    pub fn new(walks: usize) -> Self {
        Self { walks }
    }

    /// A configuration with a fixed drift and an uncertain noise level drawn
    /// from `U(0.5, 1.5)` on the parameter stream.
    pub fn configuration(name: &str, drift: f64) -> Configuration<WalkParams> {
        Configuration::new(name, move |rng: &mut SimRng| {
            Ok(WalkParams {
                drift,
                noise: rng.random_range(0.5..1.5),
            })
        })
    }
}

impl Model for RandomWalk {
    type Params = WalkParams;
    type State = WalkState;

    fn observables(&self) -> Vec<String> {
        (1..=self.walks).map(|i| format!("walk{i}")).collect()
    }

    fn final_metrics(&self) -> Vec<String> {
        vec!["final".into(), "peak".into(), "area".into()]
    }

    fn init<R: Rng + ?Sized>(&self, _: &WalkParams, _: &mut R) -> Result<WalkState, ModelError> {
        Ok(WalkState {
            positions: vec![0.0; self.walks],
            peak: 0.0,
            area: 0.0,
        })
    }

    fn step<R: Rng + ?Sized>(
        &self,
        p: &WalkParams,
        s: &mut WalkState,
        _t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError> {
        for x in s.positions.iter_mut() {
            *x += p.drift + p.noise * rng.random_range(-1.0..1.0);
        }
        let first = s.positions.first().copied().unwrap_or(0.0);
        s.peak = s.peak.max(first);
        s.area += first;
        Ok(())
    }

    fn observe(&self, _: &WalkParams, s: &WalkState, _t: u32, out: &mut Vec<f64>) {
        out.extend_from_slice(&s.positions);
    }

    fn finish(&self, _: &WalkParams, s: &WalkState, _months: u32, out: &mut Vec<f64>) {
        out.push(s.positions.first().copied().unwrap_or(0.0));
        out.push(s.peak);
        out.push(s.area);
    }
}
