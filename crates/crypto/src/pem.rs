//! PEM: finding blocks in text (as leniently as Python's `cryptography`,
//! which skips text around blocks) and writing them (64-character lines,
//! trailing newline, as `cryptography` writes them).

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::error::KeyError;

/// One `-----BEGIN <label>-----` ... `-----END <label>-----` block.
pub(crate) struct PemBlock {
    /// The label, e.g. `PUBLIC KEY`.
    pub(crate) label: String,
    /// Whether the block has RFC 1421 headers (`Proc-Type`, `DEK-Info`), as
    /// legacy encrypted PEM has.
    pub(crate) has_headers: bool,
    /// The decoded body (zeroized on drop: it may be a private key).
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// All complete PEM blocks in `input`, in order. Text outside blocks is
/// ignored; an unterminated block or bad base64 is an error.
pub(crate) fn parse(input: &[u8]) -> Result<Vec<PemBlock>, KeyError> {
    let mut blocks = Vec::new();
    let mut lines = input
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .enumerate();
    // One buffer for the base64 text of every block, sized up front so that
    // growing never leaves copies of a key behind, and wiped once when it is
    // dropped. (A buffer of this size per block made input with many blocks
    // cost time quadratic in its size: a 1 MiB key file of empty blocks took
    // minutes.)
    let mut body = Zeroizing::new(String::with_capacity(input.len()));
    while let Some((_, line)) = lines.next() {
        let Some(label) = begin_label(line) else {
            continue;
        };
        let end_line = format!("-----END {label}-----");
        body.clear();
        let mut has_headers = false;
        let mut terminated = false;
        for (n, line) in lines.by_ref() {
            if line == end_line.as_bytes() {
                terminated = true;
                break;
            }
            if line.starts_with(b"-----") {
                return Err(malformed(format!(
                    "line {}: expected '{end_line}' or base64 data",
                    n + 1
                )));
            }
            if line.contains(&b':') {
                // RFC 1421 header, e.g. `Proc-Type: 4,ENCRYPTED`.
                has_headers = true;
                continue;
            }
            match std::str::from_utf8(line) {
                Ok(text) if text.is_ascii() => {
                    body.extend(text.chars().filter(|c| !c.is_ascii_whitespace()));
                }
                _ => {
                    return Err(malformed(format!("line {}: non-ASCII data", n + 1)));
                }
            }
        }
        if !terminated {
            return Err(malformed(format!(
                "'-----BEGIN {label}-----' has no END line"
            )));
        }
        let der = Base64::decode_vec(&body).map(Zeroizing::new).map_err(|_| {
            malformed(format!(
                "the body of the '{label}' block is not valid base64"
            ))
        })?;
        blocks.push(PemBlock {
            label,
            has_headers,
            der,
        });
    }
    Ok(blocks)
}

fn begin_label(line: &[u8]) -> Option<String> {
    let rest = line.strip_prefix(b"-----BEGIN ")?;
    let label = rest.strip_suffix(b"-----")?;
    let label = std::str::from_utf8(label).ok()?;
    if label.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        Some(label.to_owned())
    } else {
        None
    }
}

fn malformed(reason: String) -> KeyError {
    KeyError::MalformedPem { reason }
}

