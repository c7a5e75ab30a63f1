//! Your own model on the generic Monte Carlo engine.
//!
//! The experiment engine, its statistics and its charts are generic over the
//! [`mlgov::sim::Model`] trait: nothing here uses a governance type. The model
//! is defined in this file: direct reciprocity among the partners of a local
//! partnership (Axelrod 1984; Nowak 2006, "Five rules for the evolution of
//! cooperation"). Four times a month the partners are paired at random and
//! each pair plays a repeated donation game: cooperating (honouring a
//! commitment) costs `c` and gives the other partner `b`; after each round
//! the pair plays again with probability `w`, the "shadow of the future".
//! Partners follow one of three rules — tit-for-tat, always defect, always
//! cooperate —, act against their rule by mistake with a small probability,
//! and at the end of the month copy a better-paid partner's rule (pairwise
//! comparison with Fermi selection) or, rarely, try a rule at random. Half
//! start with tit-for-tat and half always defect.
//!
//! Tit-for-tat resists defectors when `w > c/b` (here `c/b = 1/3`), but it
//! only takes over from a 50/50 start when `w` is well above that: the three
//! configurations put `w` at 0.2 (below), 0.5 (above, near the tipping
//! point) and 0.85 (a lasting partnership). The error rate is uncertain,
//! drawn afresh for each replication (the same draw for every configuration:
//! common random numbers).
//!
//! The experiment runs in parallel and is seeded and paired exactly as
//! `mlgov run` is. It writes `summary.csv`, `comparisons.csv`,
//! `trajectories.csv`, `runs.csv` and `manifest.json` to the output directory,
//! draws the charts into `DIR/charts/`, and prints the summary and the paired
//! comparisons.
//!
//! ```sh
//! cargo run --release --example custom_model            # into results/custom_model
//! cargo run --release --example custom_model -- results/my_dir
//! ```

use mlgov::experiment::{Experiment, RunOptions, remove_results, run_experiment};
use mlgov::report::{PlotOptions, Results, render_all};
use mlgov::sim::{Configuration, Model, ModelError, SimRng};
use rand::{Rng, RngExt};
use std::path::PathBuf;

/// A partner's rule in the repeated donation game.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Always honour the commitment.
    AlwaysCooperate,
    /// Never honour it.
    AlwaysDefect,
    /// Honour it in the first round, then do what the other partner did last.
    TitForTat,
}

const RULES: [Rule; 3] = [Rule::AlwaysCooperate, Rule::AlwaysDefect, Rule::TitForTat];

/// Longest repeated game (a guard; the mean length is `1 / (1 − w)`).
const MAX_ROUNDS: u32 = 1000;

/// Direct reciprocity in a partnership of `partners` partners.
struct Reciprocity {
    partners: usize,
    /// Times each month the partners are paired up at random.
    meetings: usize,
}

/// The parameters of one run.
#[derive(Debug, Clone, Copy)]
struct ReciprocityParams {
    /// Benefit to the other partner of a kept commitment.
    benefit: f64,
    /// Cost to oneself of keeping it.
    cost: f64,
    /// Probability that a pair plays another round (the shadow of the future).
    continuation: f64,
    /// Probability that a move goes against the partner's rule.
    error: f64,
    /// Intensity of selection when copying a rule.
    selection: f64,
    /// Probability of trying a random rule instead of copying.
    mutation: f64,
}

/// The state of one run.
struct ReciprocityState {
    rules: Vec<Rule>,
    /// This month's payoff and rounds played, per partner.
    payoff: Vec<f64>,
    rounds: Vec<u32>,
    /// This month's share of cooperative moves.
    cooperation: f64,
    /// Running sums over months.
    cooperation_sum: f64,
    payoff_per_round_sum: f64,
    /// Work buffer: the partners in random order.
    order: Vec<usize>,
}

impl ReciprocityState {
    fn share(&self, rule: Rule) -> f64 {
        self.rules.iter().filter(|&&r| r == rule).count() as f64 / self.rules.len() as f64
    }

    fn payoff_per_round(&self) -> f64 {
        let payoff: f64 = self.payoff.iter().sum();
        let rounds: u32 = self.rounds.iter().sum();
        if rounds == 0 {
            0.0
        } else {
            payoff / f64::from(rounds)
        }
    }
}

