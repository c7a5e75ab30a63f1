//! The pair pass of the monthly step (`docs/model.md` §3, steps 3–6).
//!
//! Pair quantities live in square arrays of side `np` (the partnership's
//! *stride*: the number of partners plus at least three, rounded up to a
//! multiple of four), so that four consecutive partners can be read and
//! written at once from any starting partner without leaving the row.
//! Lanes past the last partner are padding and never count.
//!
//! The pass goes over the unordered pairs {i, j}, i < j, of active
//! partners: this month's contact, the evidence of both directions, their
//! trust, who cooperates now, the horizontal cost and the smallest trust,
//! and each partner's sums (Σ τ, Σ m·τ, Σ m·τ·x and Σ τ by the other's
//! level) for the observed trust and the Friedkin–Johnsen step. Each
//! partner's sums receive their terms in ascending order of the other
//! partner, as a row-by-row loop would, and the horizontal cost receives
//! its pairs in the order of the pairs; every sum is the same, bit for bit,
//! whichever code path runs. On x86-64 processors with AVX2 the pass works
//! on tiles of four partners by four, four pairs per instruction, and adds
//! each tile's terms to the sums as it goes (rows before columns, tile rows
//! in order, so the order of the terms is kept). Elsewhere a scalar pass
//! writes each direction's trust and the contact into column-major scratch
//! (the trust of i in j at `j·np + i`) and a second pass adds column j to
//! every row's sums for each active j in turn: the same numbers, with the
//! same operations in the same order (no fused multiply–add).

use super::model::FORMAL_CONTACT;

/// Evidence planes: kept evidence of the lower-indexed partner about the
/// higher, of the higher about the lower, then broken evidence likewise.
pub(super) const R_IJ: usize = 0;
pub(super) const R_JI: usize = 1;
pub(super) const S_IJ: usize = 2;
pub(super) const S_JI: usize = 3;

/// The stride of the pair arrays for `n` partners.
pub(super) fn stride(n: usize) -> usize {
    (n + 3).div_ceil(4) * 4
}

/// Month constants of the first pass.
#[derive(Debug, Clone, Copy)]
pub(super) struct PairConsts {
    /// Contact multiplier of the phase, leadership and vision work.
    pub mult: f64,
    /// Forgetting factor λ.
    pub lambda: f64,
    /// Evidence weights of a kept and a broken commitment.
    pub wk: f64,
    pub wb: f64,
    /// Trust needed to take the risk of cooperating.
    pub risk: f64,
    /// Hassle floor and its complement.
    pub floor: f64,
    pub hassle_left: f64,
    /// Whether the partnership is delivering (formal contact between
    /// partners who do not cooperate).
    pub executing: bool,
    /// Whether mixed teams meet this month.
    pub teams: bool,
}

/// What the first pass adds up.
#[derive(Debug, Clone, Copy)]
pub(super) struct PairTotals {
    /// Ordered pairs that cooperate (twice the unordered ones).
    pub coop: usize,
    /// Σ over pairs of min(1, base·mult)·(floor + (1 − floor)·(1 − (τ_ij + τ_ji)/2)): the
    /// coordination the structure requires, costed by distrust.
    pub horizontal: f64,
    /// Smallest trust of any active partner in another (1 when none).
    pub tmin: f64,
}

/// The arrays the first pass reads and writes, all of stride `np`.
pub(super) struct PairArrays<'a> {
    /// Partners (active or not) and the stride.
    pub n: usize,
    pub np: usize,
    /// Active partners, ascending.
    pub ids: &'a [usize],
    /// All ones for an active partner, zero otherwise (and for padding).
    pub act: &'a [u64],
    /// 1 if the partner kept this month's commitments, else 0.
    pub kept: &'a [f64],
    /// Contact from working in the same mixed team, by pair (0 for pairs
    /// not in one team).
    pub mate: &'a [f64],
    /// Structural contact and contact from exchanges, by pair.
    pub base: &'a [f64],
    pub bonus: &'a [f64],
    /// Cooperation of the pair {i, j}, kept at i·np + j for i < j: all ones
    /// when both take the risk, else zero.
    pub coop: &'a mut [u64],
    /// Evidence planes (`R_IJ` … `S_JI`), each np² long, at i·np + j, i < j.
    pub evidence: &'a mut [f64],
    /// Column-major scratch of the scalar pass: trust of i in j and contact
    /// at j·np + i (the AVX2 pass does not use it).
    pub trust: &'a mut [f64],
    pub contact: &'a mut [f64],
    /// Scratch for the pairs' horizontal-cost terms (np² long), added up in
    /// pair order after the pass.
    pub terms: &'a mut [f64],
    /// Each partner's level index (0, 1, 2) and view (n values).
    pub level: &'a [usize],
    pub view: &'a [f64],
    /// Each partner's sums, written by the pass: seven rows of `np` (Σ τ,
    /// Σ m·τ, Σ m·τ·x, then Σ τ over the others at each of four levels).
    pub sums: &'a mut [f64],
}

