//! Best-available: which tickets a request would get, decided without changing anything.
//!
//! Reserved requests, in order of preference:
//! 1. the best block of `quantity` adjacent free seats in one row that leaves no single
//!    orphan seat beside it ("tidy");
//! 2. the best block of adjacent seats, orphans allowed;
//! 3. if the request allows splitting, the `quantity` best free seats anywhere.
//!
//! "Best" is the smallest sum of seat ranks, then the lower row id, then the lower start;
//! split seats are taken by (rank, row id, offset). Only seats in the requested section
//! and at an allowed price count. GA requests take the first free tickets in tier
//! release order; a tier with free tickets the request may not buy stops the walk,
//! since later tiers are not on sale yet.

use crate::best_index::BestIndex;
use crate::free_set::FreeSet;
use crate::hold::{GaLine, HoldRequest};
use crate::ids::{SeatId, SectionId};
use crate::limits::Limits;
use crate::refusal::Refusal;
use crate::tally::Tally;
use crate::venue::{SectionKind, Venue, Zone};
use std::ops::Range;

/// The tickets best-available chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pick {
    /// Adjacent seats `start..start + len` (offsets) of `row`.
    Block { row: u32, start: u32, len: u32 },
    /// Split seating, best first.
    Seats(Vec<SeatId>),
    /// GA tickets per tier.
    General {
        section: SectionId,
        lines: Vec<GaLine>,
    },
}

/// Read-only state best-available looks at.
pub(crate) struct Stock<'a> {
    pub(crate) venue: &'a Venue,
    pub(crate) free: &'a FreeSet,
    pub(crate) index: &'a BestIndex,
    pub(crate) tally: &'a Tally,
    pub(crate) limits: Limits,
    /// Current price of each price level, minor units.
    pub(crate) prices: &'a [u64],
    /// Per GA tier: opened by the operator (on sale whatever earlier tiers hold).
    pub(crate) tiers_opened: &'a [bool],
}

