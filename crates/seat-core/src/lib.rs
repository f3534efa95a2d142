//! seat-core: the pure seat-allocation core (placeholder until the seat-core issue lands).
