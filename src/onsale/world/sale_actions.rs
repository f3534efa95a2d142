//! The operator's hand on the inventory during the sale: price changes
//! (`[[sale.price_change]]`, via the core's `set_price`) and cancelling the bot
//! orders it detected (`bots.cancel_after`, via `cancel_order`), whose tickets
//! go back on sale for the fans still queueing or shopping. Also what standing
//! fans paid against what the pitch cost when they joined the queue: Oasis
//! fans queued for hours at £148 and met £355 at the front.

use rand::RngExt;
use seat_core::{Order, PriceLevelId};

use super::World;
use crate::engine::{Rng, Scheduler, Streams, Time};
use crate::model::OnsaleSpec;
use crate::onsale::event::Event;
use crate::onsale::fan::NOT_ADMITTED;
use crate::onsale::incidents::Incident;
use crate::onsale::inventory::Inventory;

/// When a price change happens.
#[derive(Clone, Debug)]
enum Trigger {
    /// At this time, in every show.
    At(Time),
    /// In each show, once no ticket of this level is free.
    AfterSoldOut(PriceLevelId),
    /// In each show, once at most this many of the changed level's tickets
    /// are free (the share sold of what the show started with).
    AfterShareSold(Vec<u64>),
}

/// One `[[sale.price_change]]`, its level resolved.
#[derive(Clone, Debug)]
struct PriceChange {
    level: PriceLevelId,
    price_minor: u64,
    trigger: Trigger,
    /// Per show: already applied.
    applied: Vec<bool>,
}

/// The detected bot orders' cancellation.
struct BotCancel {
    at: Time,
    share: f64,
    /// Stream `bots:cancel`: which orders are detected.
    rng: Rng,
    /// (bot, show, order) confirmed before the cancellation, in confirmation order.
    orders: Vec<(u32, u16, u64)>,
    /// When it ran.
    done: Option<Time>,
    orders_cancelled: u64,
    tickets_cancelled: u64,
    tickets_sold_after: u64,
}

/// Standing prices fans met: the price at the opening, and per show when it
/// first rose above it.
struct StandingPrices {
    opening_minor: u64,
    cheap_until: Vec<Option<Time>>,
    fans_paid_more: u64,
    tickets_at_opening: u64,
    tickets_above_opening: u64,
}

/// Price changes, bot-order cancellation and the standing-price watch.
pub struct SaleActions {
    changes: Vec<PriceChange>,
    changes_applied: u64,
    bot_cancel: Option<BotCancel>,
    standing: Option<StandingPrices>,
}

impl SaleActions {
    /// The actions of a validated spec (its level names were checked against the venue).
    pub fn new(
        spec: &OnsaleSpec,
        inventory: &Inventory,
        streams: &Streams,
    ) -> Result<SaleActions, String> {
        let shows = usize::from(inventory.shows());
        let level = |name: &str| {
            (inventory.price_level(name)).ok_or_else(|| format!("unknown price level {name:?}"))
        };
        let mut changes = Vec::new();
        for change in &spec.sale.price_changes {
            let changed = level(&change.level)?;
            let trigger = match (&change.at, &change.after_sold_out, change.after_share_sold) {
                (Some(at), _, _) => Trigger::At(Time::OPENING + at.span()),
                (None, Some(name), _) => Trigger::AfterSoldOut(level(name)?),
                (None, None, Some(share)) => Trigger::AfterShareSold(
                    (0..inventory.shows())
                        .map(|show| {
                            let tickets = inventory.level_free(show, changed) as f64;
                            (tickets * (1.0 - share)).floor() as u64
                        })
                        .collect(),
                ),
                (None, None, None) => return Err("price change without a trigger".to_owned()),
            };
            changes.push(PriceChange {
                level: changed,
                price_minor: change.price_minor,
                trigger,
                applied: vec![false; shows],
            });
        }
        let bot_cancel = spec.bots.cancel_after.map(|after| BotCancel {
            at: Time::OPENING + after.span(),
            share: spec.bots.cancel_share,
            rng: streams.get("bots:cancel"),
            orders: Vec::new(),
            done: None,
            orders_cancelled: 0,
            tickets_cancelled: 0,
            tickets_sold_after: 0,
        });
        let standing = inventory
            .standing_price(0)
            .map(|opening_minor| StandingPrices {
                opening_minor,
                cheap_until: vec![None; shows],
                fans_paid_more: 0,
                tickets_at_opening: 0,
                tickets_above_opening: 0,
            });
        Ok(SaleActions {
            changes,
            changes_applied: 0,
            bot_cancel,
            standing,
        })
    }

