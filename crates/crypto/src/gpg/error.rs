//! [`GpgError`]: everything that can go wrong with GnuPG keys, signatures
//! and the `gpg` program.

use std::fmt;

/// What can go wrong while running `gpg`, reading its output, or checking a
/// GnuPG signature.
///
/// Messages follow the reference's where it has one (`Could not find gpg
/// key ...`, the `KeyExpirationError` text, the "GPG support requires a GPG
/// client" text) and name the key id or command otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpgError {
    /// No usable `gpg` program: `$GNUPG` (when set), else `gpg2`, else
    /// `gpg`, must run `--version` successfully.
    #[error(
        "GPG support requires a GPG client. 'gpg2' or 'gpg' with version 2.1.0 or newer is fully supported. (tried: {tried})"
    )]
    NoGpg {
        /// The programs that were tried.
        tried: String,
    },

    /// The `gpg` program could not be started.
    #[error("could not run {command}: {source}")]
    Spawn {
        /// The command, as a Python list.
        command: String,
        /// Why it could not be started.
        #[source]
        source: std::io::Error,
    },

    /// `gpg` did not finish in time and was killed.
    #[error("Command '{command}' timed out after {seconds} seconds")]
    Timeout {
        /// The command, as a Python list.
        command: String,
        /// The time limit.
        seconds: u64,
    },

    /// `gpg` exited with an error (the reference's wording).
    #[error("Command '{command}' returned non-zero exit status '{status}', stderr was:\n{stderr}.")]
    CommandFailed {
        /// The command, as a Python list.
        command: String,
        /// The exit status (or the signal that ended it).
        status: String,
        /// What `gpg` wrote to stderr.
        stderr: String,
    },

    /// No key, or no subkey, in the exported data has this key id.
    #[error("Could not find gpg key '{keyid}' in {}exported key data.", if *.empty_export { "empty " } else { "" })]
    KeyNotFound {
        /// The key id that was asked for.
        keyid: String,
        /// Whether `gpg --export` wrote nothing at all.
        empty_export: bool,
    },

    /// The exported key data is not a key bundle we can read.
    #[error("Invalid public key data at position {position}: {reason}")]
    KeyData {
        /// The byte offset of the packet that failed.
        position: usize,
        /// What is wrong.
        reason: String,
    },

    /// The output of `gpg --detach-sign` is not a signature we can read.
    #[error("malformed signature packet: {reason}")]
    SignaturePacket {
        /// What is wrong.
        reason: String,
    },

    /// A signature dict (`keyid`, `other_headers`, `signature`) is
    /// malformed: bad hex, or headers that are not those of a version 4
    /// binary-document signature made with SHA-256 by this kind of key.
    #[error("malformed GPG signature by key '{keyid}': {reason}")]
    MalformedSignature {
        /// The signature's key id.
        keyid: String,
        /// What is wrong.
        reason: String,
    },

    /// The signature does not verify, or its headers or value cannot be
    /// those of a signature by this key. (The reference reports all of
    /// these as an invalid signature.)
    #[error("invalid GPG signature by key '{keyid}': {reason}")]
    InvalidSignature {
        /// The key id the signature names.
        keyid: String,
        /// Why, e.g. `the signature does not verify`.
        reason: String,
    },

    /// The signature names a key that is neither this key nor one of its
    /// subkeys.
    #[error(
        "GPG signature by key '{signature_keyid}' cannot be checked with key '{keyid}' (not the key or one of its subkeys)"
    )]
    WrongKey {
        /// The verification key's id.
        keyid: String,
        /// The key id the signature names.
        signature_keyid: String,
    },

    /// The key (or the subkey that made the signature, or its main key) has
    /// expired. The message is the reference's `KeyExpirationError`.
    #[error("{}", Expiry { keyid, creation_time: *.creation_time, validity_period: *.validity_period })]
    KeyExpired {
        /// The expired key's id.
        keyid: String,
        /// Its creation time (seconds since the epoch).
        creation_time: u64,
        /// Its validity period in seconds.
        validity_period: u64,
    },

    /// The key, or the subkey that was asked for, has been revoked by its
    /// main key.
    #[error("GPG key '{keyid}' has been revoked{}", main_keyid.as_ref().map(|m| format!(" (a subkey of '{m}')")).unwrap_or_default())]
    KeyRevoked {
        /// The revoked key's id.
        keyid: String,
        /// The main key, when the revoked key is a subkey.
        main_keyid: Option<String>,
    },

    /// A key too weak to trust signatures of (RSA or DSA below 2048 bits).
    #[error(
        "GPG key '{keyid}' is {description}; at least 2048 bits are required to verify signatures"
    )]
    WeakKey {
        /// The key id.
        keyid: String,
        /// What the key is, e.g. `RSA 1024-bit`.
        description: String,
    },

    /// The key material in a key dict cannot be used (e.g. DSA parameters
    /// of a size DSA does not define).
    #[error("unusable GPG key '{keyid}': {reason}")]
    UnusableKey {
        /// The key id.
        keyid: String,
        /// What is wrong.
        reason: String,
    },
}