impl PairArrays<'_> {
    fn check(&self) {
        let (np, n2) = (self.np, self.np * self.np);
        assert!(np.is_multiple_of(4) && self.n + 3 <= np && self.ids.iter().all(|&i| i < self.n));
        assert!(self.act.len() >= np && self.kept.len() >= np && self.mate.len() >= n2);
        assert!(self.base.len() >= n2 && self.bonus.len() >= n2 && self.coop.len() >= n2);
        assert!(self.evidence.len() >= 4 * n2);
        assert!(self.trust.len() >= n2 && self.contact.len() >= n2 && self.terms.len() >= n2);
        assert!(self.level.len() >= self.n && self.view.len() >= self.n);
        assert!(self.sums.len() >= 7 * np);
    }
}

/// The first pass (see the module notes); the fastest path the processor
/// supports.
pub(super) fn first_pass(c: &PairConsts, a: &mut PairArrays) -> PairTotals {
    a.check();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // Evidence of pairs with an inactive partner must not change;
            // without inactive partners every lane of a block may be
            // written (padding lanes are never read).
            let whole = a.ids.len() == a.n;
            // SAFETY: AVX2 is available (checked just above); `check` has
            // verified every length the pass relies on.
            return unsafe {
                if whole {
                    avx2::first_pass::<false>(c, a)
                } else {
                    avx2::first_pass::<true>(c, a)
                }
            };
        }
    }
    let totals = first_pass_scalar(c, a);
    row_sums(a);
    totals
}

