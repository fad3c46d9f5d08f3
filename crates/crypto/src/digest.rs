//! Streaming SHA-256, the digest in-toto records for artifacts.
//!
//! The backend uses the CPU's SHA instructions where it has them.

use std::io::{self, Read};

/// A streaming SHA-256 hasher.
pub struct Sha256 {
    ctx: aws_lc_rs::digest::Context,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A new hasher.
    pub fn new() -> Self {
        Self {
            ctx: aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256),
        }
    }

    /// Feeds `data` to the hasher.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// The digest as 32 bytes.
    pub fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.ctx.finish().as_ref());
        out
    }

    /// The digest as lowercase hex.
    pub fn finish_hex(self) -> String {
        to_hex(&self.finish())
    }
}

/// SHA-256 of `data` as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(data);
    h.finish_hex()
}

/// SHA-256 of everything `reader` yields, read in chunks of `buf.len()`
/// bytes, as lowercase hex. Memory use is the buffer only.
pub fn sha256_reader_hex<R: Read>(mut reader: R, buf: &mut [u8]) -> io::Result<String> {
    let mut h = Sha256::new();
    loop {
        match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => h.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(h.finish_hex())
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// Bytes of a hex string (either case, even length), as Python's
/// `binascii.unhexlify` reads it; `None` otherwise.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(from_hex("00aBff").unwrap(), [0, 0xab, 0xff]);
        assert_eq!(to_hex(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(from_hex("").unwrap(), Vec::<u8>::new());
        assert!(from_hex("abc").is_none());
        assert!(from_hex("zz").is_none());
        assert!(from_hex("+1").is_none());
    }

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut buf = [0u8; 3];
        assert_eq!(
            sha256_reader_hex(&b"hello\n"[..], &mut buf).unwrap(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
    }
}
