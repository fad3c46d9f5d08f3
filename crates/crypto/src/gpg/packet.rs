//! OpenPGP framing: packet headers (RFC 4880 section 4.2), signature
//! subpackets (5.2.3.1) and multiprecision integers (3.2).
//!
//! Everything here returns a short reason string on failure; callers wrap
//! it into a [`GpgError`](super::GpgError) that says where.

/// Packet tags we look at (RFC 4880 section 4.3).
pub(crate) const TAG_SIGNATURE: u8 = 2;
/// A primary public key.
pub(crate) const TAG_PUBLIC_KEY: u8 = 6;
/// A user id.
pub(crate) const TAG_USER_ID: u8 = 13;
/// A public subkey.
pub(crate) const TAG_PUBLIC_SUBKEY: u8 = 14;
/// A user attribute (e.g. a photo).
pub(crate) const TAG_USER_ATTRIBUTE: u8 = 17;

/// One packet: its tag and body, and how many bytes it took with its header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packet<'a> {
    pub(crate) tag: u8,
    pub(crate) body: &'a [u8],
    pub(crate) total_len: usize,
}

/// Reads the packet at the start of `data`. Partial (new format) and
/// indeterminate (old format) lengths are refused, as by the reference.
pub(crate) fn read_packet(data: &[u8]) -> Result<Packet<'_>, String> {
    let mut r = Reader::new(data);
    let ctb = r.u8("packet header")?;
    if ctb & 0x80 == 0 {
        return Err(format!("invalid packet header byte 0x{ctb:02x}"));
    }
    let (tag, body_len) = if ctb & 0x40 != 0 {
        let tag = ctb & 0x3f;
        let first = r.u8("packet length")?;
        let len = match first {
            0..=191 => usize::from(first),
            192..=223 => {
                let second = r.u8("packet length")?;
                ((usize::from(first) - 192) << 8) + usize::from(second) + 192
            }
            224..=254 => {
                return Err(
                    "New length format packets of partial body lengths are not supported".into(),
                );
            }
            255 => usize_from(r.be32("packet length")?),
        };
        (tag, len)
    } else {
        let tag = (ctb & 0x3c) >> 2;
        let len = match ctb & 0x03 {
            0 => usize::from(r.u8("packet length")?),
            1 => usize::from(r.be16("packet length")?),
            2 => usize_from(r.be32("packet length")?),
            _ => {
                return Err(
                    "Old length format packets of indeterminate length are not supported".into(),
                );
            }
        };
        (tag, len)
    };
    let header_len = r.pos();
    let body = r.bytes(body_len, "packet body")?;
    Ok(Packet {
        tag,
        body,
        total_len: header_len + body_len,
    })
}

fn usize_from(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A signature subpacket: its type (critical bit cleared) and data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subpacket<'a> {
    pub(crate) kind: u8,
    pub(crate) data: &'a [u8],
}

/// Subpacket types we use (RFC 4880 5.2.3.1, RFC 4880bis for 33).
pub(crate) const SUB_CREATION_TIME: u8 = 2;
/// Key expiration time: seconds after the key's creation.
pub(crate) const SUB_KEY_EXPIRATION: u8 = 9;
/// Issuer: the 8-byte key id.
pub(crate) const SUB_ISSUER: u8 = 16;
/// Primary user id flag.
pub(crate) const SUB_PRIMARY_USER_ID: u8 = 25;
/// Issuer fingerprint: a version byte and the fingerprint.
pub(crate) const SUB_ISSUER_FINGERPRINT: u8 = 33;

/// Splits a subpacket area into subpackets.
pub(crate) fn read_subpackets(area: &[u8]) -> Result<Vec<Subpacket<'_>>, String> {
    let mut r = Reader::new(area);
    let mut out = Vec::new();
    while !r.is_empty() {
        let first = r.u8("subpacket length")?;
        let len = match first {
            0..=191 => usize::from(first),
            192..=254 => {
                let second = r.u8("subpacket length")?;
                ((usize::from(first) - 192) << 8) + usize::from(second) + 192
            }
            255 => usize_from(r.be32("subpacket length")?),
        };
        if len == 0 {
            return Err("a subpacket of length 0".into());
        }
        let body = r.bytes(len, "subpacket")?;
        let (kind, data) = body.split_first().ok_or("an empty subpacket")?;
        out.push(Subpacket {
            kind: kind & 0x7f,
            data,
        });
    }
    Ok(out)
}