/// The reference's `KeyExpirationError` text.
struct Expiry<'a> {
    keyid: &'a str,
    creation_time: u64,
    validity_period: u64,
}

impl fmt::Display for Expiry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expired = self.creation_time.saturating_add(self.validity_period);
        write!(
            f,
            "GPG key '{}' created on '{} UTC' with validity period '{}' expired on '{} UTC'.",
            self.keyid,
            utc_minutes(self.creation_time),
            python_timedelta(self.validity_period),
            utc_minutes(expired),
        )
    }
}

/// `YYYY-MM-DD HH:MM` in UTC for seconds since the epoch.
pub(crate) fn utc_minutes(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Python's `str(timedelta(seconds=secs))`: `H:MM:SS`, preceded by
/// `N day, ` or `N days, `.
pub(crate) fn python_timedelta(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let hms = format!("{}:{:02}:{:02}", rem / 3600, (rem % 3600) / 60, rem % 60);
    match days {
        0 => hms,
        1 => format!("1 day, {hms}"),
        n => format!("{n} days, {hms}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_message_is_the_references() {
        // Observed with in-toto 3.1.0: a key made on 2020-01-01 valid for a day.
        let e = GpgError::KeyExpired {
            keyid: "c015eb39eb284b40b9c74c79641df9030355af54".into(),
            creation_time: 1_577_836_800,
            validity_period: 86_400,
        };
        assert_eq!(
            e.to_string(),
            "GPG key 'c015eb39eb284b40b9c74c79641df9030355af54' created on '2020-01-01 00:00 UTC' \
             with validity period '1 day, 0:00:00' expired on '2020-01-02 00:00 UTC'."
        );
    }

    #[test]
    fn timedeltas_print_like_python() {
        assert_eq!(python_timedelta(0), "0:00:00");
        assert_eq!(python_timedelta(61), "0:01:01");
        assert_eq!(python_timedelta(86_399), "23:59:59");
        assert_eq!(python_timedelta(2 * 86_400 + 3600), "2 days, 1:00:00");
        assert_eq!(python_timedelta(63_072_000), "730 days, 0:00:00");
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00");
        assert_eq!(utc_minutes(951_782_400), "2000-02-29 00:00");
        assert_eq!(utc_minutes(1_795_675_509), "2026-11-26 06:45");
        assert_eq!(utc_minutes(4_102_444_800), "2100-01-01 00:00");
    }

    #[test]
    fn not_found_says_whether_the_export_was_empty() {
        let e = GpgError::KeyNotFound {
            keyid: "DEADBEEF".into(),
            empty_export: true,
        };
        assert_eq!(
            e.to_string(),
            "Could not find gpg key 'DEADBEEF' in empty exported key data."
        );
    }
}