impl Model for Reciprocity {
    type Params = ReciprocityParams;
    type State = ReciprocityState;

    fn observables(&self) -> Vec<String> {
        [
            "cooperation",
            "share_tit_for_tat",
            "share_always_defect",
            "share_always_cooperate",
            "payoff_per_round",
        ]
        .map(String::from)
        .to_vec()
    }

    fn final_metrics(&self) -> Vec<String> {
        [
            "cooperation_final",
            "cooperation_mean",
            "share_tit_for_tat",
            "share_always_defect",
            "payoff_per_round_mean",
        ]
        .map(String::from)
        .to_vec()
    }

    fn init<R: Rng + ?Sized>(
        &self,
        p: &ReciprocityParams,
        rng: &mut R,
    ) -> Result<ReciprocityState, ModelError> {
        if self.partners < 2 {
            return Err(ModelError::new("a partnership needs at least 2 partners"));
        }
        if !(0.0..1.0).contains(&p.continuation) {
            return Err(ModelError::new(format!(
                "continuation must be in [0, 1), got {}",
                p.continuation
            )));
        }
        // Half the partners start as reciprocators, half as defectors.
        let rules = (0..self.partners)
            .map(|_| {
                if rng.random_bool(0.5) {
                    Rule::TitForTat
                } else {
                    Rule::AlwaysDefect
                }
            })
            .collect();
        Ok(ReciprocityState {
            rules,
            payoff: vec![0.0; self.partners],
            rounds: vec![0; self.partners],
            cooperation: 0.0,
            cooperation_sum: 0.0,
            payoff_per_round_sum: 0.0,
            order: (0..self.partners).collect(),
        })
    }

    fn step<R: Rng + ?Sized>(
        &self,
        p: &ReciprocityParams,
        s: &mut ReciprocityState,
        _t: u32,
        rng: &mut R,
    ) -> Result<(), ModelError> {
        s.payoff.fill(0.0);
        s.rounds.fill(0);

        let (mut kept, mut moves) = (0u64, 0u64);
        for _ in 0..self.meetings {
            // Random pairs (Fisher–Yates shuffle, then neighbours pair up).
            for i in (1..s.order.len()).rev() {
                let j = rng.random_range(0..=i);
                s.order.swap(i, j);
            }
            for pair in s.order.chunks_exact(2) {
                let (a, b) = (pair[0], pair[1]);
                // Last moves (true = cooperated); tit-for-tat opens with cooperation.
                let (mut last_a, mut last_b) = (true, true);
                let mut round = 0;
                loop {
                    let move_a = intended(s.rules[a], last_b) ^ rng.random_bool(p.error);
                    let move_b = intended(s.rules[b], last_a) ^ rng.random_bool(p.error);
                    for (me, other, cooperated) in [(a, b, move_a), (b, a, move_b)] {
                        if cooperated {
                            s.payoff[me] -= p.cost;
                            s.payoff[other] += p.benefit;
                            kept += 1;
                        }
                    }
                    moves += 2;
                    (last_a, last_b) = (move_a, move_b);
                    round += 1;
                    if round >= MAX_ROUNDS || !rng.random_bool(p.continuation) {
                        break;
                    }
                }
                s.rounds[a] += round;
                s.rounds[b] += round;
            }
        }
        s.cooperation = kept as f64 / moves.max(1) as f64;
        s.cooperation_sum += s.cooperation;
        s.payoff_per_round_sum += s.payoff_per_round();

        // Learning: each partner compares itself with a random other partner
        // and copies its rule with probability 1 / (1 + exp(−s·Δ)), where Δ is
        // the difference in payoff per round; or, rarely, tries a random rule.
        let per_round = |i: usize| s.payoff[i] / f64::from(s.rounds[i].max(1));
        let mut next = s.rules.clone();
        for (i, rule) in next.iter_mut().enumerate() {
            if rng.random_bool(p.mutation) {
                *rule = RULES[rng.random_range(0..RULES.len())];
                continue;
            }
            let mut j = rng.random_range(0..self.partners - 1);
            if j >= i {
                j += 1;
            }
            let advantage = per_round(j) - per_round(i);
            if rng.random_bool(1.0 / (1.0 + (-p.selection * advantage).exp())) {
                *rule = s.rules[j];
            }
        }
        s.rules = next;
        Ok(())
    }

