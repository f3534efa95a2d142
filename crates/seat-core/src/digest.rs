//! A small, stable hash: FNV-1a 64 over little-endian words. Used for the state digest,
//! request fingerprints and the order checksum; the same on every platform and run, and
//! not for anything adversarial (it is not a cryptographic hash).

/// FNV-1a 64 state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(OFFSET)
    }

    /// Mixes the 8 little-endian bytes of `value`, one byte at a time (true FNV-1a).
    pub(crate) fn u64(&mut self, value: u64) -> &mut Fnv {
        for byte in value.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
        self
    }

    pub(crate) fn i64(&mut self, value: i64) -> &mut Fnv {
        self.u64(value as u64)
    }

    pub(crate) fn u32(&mut self, value: u32) -> &mut Fnv {
        self.u64(u64::from(value))
    }

    /// `None` and `Some(x)` never collide: a tag word comes first.
    pub(crate) fn option(&mut self, value: Option<u64>) -> &mut Fnv {
        match value {
            None => self.u64(0),
            Some(v) => self.u64(1).u64(v),
        }
    }

    pub(crate) fn str(&mut self, value: &str) -> &mut Fnv {
        self.u64(value.len() as u64);
        for byte in value.bytes() {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
        self
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn matches_published_fnv1a_vectors() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; of "" is the offset basis.
        let mut empty = Fnv::new();
        assert_eq!(empty.finish(), 0xcbf2_9ce4_8422_2325);
        let mut hash = Fnv::new();
        hash.0 = (hash.0 ^ u64::from(b'a')).wrapping_mul(super::PRIME);
        assert_eq!(hash.finish(), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(
            empty.option(None).finish(),
            Fnv::new().option(Some(0)).finish()
        );
    }
}
