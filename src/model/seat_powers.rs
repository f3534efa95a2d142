//! The on-sale keys that use the seat core's powers beyond hold and confirm:
//! idempotent retries (`demand.retry.idempotency_keys`), hold extension while
//! payment runs (`payment.extend_hold`), cancelling detected bot orders
//! (`bots.cancel_after`, `bots.cancel_share`) and operator price changes
//! (`[[sale.price_change]]`). Each is off by default, so a model without them
//! runs exactly as before.

use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::error::Invalid;
use super::onsale::OnsaleSpec;

/// An operator's price change: from a moment on, holds of one price level cost
/// `price_minor` per ticket (live holds and orders keep their price).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceChangeSpec {
    /// The price level whose price changes (a name in the venue's `price_levels`).
    pub level: String,
    /// The new price of one ticket, minor units.
    pub price_minor: u64,
    /// When, after the opening, in every show at once.
    #[serde(default)]
    pub at: Option<Duration>,
    /// Or: in each show, once no ticket of this price level is free (sold or
    /// held), e.g. the cheap standing tier. Tickets that come back later
    /// (expired holds, cancelled orders) then sell at the new price.
    #[serde(default)]
    pub after_sold_out: Option<String>,
    /// Or: in each show, once this share of the level's own tickets is sold
    /// or held (Oasis: the standing price rose after about 14k of 20k).
    #[serde(default)]
    pub after_share_sold: Option<f64>,
}

impl OnsaleSpec {
    /// The seat-power keys that need no venue (level names are checked against
    /// the venue by [`check_price_levels`]).
    pub(super) fn validate_seat_powers(&self) -> Result<(), Invalid> {
        if let Some(extension) = self.payment.extend_hold {
            Invalid::check(
                extension.0.0 > 0 && extension <= self.horizon,
                "payment.extend_hold",
                extension,
                format!("a duration > 0 and at most the horizon ({})", self.horizon),
            )?;
        }
        let bots = &self.bots;
        Invalid::check(
            (0.0..=1.0).contains(&bots.cancel_share),
            "bots.cancel_share",
            bots.cancel_share,
            "a probability in [0, 1]",
        )?;
        // A time at or after the horizon is allowed (a sweep may shorten the
        // horizon): it never comes.
        if let Some(after) = bots.cancel_after {
            Invalid::check(
                after.0.0 >= 0,
                "bots.cancel_after",
                after,
                "a duration ≥ 0 (after the opening)",
            )?;
        }
        for (index, change) in self.sale.price_changes.iter().enumerate() {
            change.validate(&format!("sale.price_change[{index}]"))?;
        }
        Ok(())
    }
}

impl PriceChangeSpec {
    fn validate(&self, field: &str) -> Result<(), Invalid> {
        match (&self.at, &self.after_sold_out, self.after_share_sold) {
            (Some(at), None, None) => Invalid::check(
                at.0.0 >= 0,
                format!("{field}.at"),
                at,
                "a duration ≥ 0 (after the opening)",
            ),
            (None, Some(_), None) => Ok(()),
            (None, None, Some(share)) => Invalid::check(
                share > 0.0 && share <= 1.0,
                format!("{field}.after_share_sold"),
                share,
                "a share in (0, 1]",
            ),
            (at, after, share) => Invalid::check(
                false,
                field,
                format!(
                    "at = {}, after_sold_out = {}, after_share_sold = {}",
                    at.map_or("unset".to_owned(), |at| at.to_string()),
                    after.as_deref().unwrap_or("unset"),
                    share.map_or("unset".to_owned(), |share| share.to_string())
                ),
                "exactly one of at = \"<duration after the opening>\", after_sold_out = \"<price level>\" or after_share_sold = <share>",
            ),
        }
    }
}

/// Every price level a `[[sale.price_change]]` names exists in the venue.
pub(super) fn check_price_levels(
    spec: &OnsaleSpec,
    venue: &seat_core::Venue,
) -> Result<(), Invalid> {
    let known = || {
        let names: Vec<&str> = (venue.price_levels().iter())
            .map(|level| level.name.as_str())
            .collect();
        format!(
            "a price level of venue {} ({})",
            venue.name(),
            names.join(", ")
        )
    };
    for (index, change) in spec.sale.price_changes.iter().enumerate() {
        let named = [
            ("level", Some(&change.level)),
            ("after_sold_out", change.after_sold_out.as_ref()),
        ];
        for (key, name) in named {
            if let Some(name) = name
                && venue.price_level_by_name(name).is_none()
            {
                return Err(Invalid::new(
                    format!("sale.price_change[{index}].{key}"),
                    format!("{name:?}"),
                    known(),
                ));
            }
        }
    }
    Ok(())
}
