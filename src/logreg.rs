//! The head a contrastive run fits on its embeddings: multinomial logistic regression,
//! minimising mean cross-entropy + (l2 / 2)·‖W‖² (bias not penalised). With l2 = 1/n that is
//! scikit-learn's LogisticRegression(C=1), SetFit's default head. Solved on the host by
//! accelerated gradient descent (FISTA with restarts): deterministic on every backend.

/// Weights [h][c] (burn's Linear layout, flattened row-major) and bias [c].
pub struct Fitted {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    /// Iterations taken, and the gradient's largest entry at the end.
    pub iterations: usize,
    pub grad_max: f64,
}

const MAX_ITER: usize = 3000;
const TOL: f64 = 1e-6;

/// Rows `x` (n × h, row-major), classes `y` in 0..c.
pub fn fit(x: &[f32], h: usize, y: &[usize], c: usize, l2: f64) -> Fitted {
    let n = y.len();
    let x: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    // Lipschitz constant of the gradient: ‖[X 1]‖₂² / n (softmax's Hessian ≤ I) + l2, the
    // spectral norm by power iteration.
    let mut v = vec![1.0 / ((h + 1) as f64).sqrt(); h + 1];
    let mut sigma = 0.0;
    for _ in 0..50 {
        let xv: Vec<f64> = (0..n).map(|i| (0..h).map(|j| x[i * h + j] * v[j]).sum::<f64>() + v[h]).collect();
        let mut w = vec![0.0; h + 1];
        for i in 0..n {
            (0..h).for_each(|j| w[j] += x[i * h + j] * xv[i]);
            w[h] += xv[i];
        }
        sigma = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        if sigma == 0.0 {
            break;
        }
        v = w.iter().map(|a| a / sigma).collect();
    }
    let step = 1.0 / (sigma / n.max(1) as f64 + l2).max(1e-12);
    // parameters θ = [W (h×c) | b (c)]
    let dim = (h + 1) * c;
    let (mut theta, mut prev) = (vec![0.0; dim], vec![0.0; dim]);
    let (mut t, mut last_loss) = (1.0f64, f64::INFINITY);
    let (mut iterations, mut grad_max) = (0, f64::INFINITY);
    for it in 0..MAX_ITER {
        iterations = it + 1;
        let t_next = (1.0 + (1.0 + 4.0 * t * t).sqrt()) / 2.0;
        let look: Vec<f64> = theta.iter().zip(&prev).map(|(a, b)| a + (t - 1.0) / t_next * (a - b)).collect();
        let (loss, grad) = loss_grad(&x, h, y, c, l2, &look);
        grad_max = grad.iter().fold(0.0, |m, g| m.max(g.abs()));
        if grad_max < TOL {
            theta = look;
            break;
        }
        prev = std::mem::replace(&mut theta, look.iter().zip(&grad).map(|(a, g)| a - step * g).collect());
        // restart the momentum when the loss goes up (O'Donoghue & Candès)
        t = if loss > last_loss { 1.0 } else { t_next };
        last_loss = loss;
    }
    Fitted { weight: theta[..h * c].iter().map(|&v| v as f32).collect(), bias: theta[h * c..].iter().map(|&v| v as f32).collect(), iterations, grad_max }
}

/// The objective and its gradient at θ.
fn loss_grad(x: &[f64], h: usize, y: &[usize], c: usize, l2: f64, theta: &[f64]) -> (f64, Vec<f64>) {
    let n = y.len().max(1) as f64;
    let (w, b) = theta.split_at(h * c);
    let mut grad = vec![0.0; theta.len()];
    let mut loss = 0.0;
    let mut z = vec![0.0; c];
    for (i, &yi) in y.iter().enumerate() {
        let row = &x[i * h..(i + 1) * h];
        for k in 0..c {
            z[k] = b[k] + row.iter().enumerate().map(|(j, v)| v * w[j * c + k]).sum::<f64>();
        }
        let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = z.iter().map(|v| (v - m).exp()).sum();
        loss += m + sum.ln() - z[yi];
        for k in 0..c {
            let d = ((z[k] - m).exp() / sum - if k == yi { 1.0 } else { 0.0 }) / n;
            row.iter().enumerate().for_each(|(j, v)| grad[j * c + k] += d * v);
            grad[h * c + k] += d;
        }
    }
    let reg: f64 = w.iter().map(|v| v * v).sum();
    w.iter().enumerate().for_each(|(j, v)| grad[j] += l2 * v);
    (loss / n + l2 / 2.0 * reg, grad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_to_the_optimum_of_a_known_problem() {
        // symmetric 1-D data: at the optimum the gradient vanishes (checked independently of
        // the solver's own stopping test), the two classes' weights are opposite
        let x = [-1.0f32, -2.0, 1.0, 2.0, -0.5, 0.5];
        let y = [0, 0, 1, 1, 0, 1];
        let f = fit(&x, 1, &y, 2, 1.0 / 6.0);
        assert!(f.grad_max < 1e-6, "converged: {} after {}", f.grad_max, f.iterations);
        let xs: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let theta: Vec<f64> = f.weight.iter().chain(&f.bias).map(|&v| v as f64).collect();
        let (_, g) = loss_grad(&xs, 1, &y, 2, 1.0 / 6.0, &theta);
        assert!(g.iter().all(|v| v.abs() < 1e-5), "{g:?}");
        // symmetric data: the two classes' weights are opposite, the biases equal
        assert!((f.weight[0] + f.weight[1]).abs() < 1e-5 && f.weight[1] > 0.0);
        assert!((f.bias[0] - f.bias[1]).abs() < 1e-5);
    }

    #[test]
    fn the_gradient_is_the_objectives() {
        let x = [0.3f32, -1.2, 0.7, 2.0, -0.4, 0.1, 1.5, 0.9, -0.8];
        let xs: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let y = [0, 2, 1];
        let theta: Vec<f64> = (0..12).map(|i| (i as f64 * 0.37).sin()).collect();
        let (_, g) = loss_grad(&xs, 3, &y, 3, 0.2, &theta);
        for k in 0..theta.len() {
            let mut up = theta.clone();
            up[k] += 1e-6;
            let mut down = theta.clone();
            down[k] -= 1e-6;
            let fd = (loss_grad(&xs, 3, &y, 3, 0.2, &up).0 - loss_grad(&xs, 3, &y, 3, 0.2, &down).0) / 2e-6;
            assert!((fd - g[k]).abs() < 1e-6, "θ[{k}]: {fd} vs {}", g[k]);
        }
    }

    #[test]
    fn separates_three_separable_classes() {
        let pts = [(0.0, 5.0, 0), (0.5, 4.0, 0), (5.0, 0.0, 1), (4.0, 0.5, 1), (-5.0, -5.0, 2), (-4.0, -4.5, 2)];
        let x: Vec<f32> = pts.iter().flat_map(|p| [p.0, p.1]).collect();
        let y: Vec<usize> = pts.iter().map(|p| p.2).collect();
        let f = fit(&x, 2, &y, 3, 1.0 / 6.0);
        for (i, &yi) in y.iter().enumerate() {
            let z: Vec<f32> = (0..3).map(|k| f.bias[k] + x[2 * i] * f.weight[k] + x[2 * i + 1] * f.weight[3 + k]).collect();
            let best = (0..3).max_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap_or(0);
            assert_eq!(best, yi);
        }
    }
}