/// A cursor over bytes whose reads fail with a reason instead of panicking.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// Bytes read so far.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or_else(|| truncated(what))?;
        let out = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| truncated(what))?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.bytes(1, what)?[0])
    }

    pub(crate) fn be16(&mut self, what: &str) -> Result<u16, String> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn be32(&mut self, what: &str) -> Result<u32, String> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An MPI: a 16-bit bit count and that many bits, big-endian. Returns
    /// the value's bytes as stored.
    pub(crate) fn mpi(&mut self, what: &str) -> Result<&'a [u8], String> {
        let bits = usize::from(self.be16(what)?);
        self.bytes(bits.div_ceil(8), what)
    }
}

fn truncated(what: &str) -> String {
    format!("truncated {what}")
}

/// `bytes` without leading zero bytes.
pub(crate) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(bytes: &[u8]) -> usize {
    let v = strip_zeros(bytes);
    match v.first() {
        None => 0,
        Some(&top) => (v.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

/// Appends `value` as an MPI (leading zeros dropped, exact bit count).
pub(crate) fn write_mpi(out: &mut Vec<u8>, value: &[u8]) {
    let v = strip_zeros(value);
    let bits = u16::try_from(bit_len(v)).unwrap_or(u16::MAX);
    out.extend_from_slice(&bits.to_be_bytes());
    out.extend_from_slice(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_format_headers() {
        // Old format, tag 6, two-byte length.
        let p = read_packet(&[0x99, 0x00, 0x02, 0xaa, 0xbb, 0xcc]).unwrap();
        assert_eq!((p.tag, p.body, p.total_len), (6, &[0xaa, 0xbb][..], 5));
        // Old format, tag 13, one-byte length.
        let p = read_packet(&[0xb4, 0x01, 0x41]).unwrap();
        assert_eq!((p.tag, p.body), (13, &[0x41][..]));
        // New format, tag 2, two-octet length (192..8383).
        let mut data = vec![0xc2, 0xc0, 0x00];
        data.extend(std::iter::repeat_n(7u8, 192));
        let p = read_packet(&data).unwrap();
        assert_eq!((p.tag, p.body.len(), p.total_len), (2, 192, 195));
        // New format, five-octet length.
        let p = read_packet(&[0xc2, 0xff, 0, 0, 0, 1, 9]).unwrap();
        assert_eq!((p.tag, p.body), (2, &[9][..]));
    }

    #[test]
    fn bad_headers_are_errors() {
        assert!(read_packet(&[]).is_err());
        assert!(read_packet(&[0x00, 0x01, 0x00]).is_err());
        assert!(read_packet(&[0x99, 0x00]).is_err());
        assert!(read_packet(&[0x99, 0x00, 0x05, 1]).is_err());
        assert!(
            read_packet(&[0xc2, 0xe0, 0x01])
                .unwrap_err()
                .contains("partial")
        );
        assert!(
            read_packet(&[0x8b, 0x01])
                .unwrap_err()
                .contains("indeterminate")
        );
    }

    #[test]
    fn subpackets_and_critical_bit() {
        let area = [0x05, 0x82, 1, 2, 3, 4, 0x02, 0x19, 0x01];
        let subs = read_subpackets(&area).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].kind, SUB_CREATION_TIME);
        assert_eq!(subs[0].data, &[1, 2, 3, 4]);
        assert_eq!(subs[1].kind, SUB_PRIMARY_USER_ID);
        assert!(read_subpackets(&[0x00]).is_err());
        assert!(read_subpackets(&[0x05, 0x02, 1]).is_err());
    }

    #[test]
    fn mpis() {
        let mut r = Reader::new(&[0x00, 0x09, 0x01, 0xff, 0x00, 0x00]);
        assert_eq!(r.mpi("n").unwrap(), &[0x01, 0xff]);
        assert_eq!(r.mpi("e").unwrap(), &[] as &[u8]);
        assert!(r.is_empty());
        assert!(Reader::new(&[0x00, 0x10, 0x01]).mpi("n").is_err());
        let mut out = Vec::new();
        write_mpi(&mut out, &[0, 0, 0x01, 0xff]);
        assert_eq!(out, [0x00, 0x09, 0x01, 0xff]);
        assert_eq!(bit_len(&[0x40, 0]), 15);
        assert_eq!(bit_len(&[]), 0);
    }
}
