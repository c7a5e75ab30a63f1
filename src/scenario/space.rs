//! The uncertain parameters of one configuration as a box for sensitivity
//! analysis: each distribution contributes its bounds (its support, or the
//! central 98% where the support is unbounded).

use super::{ConfigSpec, Param, ScenarioSpec};
use crate::partnership::GovernanceParams;
use crate::sim::{ModelError, ParameterSpace};

/// The uncertain parameters of a configuration.
#[derive(Debug, Clone)]
pub struct ScenarioSpace {
    spec: ScenarioSpec,
    names: Vec<String>,
    bounds: Vec<(f64, f64)>,
}

impl ScenarioSpace {
    /// The space of `config`'s uncertain parameters, in path order.
    pub fn new(config: &ConfigSpec) -> Self {
        let mut spec = config.spec.clone();
        let mut names = Vec::new();
        let mut bounds = Vec::new();
        spec.for_each_param(&mut |slot| {
            if let Param::Dist(d) = &*slot.param {
                let (lo, hi) = d.analysis_bounds();
                // Keep the box inside the allowed range.
                let lo = if slot.range.low_open {
                    lo.max(slot.range.low + 1e-9)
                } else {
                    lo.max(slot.range.low)
                };
                let hi = hi.min(slot.range.high);
                names.push(slot.path.clone());
                bounds.push((lo, hi));
            }
        });
        Self {
            spec,
            names,
            bounds,
        }
    }
}

impl ParameterSpace<GovernanceParams> for ScenarioSpace {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn bounds(&self) -> Vec<(f64, f64)> {
        self.bounds.clone()
    }

    fn build(&self, x: &[f64]) -> Result<GovernanceParams, ModelError> {
        if x.len() != self.names.len() {
            return Err(ModelError::new(format!(
                "expected {} parameter values, got {}",
                self.names.len(),
                x.len()
            )));
        }
        let mut spec = self.spec.clone();
        let mut k = 0;
        spec.for_each_param(&mut |slot| {
            if slot.param.is_uncertain() {
                *slot.param = Param::Fixed(x[k]);
                k += 1;
            }
        });
        GovernanceParams::from_spec(&spec)
    }
}