/// The first pass, one pair at a time.
pub(super) fn first_pass_scalar(c: &PairConsts, a: &mut PairArrays) -> PairTotals {
    let np = a.np;
    let n2 = np * np;
    let mut out = PairTotals {
        coop: 0,
        horizontal: 0.0,
        tmin: 1.0,
    };
    for (x, &i) in a.ids.iter().enumerate() {
        let kept_i = a.kept[i];
        a.trust[i * np + i] = 0.0;
        a.contact[i * np + i] = 0.0;
        for &j in &a.ids[x + 1..] {
            let ij = i * np + j;
            let kept_j = a.kept[j];
            let mate = if c.teams { a.mate[ij] } else { 0.0 };
            let need = a.base[ij] * c.mult;
            let mut m = need + a.bonus[ij] + mate;
            m = if m < 1.0 { m } else { 1.0 };
            // The coordination the structure requires (no exchange, team
            // or formal-contact adjustment): what the hassle cost is paid on.
            let need = if need < 1.0 { need } else { 1.0 };
            if c.executing && a.coop[ij] == 0 {
                m *= FORMAL_CONTACT;
            }
            let (wkm, wbm) = (c.wk * m, c.wb * m);
            let e = &mut a.evidence[..];
            let r_ij = c.lambda * e[R_IJ * n2 + ij] + wkm * kept_j;
            let r_ji = c.lambda * e[R_JI * n2 + ij] + wkm * kept_i;
            let s_ij = c.lambda * e[S_IJ * n2 + ij] + wbm * (1.0 - kept_j);
            let s_ji = c.lambda * e[S_JI * n2 + ij] + wbm * (1.0 - kept_i);
            e[R_IJ * n2 + ij] = r_ij;
            e[R_JI * n2 + ij] = r_ji;
            e[S_IJ * n2 + ij] = s_ij;
            e[S_JI * n2 + ij] = s_ji;
            let t_ij = (r_ij + 1.0) / (r_ij + s_ij + 2.0);
            let t_ji = (r_ji + 1.0) / (r_ji + s_ji + 2.0);
            let both = t_ij >= c.risk && t_ji >= c.risk;
            a.coop[ij] = if both { u64::MAX } else { 0 };
            out.coop += 2 * usize::from(both);
            out.horizontal += need * (c.floor + c.hassle_left * (1.0 - 0.5 * (t_ij + t_ji)));
            // The smallest trust (no NaN can arise: r, s ≥ 0).
            out.tmin = if t_ij < out.tmin { t_ij } else { out.tmin };
            out.tmin = if t_ji < out.tmin { t_ji } else { out.tmin };
            a.trust[j * np + i] = t_ij;
            a.trust[i * np + j] = t_ji;
            a.contact[j * np + i] = m;
            a.contact[i * np + j] = m;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

    /// Transposes the 4×4 block whose rows are `r`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn transpose(r: [__m256d; 4]) -> [__m256d; 4] {
        let t0 = _mm256_unpacklo_pd(r[0], r[1]);
        let t1 = _mm256_unpackhi_pd(r[0], r[1]);
        let t2 = _mm256_unpacklo_pd(r[2], r[3]);
        let t3 = _mm256_unpackhi_pd(r[2], r[3]);
        [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ]
    }

    /// Four partners' sums (Σ τ, Σ m·τ, Σ m·τ·x and Σ τ by the other's
    /// level) in registers while a tile adds its terms.
    struct RowSums {
        tau: __m256d,
        weight: __m256d,
        weighted: __m256d,
        level: [__m256d; 4],
    }

    impl RowSums {
        /// The sums of partners `i..i + 4` from the seven rows of `np` at
        /// `s`.
        ///
        /// # Safety
        /// `s` must hold 7·np values and i + 4 ≤ np.
        #[inline]
        #[target_feature(enable = "avx2")]
        unsafe fn load(s: *const f64, np: usize, i: usize) -> Self {
            // SAFETY: the caller guarantees the bounds.
            unsafe {
                let at = |row: usize| _mm256_loadu_pd(s.add(row * np + i));
                RowSums {
                    tau: at(0),
                    weight: at(1),
                    weighted: at(2),
                    level: [at(3), at(4), at(5), at(6)],
                }
            }
        }

        /// # Safety
        /// As for [`RowSums::load`].
        #[inline]
        #[target_feature(enable = "avx2")]
        unsafe fn store(&self, s: *mut f64, np: usize, i: usize) {
            // SAFETY: the caller guarantees the bounds.
            unsafe {
                let put = |row: usize, v: __m256d| _mm256_storeu_pd(s.add(row * np + i), v);
                put(0, self.tau);
                put(1, self.weight);
                put(2, self.weighted);
                for (k, &v) in self.level.iter().enumerate() {
                    put(3 + k, v);
                }
            }
        }

        /// Adds one term to each of the four partners: trust `t` in the
        /// other partner, contact `m`, and the other's view and level, with
        /// the operations of the scalar path's `row_sums`.
        #[inline]
        #[target_feature(enable = "avx2")]
        fn add(&mut self, t: __m256d, m: __m256d, (x, level): (__m256d, usize)) {
            self.tau = _mm256_add_pd(self.tau, t);
            let w = _mm256_mul_pd(m, t);
            self.weight = _mm256_add_pd(self.weight, w);
            self.weighted = _mm256_add_pd(self.weighted, _mm256_mul_pd(w, x));
            match level {
                0 => self.level[0] = _mm256_add_pd(self.level[0], t),
                1 => self.level[1] = _mm256_add_pd(self.level[1], t),
                2 => self.level[2] = _mm256_add_pd(self.level[2], t),
                _ => self.level[3] = _mm256_add_pd(self.level[3], t),
            }
        }
    }

    /// The first pass in tiles of four partners i by four partners j ≥ i.
    /// Each row of a tile is computed four lanes at a time; the trust of
    /// i in j and the contact then reach column j by transposing the tile
    /// in registers. With `PRESERVE`, the evidence and cooperation of pairs
    /// with an inactive partner keep their values; without, the caller
    /// guarantees that every partner is active (lanes past the last partner
    /// and below the diagonal then write only storage nobody reads).
    ///
    /// # Safety
    /// The processor must support AVX2, and the arrays must have passed
    /// [`PairArrays::check`].
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn first_pass<const PRESERVE: bool>(
        c: &PairConsts,
        a: &mut PairArrays,
    ) -> PairTotals {
        // SAFETY: the caller guarantees AVX2 and checked lengths. Tiles
        // start at multiples of four below `end` ≤ np (np a multiple of
        // four), so every row i and lane j of a tile is < np and each
        // i·np + j lies inside the np² long arrays; the partner arrays hold
        // np values.
        unsafe {
            let np = a.np;
            let n2 = np * np;
            let mut coop = 0usize;
            let mut tmin = _mm256_set1_pd(1.0);
            let one = _mm256_set1_pd(1.0);
            let two = _mm256_set1_pd(2.0);
            let half = _mm256_set1_pd(0.5);
            let zero = _mm256_setzero_pd();
            let mult = _mm256_set1_pd(c.mult);
            let lambda = _mm256_set1_pd(c.lambda);
            let wk = _mm256_set1_pd(c.wk);
            let wb = _mm256_set1_pd(c.wb);
            let risk = _mm256_set1_pd(c.risk);
            let floor = _mm256_set1_pd(c.floor);
            let hassle_left = _mm256_set1_pd(c.hassle_left);
            let formal = _mm256_set1_pd(FORMAL_CONTACT);
            let executing =
                _mm256_castsi256_pd(_mm256_set1_epi64x(if c.executing { -1 } else { 0 }));
            let lane = _mm256_setr_epi64x(0, 1, 2, 3);
            let (act, kept, mate_m) = (a.act.as_ptr(), a.kept.as_ptr(), a.mate.as_ptr());
            let (base, bonus) = (a.base.as_ptr(), a.bonus.as_ptr());
            let coop_m = a.coop.as_mut_ptr() as *mut f64;
            let ev = a.evidence.as_mut_ptr();
            let terms = a.terms.as_mut_ptr();
            let sums = a.sums.as_mut_ptr();
            std::ptr::write_bytes(sums, 0, 7 * np);
            let (n, level, view) = (a.n, a.level, a.view);
            // The other partner of a column of terms: its view and level
            // (padding partners past the last have only zero terms).
            let other = |k: usize| -> (__m256d, usize) {
                if k < n {
                    (
                        _mm256_set1_pd(*view.get_unchecked(k)),
                        *level.get_unchecked(k) & 3,
                    )
                } else {
                    (zero, 0)
                }
            };
            let end = a.ids.last().map_or(0, |&i| (i + 1).div_ceil(4) * 4);
            let mut i0 = 0;
            while i0 < end {
                let mut j0 = i0;
                while j0 < end {
                    let diagonal = j0 == i0;
                    let live_j = _mm256_loadu_pd(act.add(j0) as *const f64);
                    let kept_j = _mm256_loadu_pd(kept.add(j0));
                    let lanes_j = _mm256_add_epi64(_mm256_set1_epi64x(j0 as i64), lane);
                    let mut t_rows = [zero; 4];
                    let mut tji_rows = [zero; 4];
                    let mut m_rows = [zero; 4];
                    // The last row of a tile on the diagonal has no pair
                    // j > i, and nothing reads its lanes (see below).
                    let tile_rows = if diagonal { 3 } else { 4 };
                    for (r, ((t_row, tji_row), m_row)) in t_rows
                        .iter_mut()
                        .zip(tji_rows.iter_mut())
                        .zip(m_rows.iter_mut())
                        .enumerate()
                        .take(tile_rows)
                    {
                        let i = i0 + r;
                        let ij = i * np + j0;
                        // Live lanes: both partners active and j > i.
                        let above = _mm256_castsi256_pd(_mm256_cmpgt_epi64(
                            lanes_j,
                            _mm256_set1_epi64x(i as i64),
                        ));
                        let live = _mm256_and_pd(
                            _mm256_and_pd(
                                live_j,
                                _mm256_broadcast_sd(&*(act.add(i) as *const f64)),
                            ),
                            above,
                        );
                        let kept_i = _mm256_broadcast_sd(&*kept.add(i));
                        let mate = if c.teams {
                            _mm256_loadu_pd(mate_m.add(ij))
                        } else {
                            zero
                        };
                        let need = _mm256_mul_pd(_mm256_loadu_pd(base.add(ij)), mult);
                        let mut m = _mm256_add_pd(
                            _mm256_add_pd(need, _mm256_loadu_pd(bonus.add(ij))),
                            mate,
                        );
                        let need = _mm256_min_pd(need, one);
                        // if m < 1 { m } else { 1 }
                        m = _mm256_min_pd(m, one);
                        let was = _mm256_loadu_pd(coop_m.add(ij));
                        let formal_lane = _mm256_andnot_pd(was, executing);
                        m = _mm256_blendv_pd(m, _mm256_mul_pd(m, formal), formal_lane);
                        let (wkm, wbm) = (_mm256_mul_pd(wk, m), _mm256_mul_pd(wb, m));
                        let e_rij = ev.add(R_IJ * n2 + ij);
                        let e_rji = ev.add(R_JI * n2 + ij);
                        let e_sij = ev.add(S_IJ * n2 + ij);
                        let e_sji = ev.add(S_JI * n2 + ij);
                        let (o_rij, o_rji) = (_mm256_loadu_pd(e_rij), _mm256_loadu_pd(e_rji));
                        let (o_sij, o_sji) = (_mm256_loadu_pd(e_sij), _mm256_loadu_pd(e_sji));
                        let r_ij =
                            _mm256_add_pd(_mm256_mul_pd(lambda, o_rij), _mm256_mul_pd(wkm, kept_j));
                        let r_ji =
                            _mm256_add_pd(_mm256_mul_pd(lambda, o_rji), _mm256_mul_pd(wkm, kept_i));
                        let s_ij = _mm256_add_pd(
                            _mm256_mul_pd(lambda, o_sij),
                            _mm256_mul_pd(wbm, _mm256_sub_pd(one, kept_j)),
                        );
                        let s_ji = _mm256_add_pd(
                            _mm256_mul_pd(lambda, o_sji),
                            _mm256_mul_pd(wbm, _mm256_sub_pd(one, kept_i)),
                        );
                        let t_ij = _mm256_div_pd(
                            _mm256_add_pd(r_ij, one),
                            _mm256_add_pd(_mm256_add_pd(r_ij, s_ij), two),
                        );
                        let t_ji = _mm256_div_pd(
                            _mm256_add_pd(r_ji, one),
                            _mm256_add_pd(_mm256_add_pd(r_ji, s_ji), two),
                        );
                        let both = _mm256_and_pd(
                            _mm256_cmp_pd::<_CMP_GE_OQ>(t_ij, risk),
                            _mm256_cmp_pd::<_CMP_GE_OQ>(t_ji, risk),
                        );
                        let both = _mm256_and_pd(both, live);
                        if PRESERVE {
                            // Only the pairs of two active partners change.
                            _mm256_storeu_pd(e_rij, _mm256_blendv_pd(o_rij, r_ij, live));
                            _mm256_storeu_pd(e_rji, _mm256_blendv_pd(o_rji, r_ji, live));
                            _mm256_storeu_pd(e_sij, _mm256_blendv_pd(o_sij, s_ij, live));
                            _mm256_storeu_pd(e_sji, _mm256_blendv_pd(o_sji, s_ji, live));
                            _mm256_storeu_pd(coop_m.add(ij), _mm256_blendv_pd(was, both, live));
                        } else {
                            // Lanes on or below the diagonal and past the last
                            // partner write unused storage.
                            _mm256_storeu_pd(e_rij, r_ij);
                            _mm256_storeu_pd(e_rji, r_ji);
                            _mm256_storeu_pd(e_sij, s_ij);
                            _mm256_storeu_pd(e_sji, s_ji);
                            _mm256_storeu_pd(coop_m.add(ij), both);
                        }
                        coop += 2 * (_mm256_movemask_pd(both) as u32).count_ones() as usize;
                        // Horizontal-cost term of each live pair, kept at its
                        // pair's place and added up in pair order below.
                        let h = _mm256_mul_pd(
                            need,
                            _mm256_add_pd(
                                floor,
                                _mm256_mul_pd(
                                    hassle_left,
                                    _mm256_sub_pd(
                                        one,
                                        _mm256_mul_pd(half, _mm256_add_pd(t_ij, t_ji)),
                                    ),
                                ),
                            ),
                        );
                        _mm256_storeu_pd(terms.add(ij), _mm256_and_pd(h, live));
                        // The smallest trust over live lanes (others count as 1).
                        let lo = _mm256_blendv_pd(one, _mm256_min_pd(t_ij, t_ji), live);
                        tmin = _mm256_min_pd(tmin, lo);
                        // Pairs that are not live contribute exact zeros
                        // to the partners' sums.
                        *t_row = _mm256_and_pd(t_ij, live);
                        *tji_row = _mm256_and_pd(t_ji, live);
                        *m_row = _mm256_and_pd(m, live);
                    }
                    // The partners' sums. Row i receives its terms in
                    // ascending order of the other partner: those of the
                    // partners before its tile row came with earlier tile
                    // rows, then come the diagonal tile and the tiles to its
                    // right, each adding its four columns in order.
                    let t_cols = transpose(t_rows);
                    let m_cols = transpose(m_rows);
                    if diagonal {
                        // Row i0 + a, column c: the trust of i0 + a in
                        // i0 + c, worked out in row a of the tile above the
                        // diagonal (lane c) and in row c below it (the trust
                        // of the later partner, lane a); zero on the
                        // diagonal (no pair is live there). Row 3 of the
                        // tile is not needed: above the diagonal it has no
                        // lane, and column 3 has no lane below it.
                        let mut row = RowSums::load(sums, np, i0);
                        for c in 0..4 {
                            let cl = _mm256_set1_epi64x(c as i64);
                            let below = _mm256_castsi256_pd(_mm256_cmpgt_epi64(lane, cl));
                            let t = _mm256_blendv_pd(t_cols[c], tji_rows[c], below);
                            let m = _mm256_blendv_pd(m_cols[c], m_rows[c], below);
                            row.add(t, m, other(i0 + c));
                        }
                        row.store(sums, np, i0);
                    } else {
                        // Rows i0..i0 + 4: the trust of each in j0 + c.
                        let mut row = RowSums::load(sums, np, i0);
                        for c in 0..4 {
                            row.add(t_cols[c], m_cols[c], other(j0 + c));
                        }
                        row.store(sums, np, i0);
                        // Rows j0..j0 + 4: the trust of each in i0 + r.
                        let mut row = RowSums::load(sums, np, j0);
                        for r in 0..4 {
                            row.add(tji_rows[r], m_rows[r], other(i0 + r));
                        }
                        row.store(sums, np, j0);
                    }
                    j0 += 4;
                }
                i0 += 4;
            }
            let mut lanes = [0.0f64; 4];
            _mm256_storeu_pd(lanes.as_mut_ptr(), tmin);
            let tmin = lanes.iter().fold(1.0f64, |a, &b| if b < a { b } else { a });
            // The horizontal cost, pair by pair in the order of the pairs (a
            // pair that is not live adds an exact zero).
            let mut horizontal = 0.0f64;
            for i in 0..end {
                for &h in &a.terms[i * np + i + 1..i * np + end] {
                    horizontal += h;
                }
            }
            PairTotals {
                coop,
                horizontal,
                tmin,
            }
        }
    }
}

/// The second pass of the scalar path: each active partner's sums over the
/// others, Σ τ, Σ m·τ, Σ m·τ·x and Σ τ by the other's level, into `sums`
/// (seven rows of `np`: τ, m·τ, m·τ·x, then the four levels), adding
/// column j of the column-major trust and contact that [`first_pass_scalar`]
/// leaves to every row for each active j in turn. This is the definition
/// the AVX2 pass follows, adding the same terms in the same order as it
/// goes.
fn row_sums(a: &mut PairArrays) {
    let np = a.np;
    // Rows worth summing: those up to the last active partner, rounded up
    // to whole vectors (the rows past it would only collect sums nobody
    // reads).
    let rows = a.ids.last().map_or(0, |&i| (i + 1).div_ceil(4) * 4).min(np);
    let sums = &mut a.sums[..7 * np];
    sums.fill(0.0);
    let (row_tau, rest) = sums.split_at_mut(np);
    let (row_weight, rest) = rest.split_at_mut(np);
    let (row_weighted, row_level) = rest.split_at_mut(np);
    let (row_tau, row_weight, row_weighted) = (
        &mut row_tau[..rows],
        &mut row_weight[..rows],
        &mut row_weighted[..rows],
    );
    for &j in a.ids {
        let (tau_col, m_col) = (
            &a.trust[j * np..j * np + rows],
            &a.contact[j * np..j * np + rows],
        );
        let lvl = a.level[j] & 3;
        let level_row = &mut row_level[lvl * np..lvl * np + rows];
        let x = a.view[j];
        for ((((tau, lev), weight), weighted), (&t, &m)) in row_tau
            .iter_mut()
            .zip(level_row.iter_mut())
            .zip(row_weight.iter_mut())
            .zip(row_weighted.iter_mut())
            .zip(tau_col.iter().zip(m_col))
        {
            *tau += t;
            *lev += t;
            let w = m * t;
            *weight += w;
            *weighted += w * x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimRng;
    use rand::{RngExt, SeedableRng};

    /// Random pair arrays for `n` partners, some inactive, some in teams.
    struct Case {
        n: usize,
        np: usize,
        ids: Vec<usize>,
        act: Vec<u64>,
        kept: Vec<f64>,
        mate: Vec<f64>,
        base: Vec<f64>,
        bonus: Vec<f64>,
        coop: Vec<u64>,
        evidence: Vec<f64>,
        view: Vec<f64>,
        level: Vec<usize>,
    }

    fn case(n: usize, inactive: &[usize], seed: u64) -> Case {
        let mut rng = SimRng::seed_from_u64(seed);
        let np = stride(n);
        let n2 = np * np;
        let ids: Vec<usize> = (0..n).filter(|i| !inactive.contains(i)).collect();
        let act = (0..np)
            .map(|i| if ids.contains(&i) { u64::MAX } else { 0 })
            .collect();
        let kept = (0..np)
            .map(|i| {
                if i < n && rng.random::<f64>() < 0.7 {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let team: Vec<u64> = (0..n).map(|_| rng.random_range(0..4u64)).collect();
        let mut mate = vec![0.0; n2];
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i && team[i] == team[j]) {
                mate[i * np + j] = 0.3;
            }
        }
        let mut pair = |scale: f64| -> Vec<f64> {
            let mut v = vec![0.0; n2];
            for i in 0..n {
                for j in i + 1..n {
                    let x = rng.random::<f64>() * scale;
                    v[i * np + j] = x;
                    v[j * np + i] = x;
                }
            }
            v
        };
        let base = pair(0.9);
        let bonus = pair(0.2);
        let evidence = (0..4 * n2).map(|_| rng.random::<f64>() * 6.0).collect();
        let coop = (0..n2)
            .map(|_| {
                if rng.random::<f64>() < 0.5 {
                    u64::MAX
                } else {
                    0
                }
            })
            .collect();
        let view = (0..n).map(|_| rng.random::<f64>()).collect();
        let level = (0..n).map(|_| rng.random_range(0..3usize)).collect();
        Case {
            n,
            np,
            ids,
            act,
            kept,
            mate,
            base,
            bonus,
            coop,
            evidence,
            view,
            level,
        }
    }

    struct Out {
        totals: PairTotals,
        coop: Vec<u64>,
        evidence: Vec<f64>,
        trust: Vec<f64>,
        contact: Vec<f64>,
        sums: Vec<f64>,
    }

    fn run(
        c: &Case,
        consts: &PairConsts,
        pass: impl Fn(&PairConsts, &mut PairArrays) -> PairTotals,
    ) -> Out {
        let n2 = c.np * c.np;
        let (mut coop, mut evidence) = (c.coop.clone(), c.evidence.clone());
        let (mut trust, mut contact, mut terms) =
            (vec![f64::NAN; n2], vec![f64::NAN; n2], vec![0.0; n2]);
        let mut sums = vec![f64::NAN; 7 * c.np];
        let mut arrays = PairArrays {
            n: c.n,
            np: c.np,
            ids: &c.ids,
            act: &c.act,
            kept: &c.kept,
            mate: &c.mate,
            base: &c.base,
            bonus: &c.bonus,
            coop: &mut coop,
            evidence: &mut evidence,
            trust: &mut trust,
            contact: &mut contact,
            terms: &mut terms,
            level: &c.level,
            view: &c.view,
            sums: &mut sums,
        };
        arrays.check();
        let totals = pass(consts, &mut arrays);
        Out {
            totals,
            coop,
            evidence,
            trust,
            contact,
            sums,
        }
    }

    fn consts(executing: bool, teams: bool) -> PairConsts {
        PairConsts {
            mult: 0.8,
            lambda: 0.9,
            wk: 1.0,
            wb: 2.0,
            risk: 0.55,
            floor: 0.2,
            hassle_left: 0.8,
            executing,
            teams,
        }
    }

    /// What a row-by-row reading of the scalar pass's results must agree
    /// on: every active pair's evidence, cooperation, trust and contact,
    /// the evidence of pairs with an inactive partner untouched, and the
    /// totals bit for bit.
    fn assert_same(c: &Case, a: &Out, b: &Out, what: &str) {
        let (np, n2) = (c.np, c.np * c.np);
        assert_eq!(a.totals.coop, b.totals.coop, "{what}: cooperating pairs");
        assert_eq!(
            a.totals.horizontal.to_bits(),
            b.totals.horizontal.to_bits(),
            "{what}: horizontal"
        );
        assert_eq!(
            a.totals.tmin.to_bits(),
            b.totals.tmin.to_bits(),
            "{what}: smallest trust"
        );
        for i in 0..c.n {
            for j in i + 1..c.n {
                let k = i * np + j;
                for plane in 0..4 {
                    assert_eq!(
                        a.evidence[plane * n2 + k].to_bits(),
                        b.evidence[plane * n2 + k].to_bits(),
                        "{what}: evidence plane {plane} of ({i}, {j})"
                    );
                }
                let live = c.ids.contains(&i) && c.ids.contains(&j);
                if !live {
                    for plane in 0..4 {
                        assert_eq!(a.evidence[plane * n2 + k], c.evidence[plane * n2 + k]);
                    }
                }
                assert_eq!(
                    a.coop[k] != 0,
                    b.coop[k] != 0,
                    "{what}: cooperation of ({i}, {j})"
                );
            }
        }
        // Each active partner's sums (seven rows of np).
        for &i in &c.ids {
            for row in 0..7 {
                assert_eq!(
                    a.sums[row * np + i].to_bits(),
                    b.sums[row * np + i].to_bits(),
                    "{what}: sum row {row} of partner {i}"
                );
            }
        }
    }

    #[test]
    fn every_code_path_gives_the_same_pass() {
        for (n, inactive, seed) in [
            (12, vec![], 1),
            (12, vec![3, 11], 2),
            (7, vec![], 3),
            (7, vec![0, 6], 4),
            (13, vec![5], 5),
            (2, vec![], 6),
            (5, vec![0, 1, 2, 3, 4], 7),
        ] {
            let c = case(n, &inactive, seed);
            for (executing, teams) in [(false, false), (true, true), (true, false)] {
                let k = consts(executing, teams);
                // The reference: the scalar pass, then each partner's sums
                // column by column.
                let scalar = run(&c, &k, |k, a| {
                    let totals = first_pass_scalar(k, a);
                    row_sums(a);
                    totals
                });
                // Check the scalar pass against the formulas for one pair.
                if let [i, j, ..] = c.ids[..] {
                    let ij = i * c.np + j;
                    let n2 = c.np * c.np;
                    let r = c.evidence[R_IJ * n2 + ij] * k.lambda;
                    let mut m =
                        (c.base[ij] * k.mult + c.bonus[ij] + if teams { c.mate[ij] } else { 0.0 })
                            .min(1.0);
                    if executing && c.coop[ij] == 0 {
                        m *= FORMAL_CONTACT;
                    }
                    let r = r + k.wk * m * c.kept[j];
                    let s = c.evidence[S_IJ * n2 + ij] * k.lambda + k.wb * m * (1.0 - c.kept[j]);
                    assert_eq!(scalar.trust[j * c.np + i], (r + 1.0) / (r + s + 2.0));
                    assert_eq!(scalar.contact[j * c.np + i], m);
                }
                let dispatched = run(&c, &k, first_pass);
                assert_same(&c, &scalar, &dispatched, &format!("n = {n}, dispatched"));
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 is available; `run` checks the arrays.
                    let preserving = run(&c, &k, |k, a| unsafe { avx2::first_pass::<true>(k, a) });
                    assert_same(&c, &scalar, &preserving, &format!("n = {n}, AVX2"));
                    if inactive.is_empty() {
                        let whole = run(&c, &k, |k, a| unsafe { avx2::first_pass::<false>(k, a) });
                        assert_same(&c, &scalar, &whole, &format!("n = {n}, AVX2, all active"));
                    }
                }
                // The reference's sums against their definition: each
                // active partner's terms in ascending order of the other.
                let np = c.np;
                for &i in &c.ids {
                    let mut want = [0.0f64; 7];
                    for &j in c.ids.iter().filter(|&&j| j != i) {
                        let (t, m) = (scalar.trust[j * np + i], scalar.contact[j * np + i]);
                        want[0] += t;
                        want[1] += m * t;
                        want[2] += m * t * c.view[j];
                        want[3 + c.level[j]] += t;
                    }
                    for (row, w) in want.iter().enumerate() {
                        assert_eq!(
                            scalar.sums[row * np + i].to_bits(),
                            w.to_bits(),
                            "sum row {row} of {i}"
                        );
                    }
                }
            }
        }
    }
}
