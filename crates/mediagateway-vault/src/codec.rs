//! The plaintext format of a sealed record.
//!
//! Hand-written and length-prefixed so that no serializer keeps stray copies of a secret and the
//! exact size is known before the buffer is allocated (a growing `Vec` would leave copies behind
//! in freed memory). All integers big-endian; version 1, written for accounts without
//! attributes:
//!
//! ```text
//! u8 version (1)
//! str user_name            str  = u32 length, UTF-8 bytes
//! opt<str> mailbox         opt  = u8 0 (absent) | u8 1, value
//! str server_url
//! u8 secret kind (0 none, 1 password, 2 refresh token), then str for 1 and 2
//! opt<str> fingerprint
//! time created             time = i64 seconds since 1970, u32 nanoseconds
//! time updated
//! opt<time> last_used
//! ```
//!
//! Version 2 (`u8 version (2)`) is version 1 followed by the attributes, at least one:
//!
//! ```text
//! u32 count, then count times: str name, str value
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::record::{Account, Secret, MAX_ATTRIBUTES, MAX_FIELD_LEN, MAX_SECRET_LEN};

/// The format of an account without attributes (and of every account written before they
/// existed).
const FORMAT_V1: u8 = 1;
/// Version 1 followed by the attributes: a count, then each name and value.
const FORMAT_V2: u8 = 2;

const SECRET_NONE: u8 = 0;
const SECRET_PASSWORD: u8 = 1;
const SECRET_REFRESH_TOKEN: u8 = 2;