/// The error for input that holds no PEM block at all, naming the formats
/// that are recognisable.
pub(crate) fn no_pem_error(input: &[u8]) -> KeyError {
    let trimmed = input.trim_ascii_start();
    let openssh_public = [&b"ssh-"[..], b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-"];
    if openssh_public.iter().any(|p| trimmed.starts_with(p)) {
        KeyError::UnsupportedFormat {
            format: "OpenSSH public key (convert it to PEM with `ssh-keygen -e -m PKCS8`)"
                .to_owned(),
        }
    } else if trimmed.first() == Some(&0x30) {
        malformed("binary DER data; expected PEM text".to_owned())
    } else if trimmed.is_empty() {
        malformed("the input is empty".to_owned())
    } else {
        malformed("no '-----BEGIN ...-----' line found".to_owned())
    }
}

/// PEM text for `der` under `label`: 64-character base64 lines and a
/// trailing newline. Zeroized on drop, since `der` may be a private key.
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let b64 = Zeroizing::new(Base64::encode_string(der));
    let mut out = Zeroizing::new(String::with_capacity(
        b64.len() + b64.len() / 64 + 2 * label.len() + 40,
    ));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest: &str = &b64;
    while !rest.is_empty() {
        // Base64 is ASCII, so any byte index is a char boundary.
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_among_other_text() {
        let der: Vec<u8> = (0u8..100).collect();
        let pem = encode("PUBLIC KEY", &der);
        let input = format!(
            "Bag Attributes\n  friendlyName: x\n{}\ntrailing words\r\n",
            *pem
        );
        let blocks = parse(input.as_bytes()).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "PUBLIC KEY");
        assert!(!blocks[0].has_headers);
        assert_eq!(*blocks[0].der, der);
    }

    #[test]
    fn encodes_64_char_lines_with_trailing_newline() {
        let der = vec![7u8; 90]; // 120 base64 characters
        let pem = encode("X", &der);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN X-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 120 - 64);
        assert_eq!(lines[3], "-----END X-----");
        assert_eq!(lines.len(), 4);
        assert!(pem.ends_with("-----END X-----\n"));
    }

    #[test]
    fn crlf_and_long_lines_are_accepted() {
        let der = vec![1u8; 90];
        let b64 = Base64::encode_string(&der);
        let input = format!("-----BEGIN A-----\r\n{b64}\r\n-----END A-----\r\n");
        assert_eq!(*parse(input.as_bytes()).unwrap()[0].der, der);
    }

    #[test]
    fn headers_are_flagged() {
        let input = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(parse(input.as_bytes()).unwrap()[0].has_headers);
    }

    #[test]
    fn broken_blocks_are_errors() {
        for bad in [
            "-----BEGIN A-----\nAAAA\n",
            "-----BEGIN A-----\nA*AA\n-----END A-----\n",
            "-----BEGIN A-----\nAAAA\n-----END B-----\n",
            "-----BEGIN A-----\n\u{e9}\n-----END A-----\n",
        ] {
            let err = parse(bad.as_bytes()).err().unwrap();
            assert!(
                matches!(err, KeyError::MalformedPem { .. }),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn many_blocks_in_one_pass() {
        // A 1 MiB input (the size limit of key files) of 30 840 empty
        // blocks, then one real block. Regression: every block used to get
        // (and wipe) its own buffer as large as the whole input, which made
        // this input take minutes.
        let empty = "-----BEGIN A-----\n-----END A-----\n";
        let count = 1024 * 1024 / empty.len();
        let der: Vec<u8> = (0u8..48).collect();
        let mut input = empty.repeat(count);
        input.push_str(&encode("PUBLIC KEY", &der));
        let blocks = parse(input.as_bytes()).unwrap();
        assert_eq!(blocks.len(), count + 1);
        assert!(
            blocks[..count]
                .iter()
                .all(|b| b.label == "A" && b.der.is_empty())
        );
        // The shared buffer holds no text of an earlier block.
        assert_eq!(*blocks[count].der, der);
        assert_eq!(blocks[count].label, "PUBLIC KEY");
    }

    #[test]
    fn blocks_do_not_share_text() {
        let (a, b): (Vec<u8>, Vec<u8>) = ((0u8..90).collect(), vec![0xff; 3]);
        let input = format!("{}{}", *encode("A", &a), *encode("B", &b));
        let blocks = parse(input.as_bytes()).unwrap();
        assert_eq!((&*blocks[0].der, &*blocks[1].der), (&a, &b));
    }

    #[test]
    fn no_pem_errors_name_what_was_seen() {
        assert!(matches!(
            no_pem_error(b"ssh-ed25519 AAAAC3Nza me@host"),
            KeyError::UnsupportedFormat { .. }
        ));
        assert!(no_pem_error(&[0x30, 0x82]).to_string().contains("DER"));
        assert!(no_pem_error(b"").to_string().contains("empty"));
        assert!(no_pem_error(b"hello").to_string().contains("BEGIN"));
    }
}
