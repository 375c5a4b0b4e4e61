//! The records the vault keeps: who they belong to and what they hold.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::error::{InputProblem, VaultError};

/// Longest data source name or portal user name accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// Longest secret (password or refresh token) accepted, in bytes.
pub const MAX_SECRET_LEN: usize = 64 * 1024;
/// Longest user name, mailbox, server URL, fingerprint, attribute name or attribute value
/// accepted, in bytes.
pub const MAX_FIELD_LEN: usize = 4 * 1024;
/// Most attributes one account may carry.
pub const MAX_ATTRIBUTES: usize = 64;

/// Names one account record: the data source it serves and the portal user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId {
    /// Name of the data source (a configured Exchange connection).
    pub data_source: String,
    /// The portal user: a GUID string, or a reserved name such as [`RecordId::SERVICE_ACCOUNT`].
    pub portal_user: String,
}

impl RecordId {
    /// Reserved portal user name under which a data source keeps its service account.
    pub const SERVICE_ACCOUNT: &'static str = "@service";

    /// The record of `portal_user` in `data_source`.
    pub fn new(data_source: impl Into<String>, portal_user: impl Into<String>) -> Self {
        Self {
            data_source: data_source.into(),
            portal_user: portal_user.into(),
        }
    }

    /// Prefix of the reserved portal user names of static users.
    pub const STATIC_USER_PREFIX: &'static str = "@static:";

    /// The record of the service account of `data_source`.
    pub fn service_account(data_source: impl Into<String>) -> Self {
        Self::new(data_source, Self::SERVICE_ACCOUNT)
    }

    /// The record of static (additional, configured) user `name` of `data_source`, sealed like
    /// every other account but kept by [`Vault::reset_data_source`](crate::Vault::reset_data_source).
    pub fn static_user(data_source: impl Into<String>, name: &str) -> Self {
        Self::new(data_source, format!("{}{name}", Self::STATIC_USER_PREFIX))
    }

    /// True for reserved records (the service account and static users): configuration, not a
    /// portal user's login. Reserved portal user names start with `@`.
    pub fn is_reserved(&self) -> bool {
        self.portal_user.starts_with('@')
    }

    /// The name of a static user, if this is a static user's record.
    pub fn static_user_name(&self) -> Option<&str> {
        self.portal_user.strip_prefix(Self::STATIC_USER_PREFIX)
    }

    /// Checks the limits every stored or cached record id must meet.
    pub(crate) fn validate(&self) -> Result<(), VaultError> {
        check_id("data source", &self.data_source)?;
        check_id("portal user", &self.portal_user)?;
        if self.static_user_name() == Some("") {
            return Err(VaultError::InvalidInput {
                field: "static user name",
                problem: InputProblem::Empty,
            });
        }
        Ok(())
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.data_source, self.portal_user)
    }
}

/// The login secret of an account.
#[derive(Clone)]
pub enum Secret {
    /// A password (Basic, NTLM or Kerberos login).
    Password(SecretString),
    /// An OAuth2 refresh token.
    RefreshToken(SecretString),
    /// No secret is stored (for example, Kerberos with a keytab).
    None,
}

impl Secret {
    /// A password secret.
    pub fn password(value: impl Into<String>) -> Self {
        Self::Password(SecretString::from(value.into()))
    }

    /// A refresh-token secret.
    pub fn refresh_token(value: impl Into<String>) -> Self {
        Self::RefreshToken(SecretString::from(value.into()))
    }

    /// Which kind of secret this is.
    pub fn kind(&self) -> SecretKind {
        match self {
            Self::Password(_) => SecretKind::Password,
            Self::RefreshToken(_) => SecretKind::RefreshToken,
            Self::None => SecretKind::None,
        }
    }

    /// The secret text, if there is one; callers decide when exposing it is right.
    pub(crate) fn text(&self) -> Option<&SecretString> {
        match self {
            Self::Password(s) | Self::RefreshToken(s) => Some(s),
            Self::None => None,
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Password([REDACTED])"),
            Self::RefreshToken(_) => f.write_str("RefreshToken([REDACTED])"),
            Self::None => f.write_str("None"),
        }
    }
}

