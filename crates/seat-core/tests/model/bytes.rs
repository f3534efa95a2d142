//! Decoding a venue, limits and a command sequence from arbitrary bytes, for the
//! byte-driven fuzz test in the normal suite and for the cargo-fuzz target.

use super::{Command, Harness, OWNER, PRICES, RequestParts, TTLS, request};
use seat_core::{
    GeneralAdmissionSpec, Limits, PriceLevelSpec, SeatAttribute, SeatAttributeSpec, SectionSpec,
    TierSpec, VenueSpec,
};

/// Reads bytes one at a time, yielding zeros once the input runs out.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn next(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    pub fn below(&mut self, bound: u8) -> u8 {
        self.next() % bound
    }

    pub fn done(&self) -> bool {
        self.0.is_empty()
    }
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];

pub fn venue(bytes: &mut Bytes) -> VenueSpec {
    let mut sections = Vec::new();
    for index in 0..bytes.below(4) {
        let long = bytes.below(16) == 0;
        let ranks: Vec<Vec<u32>> = (0..1 + bytes.below(4))
            .map(|_| {
                let len = if long {
                    13 + u32::from(bytes.next()) * 4
                } else {
                    1 + u32::from(bytes.below(12))
                };
                (0..len)
                    .map(|i| {
                        if long {
                            i.abs_diff(len / 2)
                        } else {
                            u32::from(bytes.below(6))
                        }
                    })
                    .collect()
            })
            .collect();
        let marks = (0..bytes.below(3))
            .map(|_| SeatAttributeSpec {
                row: 1,
                seats: vec![1 + u32::from(bytes.below(ranks[0].len().min(255) as u8))],
                attribute: if bytes.below(2) == 0 {
                    SeatAttribute::Accessible
                } else {
                    SeatAttribute::Companion
                },
            })
            .collect();
        sections.push(SectionSpec {
            name: format!("s{index}"),
            rows: None,
            seats_per_row: None,
            row_lengths: Some(ranks.iter().map(|r| r.len() as u32).collect()),
            price_level: LEVELS[bytes.below(3) as usize].to_string(),
            price_bands: Vec::new(),
            layout: None,
            ranks: Some(ranks),
            rank_offset: 0,
            seat_attributes: marks,
        });
    }
    let mut general_admission = Vec::new();
    if sections.is_empty() || bytes.below(2) == 1 {
        let tiers = (0..1 + bytes.below(3))
            .map(|_| TierSpec {
                price_level: LEVELS[bytes.below(3) as usize].to_string(),
                capacity: 1 + u32::from(bytes.below(8)),
            })
            .collect();
        general_admission.push(GeneralAdmissionSpec {
            name: "ga".to_string(),
            tiers,
        });
    }
    let price_levels = [("low", 1_000), ("mid", 2_500), ("high", 5_000)]
        .iter()
        .map(|&(name, price_minor)| PriceLevelSpec {
            name: name.to_string(),
            price_minor,
        })
        .collect();
    VenueSpec {
        name: "fuzz".to_string(),
        capacity: None,
        focal_point_cm: [0, 0],
        price_levels,
        sections,
        general_admission,
    }
}

pub fn limits(bytes: &mut Bytes) -> Limits {
    let per_order = [1, 2, 3, 4, 5, 6, 8, 16, 17, 33, 64][bytes.below(11) as usize];
    let mut limits = Limits::new(per_order).unwrap();
    let flags = bytes.next();
    if flags & 1 == 1 {
        limits = limits.with_max_tickets_per_customer(u32::from(flags >> 4));
    }
    if flags & 2 == 2 {
        limits = limits.with_max_hold_ttl_ns(u64::from(bytes.next()) * 4);
    }
    limits
}

fn who(bytes: &mut Bytes) -> (Option<u64>, Option<u64>) {
    let flags = bytes.next();
    let customer = (flags & 1 == 1).then_some(u64::from(flags >> 2 & 3));
    let key = (flags & 2 == 2).then_some(u64::from(flags >> 4 & 3));
    (customer, key)
}