    fn observe(&self, _: &ReciprocityParams, s: &ReciprocityState, _t: u32, out: &mut Vec<f64>) {
        out.extend([
            s.cooperation,
            s.share(Rule::TitForTat),
            s.share(Rule::AlwaysDefect),
            s.share(Rule::AlwaysCooperate),
            s.payoff_per_round(),
        ]);
    }

    fn finish(&self, _: &ReciprocityParams, s: &ReciprocityState, months: u32, out: &mut Vec<f64>) {
        let months = f64::from(months.max(1));
        out.extend([
            s.cooperation,
            s.cooperation_sum / months,
            s.share(Rule::TitForTat),
            s.share(Rule::AlwaysDefect),
            s.payoff_per_round_sum / months,
        ]);
    }
}

/// The move a rule intends, given the other partner's last move.
fn intended(rule: Rule, other_last: bool) -> bool {
    match rule {
        Rule::AlwaysCooperate => true,
        Rule::AlwaysDefect => false,
        Rule::TitForTat => other_last,
    }
}

/// A configuration with a given shadow of the future. The error rate is
/// uncertain: drawn from U(0.01, 0.05) on the replication's parameter stream.
fn configuration(name: &str, continuation: f64) -> Configuration<ReciprocityParams> {
    Configuration::new(name, move |rng: &mut SimRng| {
        Ok(ReciprocityParams {
            benefit: 3.0,
            cost: 1.0,
            continuation,
            error: rng.random_range(0.01..0.05),
            selection: 2.0,
            mutation: 0.01,
        })
    })
}

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("results/custom_model"), PathBuf::from);
    // The engine refuses a folder with results; an example is meant to be
    // run again, so remove the previous run's results (and nothing else).
    remove_results(&out)?;

    let experiment = Experiment {
        model: Reciprocity {
            partners: 40,
            meetings: 4,
        },
        configurations: vec![
            configuration("short_shadow", 0.2), // w < c/b: one-off dealings
            configuration("medium_shadow", 0.5),
            configuration("long_shadow", 0.85), // w ≫ c/b: a lasting partnership
        ],
        baseline: 0,
        replications: 200,
        months: 120,
        seed: 2024,
        // Resume and merge refuse a checkpoint with another identity: change
        // it whenever the model or its configurations change.
        identity: "custom_model reciprocity v1".into(),
        scenario_name: "reciprocity".into(),
    };
    let outcome = run_experiment(&experiment, &RunOptions::new(&out))?;
    println!(
        "{} runs ok, {} failed, {:.2} s; results in {}",
        outcome.runs_ok,
        outcome.runs_failed,
        outcome.elapsed_seconds,
        out.display()
    );

    // The same files `mlgov run` writes, read back with the report API.
    let results = Results::load(&out)?;
    println!("\nsummary (mean and 95% CI over replications):");
    print!("{:<24}", "metric");
    for c in &results.configurations {
        print!(" {c:>24}");
    }
    println!();
    for metric in &results.final_metrics {
        print!("{metric:<24}");
        for c in &results.configurations {
            let cell = results.estimate(c, metric).map_or_else(
                || "—".to_string(),
                |e| estimate_cell(e.mean, e.ci_low, e.ci_high),
            );
            print!(" {cell:>24}");
        }
        println!();
    }

    println!(
        "\npaired differences from the baseline \"{}\" (mean [95% CI]):",
        results.baseline().unwrap_or("?")
    );
    for d in &results.differences {
        let verdict = match (d.ci_low, d.ci_high) {
            (Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0 => "excludes 0",
            (Some(_), Some(_)) => "includes 0",
            _ => "no interval",
        };
        println!(
            "  {:<14} {:<24} {:>26}  {verdict}",
            d.configuration,
            d.metric,
            estimate_cell(d.mean, d.ci_low, d.ci_high)
        );
    }

    let charts = render_all(&out, &PlotOptions::default())?;
    println!(
        "\ndrew {} chart files in {}, e.g. {}",
        charts.len(),
        out.join("charts").display(),
        out.join("charts/trajectories_cooperation.png").display()
    );
    Ok(())
}

/// `mean [low, high]` with three decimals; `—` for a missing value.
fn estimate_cell(mean: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
    format!("{} [{}, {}]", f(mean), f(low), f(high))
}