/// The kind of a [`Secret`], without its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A password.
    Password,
    /// An OAuth2 refresh token.
    RefreshToken,
    /// No secret.
    None,
}

/// The Exchange login data of one portal user.
///
/// `Debug` shows every field except the secret's value.
#[derive(Debug, Clone)]
pub struct Account {
    /// Exchange user name (for example `DOMAIN\user` or a UPN).
    pub user_name: String,
    /// Primary SMTP address of the mailbox, if it differs from what the user name implies.
    pub mailbox: Option<String>,
    /// EWS endpoint URL.
    pub server_url: String,
    /// The login secret.
    pub secret: Secret,
    /// Fingerprint of the access data the account was made from; a change means a new login.
    pub fingerprint: Option<String>,
    /// When the account was first stored.
    pub created: DateTime<Utc>,
    /// When the account was last changed.
    pub updated: DateTime<Utc>,
    /// When the account was last used to reach Exchange.
    pub last_used: Option<DateTime<Utc>>,
    /// Named values the record keeps beside the account, sealed with it but not secret
    /// (a data source's settings beside its service account, for example). At most
    /// [`MAX_ATTRIBUTES`], each name and value at most [`MAX_FIELD_LEN`] bytes.
    pub attributes: BTreeMap<String, String>,
}

impl Account {
    /// A new account created and updated now, never used, without mailbox or fingerprint.
    pub fn new(
        user_name: impl Into<String>,
        server_url: impl Into<String>,
        secret: Secret,
    ) -> Self {
        let now = Utc::now();
        Self {
            user_name: user_name.into(),
            mailbox: None,
            server_url: server_url.into(),
            secret,
            fingerprint: None,
            created: now,
            updated: now,
            last_used: None,
            attributes: BTreeMap::new(),
        }
    }

    /// What an account listing shows of this account: everything but the secret.
    pub fn summary(&self, id: &RecordId) -> AccountSummary {
        AccountSummary {
            id: id.clone(),
            user_name: self.user_name.clone(),
            mailbox: self.mailbox.clone(),
            server_url: self.server_url.clone(),
            secret_kind: self.secret.kind(),
            created: self.created,
            updated: self.updated,
            last_used: self.last_used,
        }
    }

    /// Checks the size limits of every field.
    pub(crate) fn validate(&self) -> Result<(), VaultError> {
        check_len("user name", &self.user_name, MAX_FIELD_LEN)?;
        if let Some(mailbox) = &self.mailbox {
            check_len("mailbox", mailbox, MAX_FIELD_LEN)?;
        }
        check_len("server URL", &self.server_url, MAX_FIELD_LEN)?;
        if let Some(fingerprint) = &self.fingerprint {
            check_len("fingerprint", fingerprint, MAX_FIELD_LEN)?;
        }
        if let Some(text) = self.secret.text() {
            use secrecy::ExposeSecret;
            check_len("secret", text.expose_secret(), MAX_SECRET_LEN)?;
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(VaultError::InvalidInput {
                field: "attributes",
                problem: InputProblem::OutOfRange {
                    value: self.attributes.len(),
                    min: 0,
                    max: MAX_ATTRIBUTES,
                },
            });
        }
        for (name, value) in &self.attributes {
            check_len("attribute name", name, MAX_FIELD_LEN)?;
            check_len("attribute value", value, MAX_FIELD_LEN)?;
        }
        Ok(())
    }
}

/// One line of an account listing: no secret, only what an administrator needs to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// The record.
    pub id: RecordId,
    /// Exchange user name.
    pub user_name: String,
    /// Mailbox address, if set.
    pub mailbox: Option<String>,
    /// EWS endpoint URL.
    pub server_url: String,
    /// Which kind of secret the account holds.
    pub secret_kind: SecretKind,
    /// When the account was first stored.
    pub created: DateTime<Utc>,
    /// When the account was last changed.
    pub updated: DateTime<Utc>,
    /// When the account was last used.
    pub last_used: Option<DateTime<Utc>>,
}