fn hold_request(bytes: &mut Bytes) -> seat_core::HoldRequest {
    let flags = bytes.next();
    let section = (flags & 1 == 1).then(|| u32::from(bytes.below(6)));
    let price_level = (flags & 2 == 2).then(|| u32::from(bytes.below(4)));
    let max_price =
        (flags & 4 == 4).then(|| [999, 1_000, 2_500, 4_999, 5_000][bytes.below(5) as usize]);
    let quantity = if flags & 16 == 16 {
        u32::from(bytes.below(66))
    } else {
        u32::from(bytes.below(8))
    };
    let (customer, key) = who(bytes);
    let attributes = if flags & 32 == 32 { bytes.below(16) } else { 0 };
    request(RequestParts {
        quantity,
        section,
        price_level,
        max_price,
        split: flags & 8 == 8,
        customer,
        key,
        attributes,
    })
}

fn caller(bytes: &mut Bytes) -> Option<u64> {
    match bytes.below(5) {
        0 => None,
        1..=2 => Some(OWNER),
        n => Some(u64::from(n) - 3),
    }
}

pub fn command(bytes: &mut Bytes) -> Command {
    let ttl = |bytes: &mut Bytes| TTLS[bytes.below(TTLS.len() as u8) as usize];
    let seats = |bytes: &mut Bytes| {
        (0..bytes.below(5))
            .map(|_| u32::from(bytes.next()) % 64)
            .collect()
    };
    match bytes.below(19) {
        0 => Command::Tick {
            delta: i64::from(bytes.next() as i8),
        },
        1 | 2 => Command::HoldBest {
            request: hold_request(bytes),
            ttl: ttl(bytes),
        },
        3 => {
            let seats = seats(bytes);
            let (customer, key) = who(bytes);
            Command::HoldSeats {
                seats,
                ttl: ttl(bytes),
                customer,
                key,
            }
        }
        4 => Command::Suggest {
            request: hold_request(bytes),
        },
        5 => Command::HoldStale {
            pick: usize::from(bytes.next()),
            ttl: ttl(bytes),
        },
        6 | 7 => Command::Confirm {
            pick: u64::from(bytes.below(6)),
            customer: caller(bytes),
            idempotent: bytes.below(2) == 1,
        },
        8 => Command::Release {
            pick: u64::from(bytes.below(6)),
            customer: caller(bytes),
        },
        9 => Command::ReleasePart {
            pick: u64::from(bytes.below(6)),
            customer: caller(bytes),
            mask: bytes.next(),
        },
        10 => Command::Extend {
            pick: u64::from(bytes.below(6)),
            customer: caller(bytes),
            delta: i64::from(bytes.next()) * 3,
        },
        11 => Command::Cancel {
            pick: u64::from(bytes.below(6)),
        },
        12 => Command::OffSale {
            seats: seats(bytes),
            kill: bytes.below(2) == 1,
        },
        13 => Command::OnSale {
            seats: seats(bytes),
        },
        14 => Command::SetPrice {
            level: u32::from(bytes.below(4)),
            price: PRICES[bytes.below(4) as usize],
        },
        15 => Command::OpenTier {
            tier: u32::from(bytes.below(4)),
        },
        16 => Command::Retry { ttl: ttl(bytes) },
        17 => {
            if bytes.below(2) == 0 {
                Command::Expire
            } else {
                Command::ExpireAtDeadline
            }
        }
        _ => Command::Restore,
    }
}

/// Runs one input; `Err` describes the first disagreement or broken check.
pub fn run(data: &[u8]) -> Result<u64, String> {
    let mut bytes = Bytes(data);
    let spec = venue(&mut bytes);
    let limits = limits(&mut bytes);
    let mut harness = Harness::new(&spec, limits)?;
    let mut steps = 0;
    while !bytes.done() && steps < 2_000 {
        let command = command(&mut bytes);
        harness.step(&command).map_err(|message| {
            format!("step {steps} {command:?}: {message}\nlimits {limits:?}, venue {spec:?}")
        })?;
        steps += 1;
    }
    harness.check_replay()?;
    Ok(steps)
}