    /// Timed events to schedule: (time, event).
    pub fn timers(&self) -> Vec<(Time, Event)> {
        let mut timers: Vec<(Time, Event)> = (self.changes.iter().enumerate())
            .filter_map(|(index, change)| match change.trigger {
                Trigger::At(at) => Some((at, Event::PriceChanges(index as u16))),
                Trigger::AfterSoldOut(_) | Trigger::AfterShareSold(_) => None,
            })
            .collect();
        if let Some(cancel) = &self.bot_cancel {
            timers.push((cancel.at, Event::BotOrdersCancelled));
        }
        timers
    }
}

impl World {
    /// A new hold took tickets in `show`: sold-out price triggers may fire, and
    /// the standing price fans meet may have risen.
    pub(super) fn on_inventory_taken(
        &mut self,
        now: Time,
        show: u16,
        _scheduler: &mut Scheduler<Event>,
    ) {
        for index in 0..self.sale_actions.changes.len() {
            let change = &self.sale_actions.changes[index];
            if change.applied[usize::from(show)] {
                continue;
            }
            let due = match &change.trigger {
                Trigger::AfterSoldOut(watched) => self.inventory.level_free(show, *watched) == 0,
                Trigger::AfterShareSold(free_at_most) => {
                    self.inventory.level_free(show, change.level) <= free_at_most[usize::from(show)]
                }
                Trigger::At(_) => false,
            };
            if due {
                self.apply_price_change(now, index, show);
            }
        }
        self.watch_standing_price(now, show);
    }

    /// Timed price change `index`, in every show.
    pub(super) fn on_price_changes(&mut self, now: Time, index: usize) {
        for show in 0..self.inventory.shows() {
            self.apply_price_change(now, index, show);
        }
    }

    fn apply_price_change(&mut self, now: Time, index: usize, show: u16) {
        let change = &mut self.sale_actions.changes[index];
        if change.applied[usize::from(show)] {
            return;
        }
        change.applied[usize::from(show)] = true;
        let (level, price) = (change.level, change.price_minor);
        if let Ok(previous) = self.inventory.set_price(now, show, level, price) {
            self.sale_actions.changes_applied += 1;
            let detail = format!(
                "price_change[{index}]: price level #{} {previous} -> {price} (show {show})",
                level.0
            );
            self.incidents
                .push(Incident::new(now, "action", "sale", detail));
            self.watch_standing_price(now, show);
        }
    }

    /// Notes the first time the standing price in `show` rose above its opening price.
    fn watch_standing_price(&mut self, now: Time, show: u16) {
        let Some(standing) = self.sale_actions.standing.as_mut() else {
            return;
        };
        if standing.cheap_until[usize::from(show)].is_some() {
            return;
        }
        if (self.inventory.standing_price(show)).is_some_and(|price| price > standing.opening_minor)
        {
            standing.cheap_until[usize::from(show)] = Some(now);
        }
    }