impl AccountSummary {
    /// True if `needle`, already lower-cased, occurs in the user name, mailbox or portal user.
    pub(crate) fn matches_lowercase(&self, needle: &str) -> bool {
        let hit = |s: &str| s.to_lowercase().contains(needle);
        hit(&self.user_name)
            || self.mailbox.as_deref().is_some_and(hit)
            || hit(&self.id.portal_user)
    }
}

fn check_id(field: &'static str, value: &str) -> Result<(), VaultError> {
    if value.is_empty() {
        return Err(VaultError::InvalidInput {
            field,
            problem: InputProblem::Empty,
        });
    }
    check_len(field, value, MAX_ID_LEN)
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), VaultError> {
    if value.len() > max {
        return Err(VaultError::InvalidInput {
            field,
            problem: InputProblem::TooLong {
                len: value.len(),
                max,
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_non_empty_and_short() {
        assert!(RecordId::new("ds", "u").validate().is_ok());
        assert!(RecordId::new("d".repeat(MAX_ID_LEN), "u")
            .validate()
            .is_ok());
        let empty = RecordId::new("", "u").validate().unwrap_err();
        assert!(matches!(
            empty,
            VaultError::InvalidInput {
                field: "data source",
                problem: InputProblem::Empty
            }
        ));
        let long = RecordId::new("ds", "u".repeat(MAX_ID_LEN + 1))
            .validate()
            .unwrap_err();
        assert!(matches!(
            long,
            VaultError::InvalidInput {
                field: "portal user",
                problem: InputProblem::TooLong { len: 257, max: 256 }
            }
        ));
        assert!(RecordId::new("ds", "").validate().is_err());
    }

    #[test]
    fn account_fields_have_limits() {
        let ok = Account::new(
            "u",
            "https://x",
            Secret::password("p".repeat(MAX_SECRET_LEN)),
        );
        assert!(ok.validate().is_ok());
        let secret = Account::new(
            "u",
            "https://x",
            Secret::password("p".repeat(MAX_SECRET_LEN + 1)),
        );
        assert!(secret.validate().unwrap_err().is_invalid_input());
        let mut mailbox = Account::new("u", "https://x", Secret::None);
        mailbox.mailbox = Some("m".repeat(MAX_FIELD_LEN + 1));
        assert!(mailbox.validate().unwrap_err().is_invalid_input());
        let mut fingerprint = Account::new("u", "https://x", Secret::None);
        fingerprint.fingerprint = Some("f".repeat(MAX_FIELD_LEN + 1));
        assert!(fingerprint.validate().unwrap_err().is_invalid_input());
        let url = Account::new("u", "h".repeat(MAX_FIELD_LEN + 1), Secret::None);
        assert!(url.validate().unwrap_err().is_invalid_input());
    }

    #[test]
    fn debug_redacts_secrets() {
        let account = Account::new("alice", "https://x", Secret::password("hunter2-distinct"));
        let text = format!("{account:?}");
        assert!(text.contains("alice"));
        assert!(text.contains("Password([REDACTED])"));
        assert!(!text.contains("hunter2-distinct"));
        let token = format!("{:?}", Secret::refresh_token("tok-distinct"));
        assert_eq!(token, "RefreshToken([REDACTED])");
    }

    #[test]
    fn filter_matches_case_insensitively() {
        let mut account = Account::new("CONTOSO\\Alice", "https://x", Secret::None);
        account.mailbox = Some("Alice.Smith@Contoso.com".into());
        let summary = account.summary(&RecordId::new("ds", "GUID-ABC"));
        assert!(summary.matches_lowercase("contoso\\alice"));
        assert!(summary.matches_lowercase("smith@"));
        assert!(summary.matches_lowercase("guid-abc"));
        assert!(!summary.matches_lowercase("bob"));
        assert_eq!(summary.secret_kind, SecretKind::None);
        assert_eq!(RecordId::service_account("ds").to_string(), "ds/@service");
    }
}
