//! The promise that a ticketing service could deploy the seat core unchanged,
//! tested on the simulator's own sales (issue 17, item 1): every call the
//! simulated Eras and Oasis on-sales made to each show's core is journaled,
//! replayed into a fresh core, and must reach the same state (equal digest)
//! and the same orders. Oasis's journal holds price changes and cancelled bot
//! orders too. Journaling must not change the run.

use seat_core::SeatCore;
use sellout::engine::Streams;
use sellout::model::{ModelSpec, OnsaleModel, load};
use sellout::onsale;

use super::cli::models_dir;

fn shipped(file: &str, scale: f64) -> OnsaleModel {
    match load(&models_dir().join(file))
        .expect("a shipped model loads")
        .spec
    {
        ModelSpec::Onsale(model) => model.scaled(scale).model,
        _ => panic!("{file} is not an on-sale model"),
    }
}

#[test]
fn every_core_call_of_a_simulated_sale_replays_to_the_same_state() {
    let seed = 5;
    for (file, scale) in [("eras-2022.toml", 0.05), ("oasis-2025.toml", 0.03)] {
        let model = shipped(file, scale);
        let streams = Streams::new(seed, 0);
        let (report, cores) = onsale::run_recording_cores(&model, &streams).expect("the sale runs");
        let plain = onsale::run(&model, &streams, false).expect("the sale runs");
        assert_eq!(
            report.metrics.get("tickets_sold"),
            plain.metrics.get("tickets_sold"),
            "{file}: journaling changed the run (seed {seed})"
        );
        assert_eq!(cores.len(), model.spec.sale.shows as usize);
        let mut calls = 0;
        for (show, mut core) in cores.into_iter().enumerate() {
            let journal = core.take_journal();
            calls += journal.len();
            let mut replica = SeatCore::new(core.venue().clone(), core.limits());
            replica
                .replay(&journal)
                .unwrap_or_else(|error| panic!("{file} show {show}: {error} (seed {seed})"));
            assert_eq!(
                replica.digest(),
                core.digest(),
                "{file} show {show}: the replica's state differs (seed {seed})"
            );
            assert!(
                replica.orders().eq(core.orders()),
                "{file} show {show}: the replica's orders differ (seed {seed})"
            );
            assert!(core.order_count() > 0, "{file} show {show} sold nothing");
        }
        assert!(calls > 10_000, "{file}: only {calls} journaled calls");
        println!(
            "{file} at {scale}: {calls} journaled calls over {} shows replayed to equal digests",
            model.spec.sale.shows
        );
    }
}
