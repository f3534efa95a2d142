//! Placeholder until the best-available benchmark lands.
fn main() {}
