//! The on-sale's closed event enum. Component events are the components' own
//! sub-enums; `World::dispatch` is the one match, and it delegates.

use super::components::access_check::AccessCheckEvent;
use super::components::app::AppEvent;
use super::components::cache::CacheEvent;
use super::components::cdn::CdnEvent;
use super::components::database::DatabaseEvent;
use super::components::payment::PaymentEvent;
use super::components::replicas::ReplicasEvent;
use super::request::Request;
use crate::engine::Compact;

/// Everything that happens in an on-sale.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// The next fan in arrival order reaches the site.
    FanArrives(u32),
    /// A waiting fan runs out of patience.
    FanLosesPatience(u32),
    /// A fan's think time or retry delay ends: they issue their next request.
    FanActs {
        /// The fan.
        fan: u32,
        /// Guards against timers that an earlier outcome made stale.
        sequence: u32,
    },
    /// The fan's client gives up waiting for a response.
    ClientTimeout(Request),
    /// The sale opens: the pre-queue is ordered and admission starts.
    SaleOpens,
    /// The waiting room admits the next batch.
    AdmitTick,
    /// A per-second sample of every gauge.
    MetricsTick,
    /// A hold placed in a show reaches its deadline.
    HoldDeadline(u16),
    /// Price change `0` (a timed `[[sale.price_change]]`) happens in every show.
    PriceChanges(u16),
    /// The operator cancels the bot orders it detected.
    BotOrdersCancelled,
    /// Runbook step `0` is carried out.
    RunbookActs(u16),
    /// This many new app instances finish booting.
    InstancesReady(u16),
    /// Fault window `0` opens.
    FaultStarts(u16),
    /// Fault window `0` closes.
    FaultEnds(u16),
    /// The CDN's events.
    Cdn(CdnEvent),
    /// The app pool's events.
    App(AppEvent),
    /// The primary database's events.
    Database(DatabaseEvent),
    /// The read replicas' events.
    Replicas(ReplicasEvent),
    /// The payment provider's events.
    Payment(PaymentEvent),
    /// The cache's events.
    Cache(CacheEvent),
    /// The access check's events.
    AccessCheck(AccessCheckEvent),
}

/// The far future of an on-sale is mostly patience timers: those, and the
/// other events that name only an index, wait packed as (tag << 32) | index.
impl Compact for Event {
    fn pack(&self) -> Option<u64> {
        let (tag, index) = match *self {
            Event::FanArrives(fan) => (1, fan),
            Event::FanLosesPatience(fan) => (2, fan),
            Event::HoldDeadline(show) => (3, u32::from(show)),
            Event::PriceChanges(index) => (4, u32::from(index)),
            Event::RunbookActs(index) => (5, u32::from(index)),
            Event::FaultStarts(index) => (6, u32::from(index)),
            Event::FaultEnds(index) => (7, u32::from(index)),
            Event::SaleOpens => (8, 0),
            Event::AdmitTick => (9, 0),
            Event::MetricsTick => (10, 0),
            Event::BotOrdersCancelled => (11, 0),
            Event::InstancesReady(count) => (12, u32::from(count)),
            _ => return None,
        };
        Some((tag << 32) | u64::from(index))
    }

    fn unpack(packed: u64) -> Event {
        let index = packed as u32;
        // Indices narrower than u32 were widened by `pack`: they fit back.
        let small = index as u16;
        match packed >> 32 {
            1 => Event::FanArrives(index),
            2 => Event::FanLosesPatience(index),
            3 => Event::HoldDeadline(small),
            4 => Event::PriceChanges(small),
            5 => Event::RunbookActs(small),
            6 => Event::FaultStarts(small),
            7 => Event::FaultEnds(small),
            8 => Event::SaleOpens,
            9 => Event::AdmitTick,
            10 => Event::MetricsTick,
            11 => Event::BotOrdersCancelled,
            12 => Event::InstancesReady(small),
            tag => unreachable!("no on-sale event packs with tag {tag}"),
        }
    }

    const HAS_SUBJECT: bool = true;

    /// The fan whose record handling this event reads first.
    #[inline]
    fn subject(&self) -> Option<u32> {
        match self {
            Event::FanArrives(fan) | Event::FanLosesPatience(fan) | Event::FanActs { fan, .. } => {
                Some(*fan)
            }
            Event::ClientTimeout(request)
            | Event::Cdn(CdnEvent::Responds(request))
            | Event::App(AppEvent::WorkDone(request) | AppEvent::Sheds(request))
            | Event::Database(DatabaseEvent::TransactionDone(request))
            | Event::Replicas(ReplicasEvent::ReadDone(request))
            | Event::Payment(PaymentEvent::Answers(request, _))
            | Event::Cache(CacheEvent::Hit(request))
            | Event::AccessCheck(AccessCheckEvent::Checked(request)) => Some(request.fan),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_events_unpack_to_themselves() {
        let events = [
            Event::FanArrives(u32::MAX),
            Event::FanLosesPatience(7),
            Event::HoldDeadline(u16::MAX),
            Event::PriceChanges(3),
            Event::RunbookActs(2),
            Event::FaultStarts(1),
            Event::FaultEnds(0),
            Event::SaleOpens,
            Event::AdmitTick,
            Event::MetricsTick,
            Event::BotOrdersCancelled,
            Event::InstancesReady(5),
        ];
        for event in events {
            let packed = event.pack().expect("an index-only event packs");
            assert_eq!(format!("{:?}", Event::unpack(packed)), format!("{event:?}"));
        }
        let acts = Event::FanActs {
            fan: 1,
            sequence: 2,
        };
        assert!(acts.pack().is_none(), "two u32s and a tag do not fit");
    }
}