/// Why a plaintext could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    Truncated { field: &'static str },
    UnknownVersion(u8),
    UnknownSecretKind(u8),
    BadPresenceFlag { field: &'static str, flag: u8 },
    TooLong { field: &'static str, len: usize },
    NotUtf8 { field: &'static str },
    BadTimestamp { field: &'static str },
    TrailingBytes(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { field } => write!(f, "plaintext ends inside {field}"),
            Self::UnknownVersion(v) => write!(f, "unknown record format version {v}"),
            Self::UnknownSecretKind(k) => write!(f, "unknown secret kind {k}"),
            Self::BadPresenceFlag { field, flag } => {
                write!(f, "presence flag of {field} is {flag}, expected 0 or 1")
            }
            Self::TooLong { field, len } => write!(f, "{field} claims {len} bytes, over the limit"),
            Self::NotUtf8 { field } => write!(f, "{field} is not UTF-8"),
            Self::BadTimestamp { field } => write!(f, "{field} is not a valid time"),
            Self::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the record"),
        }
    }
}

/// Serializes `account` into a buffer that is wiped when dropped.
pub(crate) fn encode(account: &Account) -> Zeroizing<Vec<u8>> {
    let secret = account.secret.text().map(|s| s.expose_secret().as_bytes());
    let str_len = |s: &str| 4 + s.len();
    let opt_len = |s: Option<&String>| 1 + s.map_or(0, |s| str_len(s));
    let len = 1
        + str_len(&account.user_name)
        + opt_len(account.mailbox.as_ref())
        + str_len(&account.server_url)
        + 1
        + secret.map_or(0, |s| 4 + s.len())
        + opt_len(account.fingerprint.as_ref())
        + 2 * 12
        + 1
        + account.last_used.map_or(0, |_| 12)
        + if account.attributes.is_empty() {
            0
        } else {
            4 + account
                .attributes
                .iter()
                .map(|(name, value)| str_len(name) + str_len(value))
                .sum::<usize>()
        };

    let mut out = Zeroizing::new(Vec::with_capacity(len));
    out.push(if account.attributes.is_empty() {
        FORMAT_V1
    } else {
        FORMAT_V2
    });
    put_bytes(&mut out, account.user_name.as_bytes());
    put_opt_str(&mut out, account.mailbox.as_deref());
    put_bytes(&mut out, account.server_url.as_bytes());
    match (&account.secret, secret) {
        (Secret::Password(_), Some(bytes)) => {
            out.push(SECRET_PASSWORD);
            put_bytes(&mut out, bytes);
        }
        (Secret::RefreshToken(_), Some(bytes)) => {
            out.push(SECRET_REFRESH_TOKEN);
            put_bytes(&mut out, bytes);
        }
        _ => out.push(SECRET_NONE),
    }
    put_opt_str(&mut out, account.fingerprint.as_deref());
    put_time(&mut out, &account.created);
    put_time(&mut out, &account.updated);
    match &account.last_used {
        Some(t) => {
            out.push(1);
            put_time(&mut out, t);
        }
        None => out.push(0),
    }
    if !account.attributes.is_empty() {
        let count = u32::try_from(account.attributes.len())
            .expect("validated accounts have at most MAX_ATTRIBUTES attributes");
        out.extend_from_slice(&count.to_be_bytes());
        for (name, value) in &account.attributes {
            put_bytes(&mut out, name.as_bytes());
            put_bytes(&mut out, value.as_bytes());
        }
    }
    debug_assert_eq!(out.len(), len, "precomputed length must match the encoding");
    out
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Field limits (validated before encoding) keep every length far below u32::MAX.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
        None => out.push(0),
    }
}

fn put_time(out: &mut Vec<u8>, time: &DateTime<Utc>) {
    out.extend_from_slice(&time.timestamp().to_be_bytes());
    out.extend_from_slice(&time.timestamp_subsec_nanos().to_be_bytes());
}

/// Parses a plaintext written by [`encode`].
pub(crate) fn decode(bytes: &[u8]) -> Result<Account, DecodeError> {
    let mut r = Reader { rest: bytes };
    let version = r.u8("version")?;
    if version != FORMAT_V1 && version != FORMAT_V2 {
        return Err(DecodeError::UnknownVersion(version));
    }
    let user_name = r.string("user name", MAX_FIELD_LEN)?;
    let mailbox = r.opt_string("mailbox")?;
    let server_url = r.string("server URL", MAX_FIELD_LEN)?;
    let secret = match r.u8("secret kind")? {
        SECRET_NONE => Secret::None,
        SECRET_PASSWORD => Secret::Password(r.secret()?),
        SECRET_REFRESH_TOKEN => Secret::RefreshToken(r.secret()?),
        other => return Err(DecodeError::UnknownSecretKind(other)),
    };
    let fingerprint = r.opt_string("fingerprint")?;
    let created = r.time("created")?;
    let updated = r.time("updated")?;
    let last_used = match r.u8("last used")? {
        0 => None,
        1 => Some(r.time("last used")?),
        flag => {
            return Err(DecodeError::BadPresenceFlag {
                field: "last used",
                flag,
            })
        }
    };
    let mut attributes = BTreeMap::new();
    if version == FORMAT_V2 {
        let count = u32::from_be_bytes(r.array("attribute count")?) as usize;
        if count == 0 || count > MAX_ATTRIBUTES {
            return Err(DecodeError::TooLong {
                field: "attribute count",
                len: count,
            });
        }
        for _ in 0..count {
            let name = r.string("attribute name", MAX_FIELD_LEN)?;
            let value = r.string("attribute value", MAX_FIELD_LEN)?;
            attributes.insert(name, value);
        }
    }
    if !r.rest.is_empty() {
        return Err(DecodeError::TrailingBytes(r.rest.len()));
    }
    Ok(Account {
        user_name,
        mailbox,
        server_url,
        secret,
        fingerprint,
        created,
        updated,
        last_used,
        attributes,
    })
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(field)?[0])
    }

    /// A length-prefixed UTF-8 slice; the limit is checked before anything is copied.
    fn str_slice(&mut self, field: &'static str, max: usize) -> Result<&'a str, DecodeError> {
        let len = u32::from_be_bytes(self.array(field)?) as usize;
        if len > max {
            return Err(DecodeError::TooLong { field, len });
        }
        let bytes = self.take(len, field)?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::NotUtf8 { field })
    }

    fn string(&mut self, field: &'static str, max: usize) -> Result<String, DecodeError> {
        self.str_slice(field, max).map(str::to_owned)
    }

    fn opt_string(&mut self, field: &'static str) -> Result<Option<String>, DecodeError> {
        match self.u8(field)? {
            0 => Ok(None),
            1 => self.string(field, MAX_FIELD_LEN).map(Some),
            flag => Err(DecodeError::BadPresenceFlag { field, flag }),
        }
    }

    fn secret(&mut self) -> Result<SecretString, DecodeError> {
        // Validated as UTF-8 in place, then copied once straight into the secret's box.
        let text = self.str_slice("secret", MAX_SECRET_LEN)?;
        Ok(SecretString::from(text))
    }

    fn time(&mut self, field: &'static str) -> Result<DateTime<Utc>, DecodeError> {
        let secs = i64::from_be_bytes(self.array(field)?);
        let nanos = u32::from_be_bytes(self.array(field)?);
        DateTime::from_timestamp(secs, nanos).ok_or(DecodeError::BadTimestamp { field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_account() -> Account {
        Account {
            user_name: "CONTOSO\\alice".into(),
            mailbox: Some("alice@contoso.com".into()),
            server_url: "https://mail.contoso.com/EWS/Exchange.asmx".into(),
            secret: Secret::refresh_token("0.AAAA-token-ü"),
            fingerprint: Some("sha256:abcdef".into()),
            created: DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
            updated: DateTime::from_timestamp(1_700_000_500, 0).unwrap(),
            last_used: Some(DateTime::from_timestamp(-5, 999_999_999).unwrap()),
            attributes: BTreeMap::from([
                ("time zone".to_owned(), "Europe/Berlin".to_owned()),
                ("session based".to_owned(), String::new()),
            ]),
        }
    }

    fn assert_same(a: &Account, b: &Account) {
        assert_eq!(a.user_name, b.user_name);
        assert_eq!(a.mailbox, b.mailbox);
        assert_eq!(a.server_url, b.server_url);
        assert_eq!(a.secret.kind(), b.secret.kind());
        assert_eq!(
            a.secret.text().map(|s| s.expose_secret().to_owned()),
            b.secret.text().map(|s| s.expose_secret().to_owned())
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.created, b.created);
        assert_eq!(a.updated, b.updated);
        assert_eq!(a.last_used, b.last_used);
        assert_eq!(a.attributes, b.attributes);
    }

    #[test]
    fn round_trips_every_field_and_secret_kind() {
        for secret in [
            Secret::password("pw"),
            Secret::refresh_token("rt"),
            Secret::None,
        ] {
            let mut account = full_account();
            account.secret = secret;
            assert_same(&decode(&encode(&account)).unwrap(), &account);
            account.mailbox = None;
            account.fingerprint = None;
            account.last_used = None;
            account.user_name.clear();
            account.attributes.clear();
            assert_same(&decode(&encode(&account)).unwrap(), &account);
        }
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = encode(&full_account());
        for cut in 0..bytes.len() {
            let err = decode(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(err, DecodeError::Truncated { .. }),
                "cut {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn trailing_bytes_and_unknown_values_are_rejected() {
        let mut bytes = encode(&full_account()).to_vec();
        bytes.push(0);
        assert_eq!(decode(&bytes).unwrap_err(), DecodeError::TrailingBytes(1));

        let mut bytes = encode(&full_account()).to_vec();
        bytes[0] = 3;
        assert_eq!(decode(&bytes).unwrap_err(), DecodeError::UnknownVersion(3));

        // Version 1 bytes that claim version 2 end where the attributes should start.
        let mut plain = full_account();
        plain.attributes.clear();
        let mut bytes = encode(&plain).to_vec();
        assert_eq!(bytes[0], 1);
        bytes[0] = 2;
        assert!(matches!(
            decode(&bytes).unwrap_err(),
            DecodeError::Truncated { .. }
        ));
        // A version 2 record with no attributes, or with a hostile count, is refused.
        for count in [0_u32, u32::MAX] {
            let mut bytes = encode(&plain).to_vec();
            bytes[0] = 2;
            bytes.extend_from_slice(&count.to_be_bytes());
            assert!(matches!(
                decode(&bytes).unwrap_err(),
                DecodeError::TooLong {
                    field: "attribute count",
                    ..
                }
            ));
        }

        let mut account = full_account();
        account.attributes.clear();
        account.secret = Secret::None;
        account.mailbox = None;
        let mut bytes = encode(&account).to_vec();
        // version, user name (4 + 13), mailbox flag at offset 18
        bytes[18] = 7;
        assert_eq!(
            decode(&bytes).unwrap_err(),
            DecodeError::BadPresenceFlag {
                field: "mailbox",
                flag: 7
            }
        );
        let kind_at = 1 + 4 + 13 + 1 + 4 + account.server_url.len();
        bytes[18] = 0;
        bytes[kind_at] = 9;
        assert_eq!(
            decode(&bytes).unwrap_err(),
            DecodeError::UnknownSecretKind(9)
        );
    }

    #[test]
    fn hostile_lengths_and_bytes_are_rejected() {
        // A length prefix of 4 GiB must fail on the limit, not try to read or allocate.
        let mut bytes = vec![FORMAT_V1];
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            decode(&bytes).unwrap_err(),
            DecodeError::TooLong {
                field: "user name",
                len: u32::MAX as usize
            }
        );

        let mut bytes = vec![FORMAT_V1];
        bytes.extend_from_slice(&2u32.to_be_bytes());
        bytes.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(
            decode(&bytes).unwrap_err(),
            DecodeError::NotUtf8 { field: "user name" }
        );

        let mut account = full_account();
        account.last_used = None;
        account.attributes.clear();
        let mut bytes = encode(&account).to_vec();
        let n = bytes.len();
        // `updated` sits just before the last-used flag: make its seconds absurd.
        bytes[n - 13..n - 5].copy_from_slice(&i64::MAX.to_be_bytes());
        assert_eq!(
            decode(&bytes).unwrap_err(),
            DecodeError::BadTimestamp { field: "updated" }
        );

        assert!(decode(&[]).is_err());
        assert!(decode(&[0xff; 64]).is_err());
        for seed in 0u8..=255 {
            let noise: Vec<u8> = (0..97u8).map(|i| i.wrapping_mul(31) ^ seed).collect();
            let _ = decode(&noise);
        }
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            DecodeError::Truncated { field: "secret" }.to_string(),
            "plaintext ends inside secret"
        );
        assert!(DecodeError::TrailingBytes(3).to_string().contains('3'));
    }
}
