//! Trust as discounted evidence (the beta reputation system of Jøsang & Ismail
//! 2002), with the asymmetry reported by Slovic (1993): a broken commitment
//! weighs more than a kept one.
//!
//! A truster keeps evidence `r` (kept commitments) and `s` (broken ones). Each
//! step both are discounted by a forgetting factor λ and the new evidence is
//! added with weights w⁺ (kept) and w⁻ (broken):
//!
//! r ← λ·r + w⁺·kept,  s ← λ·s + w⁻·broken,  τ = (r + 1) / (r + s + 2).
//!
//! ```
//! use mlgov::partnership::BetaTrust;
//! let mut t = BetaTrust::new(0.9, 1.0, 2.0).unwrap();
//! assert_eq!(t.expected(), 0.5);
//! t.observe(true);
//! assert!(t.expected() > 0.5);
//! let before = t.expected();
//! t.observe(false);
//! assert!(t.expected() < before);
//! // With cooperation probability p the evidence settles at
//! // r* = p·w⁺/(1−λ), s* = (1−p)·w⁻/(1−λ).
//! let (r, s) = BetaTrust::new(0.9, 1.0, 2.0).unwrap().fixed_point(0.8);
//! assert!((r - 8.0).abs() < 1e-12 && (s - 4.0).abs() < 1e-12);
//! ```

/// Why trust parameters were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The forgetting factor must lie in (0, 1].
    #[error("forgetting factor must be in (0, 1], got {0}")]
    Forgetting(f64),
    /// Evidence weights must be finite and non-negative.
    #[error("evidence weight `{name}` must be finite and >= 0, got {value}")]
    Weight {
        /// Which weight.
        name: &'static str,
        /// The value given.
        value: f64,
    },
}

/// Beta-evidence trust of one truster in one trustee.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaTrust {
    /// Discounted evidence of kept commitments.
    pub r: f64,
    /// Discounted evidence of broken commitments.
    pub s: f64,
    forgetting: f64,
    w_kept: f64,
    w_broken: f64,
}

impl BetaTrust {
    /// Trust with no evidence yet (τ = ½), forgetting factor λ ∈ (0, 1] and the
    /// weights of a kept (w⁺) and a broken (w⁻) commitment.
    pub fn new(forgetting: f64, w_kept: f64, w_broken: f64) -> Result<Self, TrustError> {
        if !(forgetting > 0.0 && forgetting <= 1.0) {
            return Err(TrustError::Forgetting(forgetting));
        }
        for (name, value) in [("kept", w_kept), ("broken", w_broken)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(TrustError::Weight { name, value });
            }
        }
        Ok(Self {
            r: 0.0,
            s: 0.0,
            forgetting,
            w_kept,
            w_broken,
        })
    }

    /// Starts from prior evidence instead of none.
    pub fn with_evidence(mut self, r: f64, s: f64) -> Self {
        self.r = r.max(0.0);
        self.s = s.max(0.0);
        self
    }

    /// One step with a single observed commitment, kept or broken.
    pub fn observe(&mut self, kept: bool) {
        self.update(if kept { 1.0 } else { 0.0 }, if kept { 0.0 } else { 1.0 });
    }

    /// One step with fractional amounts of kept and broken commitments (for
    /// example weighted by how often the two partners met this month).
    pub fn update(&mut self, kept: f64, broken: f64) {
        self.r = self.forgetting * self.r + self.w_kept * kept;
        self.s = self.forgetting * self.s + self.w_broken * broken;
    }

    /// Expected trust τ = (r + 1)/(r + s + 2), the mean of Beta(r + 1, s + 1).
    pub fn expected(&self) -> f64 {
        (self.r + 1.0) / (self.r + self.s + 2.0)
    }

    /// The evidence this trust settles at when the trustee keeps each
    /// commitment with probability `p` (one commitment per step, λ < 1):
    /// r* = p·w⁺/(1−λ), s* = (1−p)·w⁻/(1−λ). Infinite when λ = 1.
    pub fn fixed_point(&self, p: f64) -> (f64, f64) {
        let k = 1.0 / (1.0 - self.forgetting);
        (p * self.w_kept * k, (1.0 - p) * self.w_broken * k)
    }
}

/// The simpler asymmetric rule of trust psychology: T += α(1 − T) after a
/// kept commitment, T −= βT after a broken one, with β > α for asymmetry.
/// With cooperation probability `p` the mean of T settles at
/// pα / (pα + (1 − p)β) (see [`AsymmetricTrust::stationary_mean`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AsymmetricTrust {
    /// Current trust in [0, 1].
    pub value: f64,
    /// Gain rate after a kept commitment.
    pub alpha: f64,
    /// Loss rate after a broken commitment.
    pub beta: f64,
}

impl AsymmetricTrust {
    /// Trust `value` with rates α (gain) and β (loss), both in [0, 1].
    pub fn new(value: f64, alpha: f64, beta: f64) -> Self {
        Self {
            value: value.clamp(0.0, 1.0),
            alpha: alpha.clamp(0.0, 1.0),
            beta: beta.clamp(0.0, 1.0),
        }
    }

    /// One observed commitment.
    pub fn observe(&mut self, kept: bool) {
        if kept {
            self.value += self.alpha * (1.0 - self.value);
        } else {
            self.value -= self.beta * self.value;
        }
    }

    /// The long-run mean of T under cooperation probability `p`:
    /// E\[T\] = pα / (pα + (1 − p)β).
    ///
    /// ```
    /// use mlgov::partnership::AsymmetricTrust;
    /// let t = AsymmetricTrust::new(0.5, 0.1, 0.3);
    /// assert!((t.stationary_mean(0.75) - 0.5).abs() < 1e-12);
    /// ```
    pub fn stationary_mean(&self, p: f64) -> f64 {
        let up = p * self.alpha;
        let down = (1.0 - p) * self.beta;
        if up + down == 0.0 {
            self.value
        } else {
            up / (up + down)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_parameters() {
        assert!(BetaTrust::new(0.0, 1.0, 1.0).is_err());
        assert!(BetaTrust::new(1.5, 1.0, 1.0).is_err());
        assert!(BetaTrust::new(0.9, -1.0, 1.0).is_err());
        assert!(BetaTrust::new(0.9, 1.0, f64::NAN).is_err());
        assert!(BetaTrust::new(1.0, 1.0, 1.0).is_ok());
    }

    #[test]
    fn broken_commitment_weighs_more() {
        let mut a = BetaTrust::new(0.95, 1.0, 2.0).unwrap();
        let mut b = a;
        a.observe(true);
        b.observe(false);
        assert!((a.expected() - 0.5) < (0.5 - b.expected()));
    }
}
