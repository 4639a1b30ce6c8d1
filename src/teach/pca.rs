//! Principal components on the host, for the teaching view's embedding map: two axes fitted
//! once, then every later epoch's embeddings are projected on those same axes, so a dot that
//! moves on the map moved in the embedding space, not because the axes were refitted.
//!
//! Power iteration with deflation: the map needs only two axes of a few hundred rows, so
//! C·v is computed as Xᵀ(X·v) without forming the d×d covariance (O(n·d) per iteration).

/// Iterations per axis at most; a well-separated axis converges in a few dozen.
const MAX_ITER: usize = 500;
/// Converged when the unit axis moves less than this between iterations.
const TOL: f64 = 1e-13;
/// Past the data's rank: what is left of C·v after deflation is rounding noise (relative to
/// the total variance), and normalising it would give a meaningless axis.
const RANK_EPS: f64 = 1e-10;

#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    pub mean: Vec<f64>,
    /// Unit axes, the first explaining the most variance; each has its largest-|component|
    /// entry positive, so a refit on the same data draws the same map, not a mirrored one.
    pub axes: Vec<Vec<f64>>,
    /// The variance along each axis (the covariance's eigenvalue, divided by n − 1).
    pub variance: Vec<f64>,
}

impl Pca {
    /// `k` axes of `rows` (each `dim` long). Fewer rows than axes, or a constant set, give
    /// zero axes past the data's rank (their projections are 0).
    pub fn fit(rows: &[Vec<f32>], k: usize) -> Pca {
        let n = rows.len();
        let dim = rows.first().map_or(0, Vec::len);
        let mut mean = vec![0.0f64; dim];
        for r in rows {
            for (m, &x) in mean.iter_mut().zip(r) {
                *m += x as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
        let centred: Vec<Vec<f64>> = rows.iter().map(|r| r.iter().zip(&mean).map(|(&x, m)| x as f64 - m).collect()).collect();
        let total: f64 = centred.iter().map(|r| dot(r, r)).sum();
        let mut axes: Vec<Vec<f64>> = Vec::with_capacity(k);
        let mut variance = Vec::with_capacity(k);
        for a in 0..k {
            // a fixed start (not random): the same data always gives the same axes
            let mut v: Vec<f64> = (0..dim).map(|i| 1.0 + ((i * 7 + a * 13) % 11) as f64 / 11.0).collect();
            let mut lambda = 0.0;
            for _ in 0..MAX_ITER {
                let mut w = cov_times(&centred, &v);
                // deflation: keep the axis orthogonal to those already found (twice: once
                // leaves rounding error along them)
                for _ in 0..2 {
                    for u in &axes {
                        let d = dot(&w, u);
                        w.iter_mut().zip(u).for_each(|(x, y)| *x -= d * y);
                    }
                }
                let norm = dot(&w, &w).sqrt();
                if norm <= RANK_EPS * total {
                    v = vec![0.0; dim];
                    lambda = 0.0;
                    break;
                }
                w.iter_mut().for_each(|x| *x /= norm);
                let vn = dot(&v, &v).sqrt().max(1e-300);
                let moved = w.iter().zip(&v).map(|(a, b)| (a - b / vn).powi(2)).sum::<f64>().sqrt();
                v = w;
                lambda = norm / (n.max(2) - 1) as f64;
                if moved < TOL {
                    break;
                }
            }
            fix_sign(&mut v);
            axes.push(v);
            variance.push(lambda);
        }
        Pca { mean, axes, variance }
    }

    /// Each row's coordinates on the axes.
    pub fn project(&self, rows: &[Vec<f32>]) -> Vec<Vec<f32>> {
        rows.iter()
            .map(|r| {
                let c: Vec<f64> = r.iter().zip(&self.mean).map(|(&x, m)| x as f64 - m).collect();
                self.axes.iter().map(|a| dot(&c, a) as f32).collect()
            })
            .collect()
    }
}

/// Xᵀ(X·v): the (unscaled) covariance times v.
fn cov_times(x: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; v.len()];
    for row in x {
        let s = dot(row, v);
        out.iter_mut().zip(row).for_each(|(o, r)| *o += s * r);
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Makes the largest-|component| entry positive (the first such one on a tie).
fn fix_sign(v: &mut [f64]) {
    let mut best = 0.0f64;
    let mut sign = 1.0;
    for &x in v.iter() {
        if x.abs() > best + 1e-12 {
            best = x.abs();
            sign = x.signum();
        }
    }
    v.iter_mut().for_each(|x| *x *= sign);
}

#[cfg(test)]
mod tests {
    use super::Pca;

    /// (1,1), (2,2), (3,3) lie on the diagonal: the first axis is (1,1)/√2 with variance 1
    /// (the sample variance along it: projections −√2, 0, √2), the second has none.
    #[test]
    fn three_points_on_a_line_give_the_textbook_axes() {
        let rows = vec![vec![1.0f32, 1.0], vec![2.0, 2.0], vec![3.0, 3.0]];
        let p = Pca::fit(&rows, 2);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert_eq!(p.mean, vec![2.0, 2.0]);
        assert!((p.axes[0][0] - h).abs() < 1e-9 && (p.axes[0][1] - h).abs() < 1e-9, "{:?}", p.axes);
        assert!((p.variance[0] - 2.0).abs() < 1e-9, "{:?}", p.variance);
        assert!(p.variance[1].abs() < 1e-9, "{:?}", p.variance);
        let xy = p.project(&rows);
        let s = std::f32::consts::SQRT_2;
        for (got, want) in xy.iter().zip([-s, 0.0, s]) {
            assert!((got[0] - want).abs() < 1e-6 && got[1].abs() < 1e-6, "{xy:?}");
        }
    }

    /// A triangle with unequal spreads: (0,0), (4,0), (0,2) → mean (4/3, 2/3); covariance
    /// [[16/3, −4/3], [−4/3, 4/3]], eigenvalues (10 ± √52)/3, the first axis ∝ (−(λ−4/3), 4/3)
    /// sign-fixed so x > 0.
    #[test]
    fn a_triangle_gives_the_covariance_eigenvectors() {
        let rows = vec![vec![0.0f32, 0.0], vec![4.0, 0.0], vec![0.0, 2.0]];
        let p = Pca::fit(&rows, 2);
        let l1 = (10.0 + 52f64.sqrt()) / 3.0;
        let l2 = (10.0 - 52f64.sqrt()) / 3.0;
        assert!((p.variance[0] - l1).abs() < 1e-9 && (p.variance[1] - l2).abs() < 1e-9, "{:?}", p.variance);
        // (C − λI)v = 0 → v ∝ (4/3, 16/3 − λ)… normalised, largest component positive
        let (a, b) = (4.0 / 3.0, 16.0 / 3.0 - l1);
        let n = (a * a + b * b).sqrt();
        let want = if a.abs() >= b.abs() { [a / n * a.signum(), b / n * a.signum()] } else { [a / n * b.signum(), b / n * b.signum()] };
        assert!((p.axes[0][0] - want[0]).abs() < 1e-9 && (p.axes[0][1] - want[1]).abs() < 1e-9, "{:?} vs {want:?}", p.axes[0]);
        assert!(p.axes[0].iter().zip(&p.axes[1]).map(|(x, y)| x * y).sum::<f64>().abs() < 1e-9);
    }

    #[test]
    fn the_sign_is_fixed_by_the_largest_component() {
        let rows = vec![vec![-3.0f32, 0.5], vec![3.0, -0.5]];
        let p = Pca::fit(&rows, 1);
        assert!(p.axes[0][0] > 0.0, "{:?}", p.axes);
        let q = Pca::fit(&[rows[1].clone(), rows[0].clone()], 1);
        assert_eq!(p.axes, q.axes);
    }
}