impl Stock<'_> {
    pub(crate) fn select(&self, request: &HoldRequest) -> Result<Pick, Refusal> {
        check_quantity(request.quantity, self.limits)?;
        if let Some(section) = request.section
            && section.index() >= self.venue.sections.len()
        {
            return Err(Refusal::UnknownSection(section));
        }
        if let Some(level) = request.price_level
            && level.index() >= self.venue.price_levels.len()
        {
            return Err(Refusal::UnknownPriceLevel(level));
        }
        match request
            .section
            .map(|s| &self.venue.sections[s.index()].kind)
        {
            Some(SectionKind::GeneralAdmission { .. })
                if !request.attributes.require.is_empty() =>
            {
                Err(Refusal::NoSeatsWithAttributes)
            }
            Some(SectionKind::GeneralAdmission { tiers }) => {
                self.select_general(request, request.section.unwrap_or_default(), tiers.clone())
            }
            _ if !request.attributes.is_open() => self.select_with_attributes(request),
            _ => self.select_reserved(request),
        }
    }

    fn price_allowed(&self, request: &HoldRequest, level: crate::ids::PriceLevelId) -> bool {
        request.price_level.is_none_or(|wanted| wanted == level)
            && request
                .max_price_minor
                .is_none_or(|max| self.prices[level.index()] <= max)
    }

    /// Whether a zone is in the requested area, and whether it is also at an allowed price.
    fn zone_fit(&self, request: &HoldRequest, zone: &Zone) -> (bool, bool) {
        let reserved = matches!(
            self.venue.sections[zone.section.index()].kind,
            SectionKind::Reserved { .. }
        );
        let in_area = reserved && request.section.is_none_or(|s| s == zone.section);
        (
            in_area,
            in_area && self.price_allowed(request, zone.price_level),
        )
    }

    fn select_reserved(&self, request: &HoldRequest) -> Result<Pick, Refusal> {
        let quantity = request.quantity;
        let unfiltered = request.section.is_none()
            && request.price_level.is_none()
            && request.max_price_minor.is_none();
        let ranges = if unfiltered {
            None
        } else {
            Some(self.eligible_leaf_ranges(request))
        };
        let ranges = ranges.as_deref();
        if let Some((row, start)) = self.index.best_block(quantity, ranges) {
            let len = quantity;
            return Ok(Pick::Block { row, start, len });
        }
        let (in_area, eligible) = if unfiltered {
            let free = self.reserved_free();
            (free, free)
        } else {
            self.free_by_zone(request)
        };
        if request.allow_split && eligible >= quantity {
            let seats = self
                .index
                .best_singles(self.venue, self.free, quantity, ranges);
            debug_assert_eq!(
                seats.len(),
                quantity as usize,
                "zone counts disagree with the index"
            );
            return Ok(Pick::Seats(seats));
        }
        Err(shortage(in_area, eligible, quantity).unwrap_or(Refusal::NoAdjacentSeats))
    }

    /// Free reserved seats: the total less the GA tiers' (every GA ticket
    /// counts in its zone and in its tier), O(tiers). A refused unfiltered
    /// request, the common one once a sale sells out, took a pass over every
    /// zone (8% of a 100k-fan toy on-sale).
    fn reserved_free(&self) -> u32 {
        let general_admission: u32 = self.tally.tiers.iter().map(|tier| tier.free).sum();
        self.tally.total.free.saturating_sub(general_admission)
    }

    /// Free seats (in the requested area, and also at an allowed price) by
    /// a pass over every zone.
    fn free_by_zone(&self, request: &HoldRequest) -> (u32, u32) {
        let (mut in_area, mut eligible) = (0u32, 0u32);
        for (zone, counts) in self.venue.zones.iter().zip(&self.tally.zones) {
            let (area, allowed) = self.zone_fit(request, zone);
            in_area += if area { counts.free } else { 0 };
            eligible += if allowed { counts.free } else { 0 };
        }
        (in_area, eligible)
    }

    /// Sorted, merged leaf ranges of the zones the request may buy from.
    fn eligible_leaf_ranges(&self, request: &HoldRequest) -> Vec<Range<u32>> {
        let mut ranges: Vec<Range<u32>> = (self.venue.zones.iter().enumerate())
            .filter(|(_, zone)| self.zone_fit(request, zone).1)
            .map(|(index, _)| self.index.zone_leaves(index))
            .filter(|range| !range.is_empty())
            .collect();
        ranges.sort_by_key(|range| range.start);
        let mut merged: Vec<Range<u32>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => merged.push(range),
            }
        }
        merged
    }

    fn select_general(
        &self,
        request: &HoldRequest,
        section: SectionId,
        tiers: Range<u32>,
    ) -> Result<Pick, Refusal> {
        let in_area: u32 = tiers
            .clone()
            .map(|tier| self.tally.tiers[tier as usize].free)
            .sum();
        let eligible = self.walk_tiers(request, tiers.clone(), u32::MAX, |_, _| {});
        if let Some(refusal) = shortage(in_area, eligible, request.quantity) {
            return Err(refusal);
        }
        let mut lines = Vec::new();
        let taken = self.walk_tiers(request, tiers, request.quantity, |tier, take| {
            let price_level = self.venue.tiers[tier as usize].price_level;
            lines.push(GaLine {
                tier,
                price_level,
                tickets: take,
            });
        });
        debug_assert_eq!(taken, request.quantity);
        Ok(Pick::General { section, lines })
    }

    /// Takes up to `wanted` tickets from the tiers in release order and returns how many.
    /// A tier is on sale if the operator opened it or every earlier tier has no free
    /// tickets left (counting what this walk took); tickets come only from tiers on sale
    /// at an allowed price. Without opened tiers this is "tier k + 1 goes on sale when
    /// tier k sells out", and a tier at a refused price stops the walk.
    fn walk_tiers(
        &self,
        request: &HoldRequest,
        tiers: Range<u32>,
        wanted: u32,
        mut take: impl FnMut(u32, u32),
    ) -> u32 {
        let mut taken = 0u32;
        let mut earlier_all_gone = true;
        for tier in tiers {
            if taken == wanted {
                break;
            }
            let free = self.tally.tiers[tier as usize].free;
            let on_sale = earlier_all_gone || self.tiers_opened[tier as usize];
            let level = self.venue.tiers[tier as usize].price_level;
            let mut left = free;
            if free > 0 && on_sale && self.price_allowed(request, level) {
                let count = free.min(wanted - taken);
                take(tier, count);
                taken += count;
                left -= count;
            }
            earlier_all_gone &= left == 0;
        }
        taken
    }

    /// Best-available among seats that pass the request's attribute filter: the same
    /// preferences and tie-breaks as the index, by scanning the eligible rows (the slow
    /// path: O(seats in the eligible zones × quantity)). Tidiness is judged on the real
    /// free runs, since a stranded seat is stranded for every other buyer.
    fn select_with_attributes(&self, request: &HoldRequest) -> Result<Pick, Refusal> {
        let quantity = request.quantity;
        let filter = request.attributes;
        let (mut in_area, mut at_price, mut admitted) = (0u32, 0u32, 0u32);
        for (zone, counts) in self.venue.zones.iter().zip(&self.tally.zones) {
            let (area, allowed) = self.zone_fit(request, zone);
            in_area += if area { counts.free } else { 0 };
            at_price += if allowed { counts.free } else { 0 };
        }
        // (untidy, rank sum, row, start)
        let mut best: Option<(bool, u32, u32, u32)> = None;
        let mut singles: Vec<(u32, u32, u32)> = Vec::new();
        for (row_id, row) in self.venue.rows.iter().enumerate() {
            let zone = &self.venue.zones[row.zone as usize];
            let row_attributes = self.venue.row_attributes[row_id];
            if !self.zone_fit(request, zone).1
                || (!filter.require.is_empty() && !row_attributes.intersects(filter.require))
            {
                continue;
            }
            let first = row.first_seat.0;
            let prefix = &self.venue.rank_prefix[first as usize + row_id..];
            let admits =
                |offset: u32| filter.admits(self.venue.seat_attributes[(first + offset) as usize]);
            for (run_first, run_end) in self.free.runs(first, first + row.len) {
                let (a, b) = (run_first - first, run_end - first);
                let mut streak = 0u32;
                for offset in a..b {
                    if !admits(offset) {
                        streak = 0;
                        continue;
                    }
                    admitted += 1;
                    streak += 1;
                    if request.allow_split {
                        let rank = self.venue.seat_ranks[(first + offset) as usize];
                        singles.push((rank, row_id as u32, offset));
                    }
                    if streak >= quantity {
                        let start = offset + 1 - quantity;
                        let sum = prefix[(start + quantity) as usize]
                            .wrapping_sub(prefix[start as usize]);
                        let untidy = start - a == 1 || b - (start + quantity) == 1;
                        let candidate = (untidy, sum, row_id as u32, start);
                        if best.is_none_or(|current| candidate < current) {
                            best = Some(candidate);
                        }
                    }
                }
            }
        }
        if let Some((_, _, row, start)) = best {
            let len = quantity;
            return Ok(Pick::Block { row, start, len });
        }
        if let Some(refusal) = shortage(in_area, at_price, quantity) {
            return Err(refusal);
        }
        if admitted == 0 {
            return Err(Refusal::NoSeatsWithAttributes);
        }
        if admitted < quantity {
            return Err(Refusal::NotEnoughSeats {
                available: admitted,
            });
        }
        if request.allow_split {
            singles.sort_unstable();
            let seats = singles
                .iter()
                .take(quantity as usize)
                .map(|&(_, row, offset)| {
                    SeatId(self.venue.rows[row as usize].first_seat.0 + offset)
                });
            return Ok(Pick::Seats(seats.collect()));
        }
        Err(Refusal::NoAdjacentSeats)
    }
}

/// Zero tickets or more than the per-order limit.
pub(crate) fn check_quantity(quantity: u32, limits: Limits) -> Result<(), Refusal> {
    if quantity == 0 {
        return Err(Refusal::ZeroQuantity);
    }
    let limit = limits.max_tickets_per_order();
    if quantity > limit {
        return Err(Refusal::OverLimit {
            requested: quantity,
            limit,
        });
    }
    Ok(())
}

/// The refusal when too few tickets are free: none in the area, none at the price, or
/// fewer than asked for.
fn shortage(in_area: u32, eligible: u32, quantity: u32) -> Option<Refusal> {
    if in_area == 0 {
        Some(Refusal::SoldOut)
    } else if eligible == 0 {
        Some(Refusal::NoSeatsAtPrice)
    } else if eligible < quantity {
        Some(Refusal::NotEnoughSeats {
            available: eligible,
        })
    } else {
        None
    }
}
