//! The simulated parts of the ticketing system, one type per file. Each owns
//! its state, its random stream and samplers, and its time-series columns; its
//! handlers take a request and say what happens next (a delay and its own
//! event, a refusal, or nothing yet). The world routes requests between them.

pub mod access_check;
pub mod app;
pub mod cache;
pub mod cdn;
pub mod database;
pub mod payment;
pub mod replicas;
pub mod waiting_room;
