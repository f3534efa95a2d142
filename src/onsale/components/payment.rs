//! The payment provider: latency, declines, a timeout on the app's side, and
//! brownouts that slow it and fail a share of payments.

use rand::RngExt;

use crate::engine::{Rng, Span, Streams};
use crate::model::PaymentSpec;
use crate::onsale::request::Request;
use crate::sampler::Sampler;

/// How a payment attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentResult {
    /// Approved.
    Approved,
    /// Declined by the card issuer.
    Declined,
    /// The provider did not answer within the timeout.
    TimedOut,
    /// The provider failed (a brownout).
    Failed,
}

/// The provider's one event.
#[derive(Clone, Copy, Debug)]
pub enum PaymentEvent {
    /// The provider answers (or the app's call to it times out).
    Answers(Request, PaymentResult),
}

/// The payment provider.
pub struct PaymentProvider {
    latency: Sampler,
    rng: Rng,
    decline_rate: f64,
    timeout: Span,
    added_latency: Span,
    in_flight: u64,
}

impl PaymentProvider {
    /// The provider of a validated spec; stream `payment`.
    pub fn new(spec: &PaymentSpec, streams: &Streams) -> PaymentProvider {
        PaymentProvider {
            latency: Sampler::new(&spec.latency),
            rng: streams.get("payment"),
            decline_rate: spec.decline_rate,
            timeout: spec.timeout.span(),
            added_latency: Span::ZERO,
            in_flight: 0,
        }
    }

    /// The app calls the provider; `failed` says whether a brownout fails this
    /// call. Returns when and how the call ends.
    pub fn call(&mut self, request: Request, failed: bool) -> (Span, PaymentEvent) {
        self.in_flight += 1;
        let latency = self.latency.sample(&mut self.rng) + self.added_latency;
        let declined = self.rng.random::<f64>() < self.decline_rate;
        let (delay, result) = match (latency > self.timeout, failed, declined) {
            (true, _, _) => (self.timeout, PaymentResult::TimedOut),
            (false, true, _) => (latency, PaymentResult::Failed),
            (false, false, true) => (latency, PaymentResult::Declined),
            (false, false, false) => (latency, PaymentResult::Approved),
        };
        (delay, PaymentEvent::Answers(request, result))
    }

    /// A call ended.
    pub fn answered(&mut self) {
        debug_assert!(self.in_flight > 0, "a payment answered that was never made");
        self.in_flight -= 1;
    }

    /// A brownout adds latency (zero when it ends).
    pub fn set_added_latency(&mut self, latency: Span) {
        self.added_latency = latency;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Streams, Time};
    use crate::model::{DistributionSpec, Duration};
    use crate::onsale::request::Endpoint;

    fn provider(latency_s: f64, decline_rate: f64) -> PaymentProvider {
        PaymentProvider::new(
            &PaymentSpec {
                latency: DistributionSpec::Det {
                    value: Duration::from_secs_f64(latency_s),
                },
                decline_rate,
                timeout: Duration::from_secs_f64(30.0),
                retries: 0,
                extend_hold: None,
            },
            &Streams::new(3, 0),
        )
    }

    fn request() -> Request {
        Request {
            fan: 0,
            sequence: 1,
            endpoint: Endpoint::Payment,
            hop: 1,
            timed: true,
            timer: Default::default(),
            issued: Time::OPENING,
            stage_arrived: Time::OPENING,
        }
    }

    fn result(event: PaymentEvent) -> PaymentResult {
        let PaymentEvent::Answers(_, result) = event;
        result
    }

    #[test]
    fn declines_at_its_rate_within_three_sigma() {
        let mut provider = provider(3.0, 0.2);
        let n = 20_000;
        let declined = (0..n)
            .filter(|_| result(provider.call(request(), false).1) == PaymentResult::Declined)
            .count() as f64;
        let sigma = (f64::from(n) * 0.2 * 0.8).sqrt();
        assert!(
            (declined - 0.2 * f64::from(n)).abs() < 3.0 * sigma,
            "{declined}"
        );
    }

    #[test]
    fn a_brownout_slows_it_and_times_out_past_the_timeout() {
        let mut provider = provider(3.0, 0.0);
        assert_eq!(provider.call(request(), false).0, Span::from_secs(3));
        provider.set_added_latency(Span::from_secs(10));
        assert_eq!(provider.call(request(), false).0, Span::from_secs(13));
        provider.set_added_latency(Span::from_secs(40));
        let (delay, event) = provider.call(request(), false);
        assert_eq!(
            (delay, result(event)),
            (Span::from_secs(30), PaymentResult::TimedOut)
        );
        provider.set_added_latency(Span::ZERO);
        assert_eq!(
            result(provider.call(request(), true).1),
            PaymentResult::Failed
        );
    }

    #[test]
    fn a_call_at_exactly_the_timeout_answers_and_a_timeout_is_never_a_decline() {
        let mut provider = provider(30.0, 1.0);
        let (delay, event) = provider.call(request(), false);
        assert_eq!(
            (delay, result(event)),
            (Span::from_secs(30), PaymentResult::Declined)
        );
        provider.set_added_latency(Span(1));
        let (delay, event) = provider.call(request(), true);
        assert_eq!(
            (delay, result(event)),
            (Span::from_secs(30), PaymentResult::TimedOut)
        );
        // A brownout's failure wins over a decline.
        provider.set_added_latency(Span::ZERO);
        assert_eq!(
            result(provider.call(request(), true).1),
            PaymentResult::Failed
        );
    }
}
