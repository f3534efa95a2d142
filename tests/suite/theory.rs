//! Closed-form results of queueing theory, written independently of the
//! simulator so that tests compare two separate derivations.

/// Stationary results of one queue. Times in seconds.
#[derive(Clone, Copy, Debug)]
pub struct QueueTheory {
    /// Mean wait before service (Wq).
    pub wait_mean_s: f64,
    /// Mean time in the station (W).
    pub sojourn_mean_s: f64,
    /// Time-average number waiting (Lq).
    pub queue_len_mean: f64,
    /// Time-average number in the station (L).
    pub in_system_mean: f64,
    /// Mean fraction of servers busy.
    pub utilization: f64,
    /// Probability an arrival is turned away.
    pub blocked_fraction: f64,
}

/// M/M/1: W = 1/(μ−λ).
pub fn mm1(lambda: f64, mu: f64) -> QueueTheory {
    let rho = lambda / mu;
    assert!(rho < 1.0);
    QueueTheory {
        wait_mean_s: rho / (mu - lambda),
        sojourn_mean_s: 1.0 / (mu - lambda),
        queue_len_mean: rho * rho / (1.0 - rho),
        in_system_mean: rho / (1.0 - rho),
        utilization: rho,
        blocked_fraction: 0.0,
    }
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let c = f64::from(servers);
    // Sum a^k/k! iteratively to stay stable for large c.
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..servers {
        term *= offered_load / f64::from(k);
        sum += term;
    }
    let last = term * offered_load / c * c / (c - offered_load);
    last / (sum + last)
}

/// M/M/c via Erlang C.
pub fn mmc(lambda: f64, mu: f64, servers: u32) -> QueueTheory {
    let offered = lambda / mu;
    let c = f64::from(servers);
    assert!(offered < c);
    let wait_mean_s = erlang_c(servers, offered) / (c * mu - lambda);
    QueueTheory {
        wait_mean_s,
        sojourn_mean_s: wait_mean_s + 1.0 / mu,
        queue_len_mean: lambda * wait_mean_s,
        in_system_mean: lambda * (wait_mean_s + 1.0 / mu),
        utilization: offered / c,
        blocked_fraction: 0.0,
    }
}

/// M/M/c/K from the birth–death chain: p_n ∝ a^n/n! (n ≤ c), a^c/c!·(a/c)^(n−c) (n > c).
/// Wait and sojourn are those of admitted customers.
pub fn mmck(lambda: f64, mu: f64, servers: u32, capacity: u32) -> QueueTheory {
    let offered = lambda / mu;
    let c = f64::from(servers);
    let mut weights = vec![1.0];
    for n in 1..=capacity {
        let rate = offered / f64::from(n.min(servers));
        weights.push(weights[n as usize - 1] * rate);
    }
    let total: f64 = weights.iter().sum();
    let p: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let blocked = p[capacity as usize];
    let in_system: f64 = p.iter().enumerate().map(|(n, pn)| n as f64 * pn).sum();
    let queue_len: f64 = p
        .iter()
        .enumerate()
        .map(|(n, pn)| (n as f64 - c).max(0.0) * pn)
        .sum();
    let admitted = lambda * (1.0 - blocked);
    QueueTheory {
        wait_mean_s: queue_len / admitted,
        sojourn_mean_s: in_system / admitted,
        queue_len_mean: queue_len,
        in_system_mean: in_system,
        utilization: admitted / (mu * c),
        blocked_fraction: blocked,
    }
}

/// M/D/1 by Pollaczek–Khinchine: Wq = λE[S²] / (2(1−ρ)) with E[S²] = d².
pub fn md1(lambda: f64, service_s: f64) -> QueueTheory {
    let rho = lambda * service_s;
    assert!(rho < 1.0);
    let wait_mean_s = lambda * service_s * service_s / (2.0 * (1.0 - rho));
    QueueTheory {
        wait_mean_s,
        sojourn_mean_s: wait_mean_s + service_s,
        queue_len_mean: lambda * wait_mean_s,
        in_system_mean: lambda * (wait_mean_s + service_s),
        utilization: rho,
        blocked_fraction: 0.0,
    }
}

#[test]
fn formulas_agree_with_each_other() {
    // Erlang C with one server is M/M/1.
    let one = mmc(0.7, 1.0, 1);
    assert!((one.wait_mean_s - mm1(0.7, 1.0).wait_mean_s).abs() < 1e-12);
    // M/M/c/K with a huge K approaches M/M/c.
    let big_k = mmck(7.2, 1.0, 8, 2000);
    assert!((big_k.wait_mean_s - mmc(7.2, 1.0, 8).wait_mean_s).abs() < 1e-9);
    // Textbook value: Erlang C(c=2, a=1) = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    // M/M/1/1 (Erlang B with one server): P(block) = a/(1+a).
    assert!((mmck(1.0, 1.0, 1, 1).blocked_fraction - 0.5).abs() < 1e-12);
}
