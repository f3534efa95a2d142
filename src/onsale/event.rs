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