    /// An order was confirmed: remember bot orders the operator may cancel, and
    /// what standing fans paid against what they met when they queued.
    pub(super) fn on_sale_confirmed(&mut self, _now: Time, fan: u32, show: u16, order: &Order) {
        let record = &self.fans[fan as usize];
        if let Some(cancel) = self.sale_actions.bot_cancel.as_mut() {
            if cancel.done.is_some() {
                cancel.tickets_sold_after += u64::from(order.tickets);
            } else if record.is_bot() {
                cancel.orders.push((fan, show, order.id.0));
            }
        }
        let Some(standing) = self.sale_actions.standing.as_mut() else {
            return;
        };
        if order.general_admission.is_none() || order.tickets == 0 {
            return;
        }
        let tickets = u64::from(order.tickets);
        // An order straddling two tiers counts by its mean price per ticket.
        let paid_more = order.total_price_minor > standing.opening_minor * tickets;
        if !paid_more {
            standing.tickets_at_opening += tickets;
            return;
        }
        standing.tickets_above_opening += tickets;
        let joined = if record.queued == NOT_ADMITTED {
            record.arrived
        } else {
            record.queued
        };
        let queued_cheap =
            standing.cheap_until[usize::from(show)].is_some_and(|until| joined < until);
        if !record.is_bot() && queued_cheap {
            standing.fans_paid_more += 1;
        }
    }

    /// The operator cancels the bot orders it detected: each bot order
    /// confirmed so far, with probability `cancel_share`. The tickets go back
    /// on sale at once.
    pub(super) fn on_bot_orders_cancelled(&mut self, now: Time) {
        let Some(cancel) = self.sale_actions.bot_cancel.as_mut() else {
            return;
        };
        cancel.done = Some(now);
        let orders = std::mem::take(&mut cancel.orders);
        for (bot, show, order) in orders {
            let cancel = self
                .sale_actions
                .bot_cancel
                .as_mut()
                .expect("checked above");
            if cancel.rng.random::<f64>() >= cancel.share {
                continue;
            }
            if let Ok(cancelled) = self.inventory.cancel_order(now, show, order) {
                cancel.orders_cancelled += 1;
                cancel.tickets_cancelled += u64::from(cancelled.tickets);
                let record = &mut self.fans[bot as usize];
                record.bought = record
                    .bought
                    .saturating_sub(cancelled.tickets.min(255) as u8);
            }
        }
        let cancel = self
            .sale_actions
            .bot_cancel
            .as_ref()
            .expect("checked above");
        let detail = format!(
            "cancelled {} bot orders ({} tickets) back on sale",
            cancel.orders_cancelled, cancel.tickets_cancelled
        );
        self.incidents
            .push(Incident::new(now, "action", "sale", detail));
    }

    /// The sale-action metrics, for `summary.json`.
    pub(super) fn sale_action_metrics(&self, put: &mut impl FnMut(&str, f64)) {
        let actions = &self.sale_actions;
        put("price_changes_applied", actions.changes_applied as f64);
        let cancel = actions.bot_cancel.as_ref();
        put(
            "bot_orders_cancelled",
            cancel.map_or(0.0, |cancel| cancel.orders_cancelled as f64),
        );
        put(
            "tickets_cancelled",
            cancel.map_or(0.0, |cancel| cancel.tickets_cancelled as f64),
        );
        // Undefined unless the cancellation ran.
        put(
            "tickets_sold_after_bot_cancel",
            cancel
                .filter(|cancel| cancel.done.is_some())
                .map_or(f64::NAN, |cancel| cancel.tickets_sold_after as f64),
        );
        let standing = actions.standing.as_ref();
        let standing_metric = |value: fn(&StandingPrices) -> u64| {
            standing.map_or(f64::NAN, |standing| value(standing) as f64)
        };
        put(
            "fans_paid_above_queue_price",
            standing_metric(|standing| standing.fans_paid_more),
        );
        put(
            "standing_tickets_at_opening_price",
            standing_metric(|standing| standing.tickets_at_opening),
        );
        put(
            "standing_tickets_above_opening_price",
            standing_metric(|standing| standing.tickets_above_opening),
        );
    }
}
