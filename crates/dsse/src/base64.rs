//! Base64 as DSSE uses it.
//!
//! Writing always uses the standard alphabet with padding (what
//! securesystemslib and the in-toto reference write). Reading accepts what
//! the protocol says verifiers MUST accept, either alphabet, and is strict
//! about everything else:
//!
//! * one string uses one alphabet: `+`/`/` and `-`/`_` never mix;
//! * padding is optional, but when present it must be exactly right
//!   (`"aGk="` and `"aGk"` decode, `"aGk=="` does not);
//! * the unused low bits of the last character must be zero, so every byte
//!   string has exactly one padded and one unpadded spelling per alphabet;
//! * no whitespace, line breaks or other characters anywhere.
//!
//! Python's securesystemslib (`b64dec`) requires padding, so it refuses the
//! unpadded spellings that this reader takes; everything it accepts, this
//! reader accepts too.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const READ_CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(false);

const READ_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, READ_CONFIG);
const READ_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, READ_CONFIG);

/// Why a base64 string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base64Error {
    /// A character outside both alphabets, or a mix of the two alphabets,
    /// at this byte offset.
    #[error("invalid character {byte:#04x} at offset {offset}")]
    InvalidCharacter {
        /// Byte offset in the string.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// The number of characters cannot encode whole bytes.
    #[error("invalid length")]
    InvalidLength,
    /// Padding is present but not the right amount, or not at the end.
    #[error("incorrect padding")]
    InvalidPadding,
    /// The last character carries non-zero bits that no byte uses (a
    /// non-canonical or truncated encoding).
    #[error("non-canonical last character at offset {offset}")]
    TrailingBits {
        /// Byte offset of the last character.
        offset: usize,
    },
}

impl From<base64::DecodeError> for Base64Error {
    fn from(e: base64::DecodeError) -> Self {
        match e {
            // `=` is in no alphabet; out of place, it is bad padding.
            base64::DecodeError::InvalidByte(_, b'=') => Self::InvalidPadding,
            base64::DecodeError::InvalidByte(offset, byte) => {
                Self::InvalidCharacter { offset, byte }
            }
            base64::DecodeError::InvalidLength(_) => Self::InvalidLength,
            base64::DecodeError::InvalidLastSymbol(offset, _) => Self::TrailingBits { offset },
            base64::DecodeError::InvalidPadding => Self::InvalidPadding,
        }
    }
}

/// Encodes bytes as standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard or URL-safe base64, padded or not (see the module
/// documentation for what is refused).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, Base64Error> {
    // A string is read in the URL-safe alphabet only when it uses one of
    // that alphabet's own characters; otherwise the standard alphabet's
    // error (which names the first bad character) is the one reported.
    if text.bytes().any(|b| b == b'-' || b == b'_') {
        READ_URL_SAFE.decode(text).map_err(Base64Error::from)
    } else {
        READ_STANDARD.decode(text).map_err(Base64Error::from)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn both_alphabets_with_and_without_padding() {
        for text in ["+/8=", "+/8", "-_8=", "-_8"] {
            assert_eq!(decode_base64(text).unwrap(), vec![0xfb, 0xff], "{text}");
        }
        assert_eq!(decode_base64("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode_base64("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(encode_base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn refusals() {
        // Mixed alphabets.
        assert!(matches!(
            decode_base64("+_8="),
            Err(Base64Error::InvalidCharacter {
                offset: 0,
                byte: b'+'
            })
        ));
        // Wrong amount of padding.
        assert_eq!(decode_base64("aGk=="), Err(Base64Error::InvalidPadding));
        assert_eq!(
            decode_base64("aGVsbG8gd29ybGQ=="),
            Err(Base64Error::InvalidPadding)
        );
        // Whitespace and foreign characters.
        assert!(matches!(
            decode_base64("aGVs bG8="),
            Err(Base64Error::InvalidCharacter {
                offset: 4,
                byte: b' '
            })
        ));
        assert!(matches!(
            decode_base64("aGVsbG8=\n"),
            Err(Base64Error::InvalidCharacter { .. })
        ));
        assert!(decode_base64("not base64!").is_err());
        // One character cannot encode a byte.
        assert_eq!(decode_base64("a"), Err(Base64Error::InvalidLength));
        // Non-zero unused bits: "aGk=" is canonical for "hi", "aGl=" is not.
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert!(matches!(
            decode_base64("aGl="),
            Err(Base64Error::TrailingBits { offset: 2 })
        ));
    }
}
