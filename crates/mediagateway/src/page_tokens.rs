//! Page tokens: where a query's next page starts, signed by the gateway and bound to the
//! portal user, the data source and the query that made them.
//!
//! A backend says where a page ended in its own terms (an offset, a sync cursor); the portal
//! gets that position inside a token it cannot read meaning into nor change. The token is
//!
//! ```text
//! base64url( version 1 | issued (8 bytes, Unix seconds) | position | HMAC-SHA-256 )
//! ```
//!
//! where the MAC also covers the data source, the portal user and a digest of the query (its
//! table, filter, sort, fields, page size, folder and window). A token changed in any byte, made
//! for another user or data source, or presented with another query is refused as an invalid
//! argument; so is one older than [`MAX_AGE`]. The key is derived from the vault's data key
//! ([`Vault::derive_key`](mediagateway_vault::Vault::derive_key)), so every gateway sharing the
//! vault's store accepts the tokens of the others; a vault key rotation ends the tokens made
//! before it.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use mediagateway_api::tables::{
    FolderRef, Table, TableQuery, MAX_PAGE_TOKEN_LEN, MAX_SYNC_STATE_LEN,
};
use mediagateway_api::ApiError;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

/// How long a token works after it was made.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(60 * 60);
/// The purpose the key is derived for.
pub(crate) const KEY_PURPOSE: &str = "mediagateway page tokens v1";

const VERSION: u8 = 1;
const MAC_LEN: usize = 32;
const HEADER_LEN: usize = 1 + 8;
/// The longest backend position a token carries: what fits in the longest token.
pub(crate) const MAX_POSITION_LEN: usize = MAX_PAGE_TOKEN_LEN / 4 * 3 - HEADER_LEN - MAC_LEN;

/// Whose changes a sync state continues: the caller, the table and the folder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SyncScope<'a> {
    pub(crate) data_source: &'a str,
    pub(crate) portal_user: Uuid,
    pub(crate) table: Table,
    pub(crate) folder: Option<&'a FolderRef>,
}

/// The first byte of a sealed sync state (never a page token's).
const SYNC_VERSION: u8 = 0x81;

/// Whose query a token continues.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenScope<'a> {
    pub(crate) data_source: &'a str,
    pub(crate) portal_user: Uuid,
    pub(crate) query: &'a TableQuery,
}

/// Makes and checks page tokens with one key.
pub(crate) struct PageTokens {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageTokens").finish_non_exhaustive()
    }
}

impl PageTokens {
    pub(crate) fn new(key: Zeroizing<[u8; 32]>) -> Self {
        Self { key }
    }

    /// The token that continues `scope`'s query at `position`.
    pub(crate) fn seal(
        &self,
        scope: &TokenScope<'_>,
        position: &str,
        now: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        if position.len() > MAX_POSITION_LEN {
            return Err(ApiError::Internal {
                detail: format!(
                    "the backend's page position is {} bytes; a token carries {MAX_POSITION_LEN}",
                    position.len()
                ),
            });
        }
        let mut body = Vec::with_capacity(HEADER_LEN + position.len() + MAC_LEN);
        body.push(VERSION);
        body.extend_from_slice(&now.timestamp().to_be_bytes());
        body.extend_from_slice(position.as_bytes());
        let mac = self.mac(scope, &body);
        body.extend_from_slice(&mac);
        Ok(URL_SAFE_NO_PAD.encode(body))
    }

    /// The backend position in `token`, if the token is this gateway's, for `scope`, and
    /// not expired.
    pub(crate) fn open(
        &self,
        scope: &TokenScope<'_>,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        let invalid = || {
            ApiError::invalid("the page token is not one this gateway made for this query and user")
        };
        if token.len() > MAX_PAGE_TOKEN_LEN {
            return Err(invalid());
        }
        let body = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
        if body.len() < HEADER_LEN + MAC_LEN || body[0] != VERSION {
            return Err(invalid());
        }
        let (signed, mac) = body.split_at(body.len() - MAC_LEN);
        let mut check = self.hmac(scope);
        check.update(signed);
        // Constant time, so a forger learns nothing from how long the check took.
        check.verify_slice(mac).map_err(|_| invalid())?;
        let issued = i64::from_be_bytes(signed[1..HEADER_LEN].try_into().map_err(|_| invalid())?);
        let age = now.timestamp().saturating_sub(issued);
        if !(0..=i64::try_from(MAX_AGE.as_secs()).unwrap_or(i64::MAX)).contains(&age) {
            return Err(ApiError::invalid(
                "the page token has expired; run the query again from its first page",
            ));
        }
        String::from_utf8(signed[HEADER_LEN..].to_vec()).map_err(|_| invalid())
    }

    /// The sealed form of a backend's sync state for `scope`: signed and bound like a page
    /// token, but without an expiry (Exchange's sync states last as long as the folder).
    pub(crate) fn seal_sync_state(
        &self,
        scope: &SyncScope<'_>,
        state: &str,
    ) -> Result<String, ApiError> {
        let mut body = Vec::with_capacity(1 + state.len() + MAC_LEN);
        body.push(SYNC_VERSION);
        body.extend_from_slice(state.as_bytes());
        let mut mac = self.sync_hmac(scope);
        mac.update(&body);
        body.extend_from_slice(&mac.finalize().into_bytes());
        let sealed = URL_SAFE_NO_PAD.encode(body);
        if sealed.len() > MAX_SYNC_STATE_LEN {
            return Err(ApiError::Internal {
                detail: format!(
                    "the backend's sync state is {} bytes; a sealed one carries at most {}",
                    state.len(),
                    MAX_SYNC_STATE_LEN / 4 * 3 - 1 - MAC_LEN
                ),
            });
        }
        Ok(sealed)
    }

    /// The backend's sync state in `sealed`, if this gateway sealed it for `scope`.
    pub(crate) fn open_sync_state(
        &self,
        scope: &SyncScope<'_>,
        sealed: &str,
    ) -> Result<String, ApiError> {
        let invalid = || {
            ApiError::invalid(
                "the sync state is not one this gateway made for this user, table and folder",
            )
        };
        if sealed.len() > MAX_SYNC_STATE_LEN {
            return Err(invalid());
        }
        let body = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| invalid())?;
        if body.len() < 1 + MAC_LEN || body[0] != SYNC_VERSION {
            return Err(invalid());
        }
        let (signed, mac) = body.split_at(body.len() - MAC_LEN);
        let mut check = self.sync_hmac(scope);
        check.update(signed);
        check.verify_slice(mac).map_err(|_| invalid())?;
        String::from_utf8(signed[1..].to_vec()).map_err(|_| invalid())
    }

    fn sync_hmac(&self, scope: &SyncScope<'_>) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.key.as_slice()).expect("HMAC takes any key");
        let folder = format!("{:?}", scope.folder);
        for part in [
            b"sync state".as_slice(),
            scope.data_source.as_bytes(),
            scope.portal_user.as_bytes().as_slice(),
            scope.table.name().as_bytes(),
            folder.as_bytes(),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    fn hmac(&self, scope: &TokenScope<'_>) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.key.as_slice()).expect("HMAC takes any key");
        // Length-prefixed, so no two scopes run together into the same bytes.
        for part in [
            scope.data_source.as_bytes(),
            scope.portal_user.as_bytes().as_slice(),
            &query_digest(scope.query),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    fn mac(&self, scope: &TokenScope<'_>, body: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = self.hmac(scope);
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

/// A digest of what makes a query this query: everything but its page token.
fn query_digest(query: &TableQuery) -> [u8; 32] {
    let mut same = query.clone();
    same.query.page_token = None;
    // `Debug` of these plain data types is deterministic and names every field.
    Sha256::digest(format!("{same:?}").as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use mediagateway_api::tables::{Filter, Query, Table};

    use super::*;

    fn tokens() -> PageTokens {
        PageTokens::new(Zeroizing::new([7; 32]))
    }

    fn query(filter: &str) -> TableQuery {
        let mut query = Query::new(50);
        query.filter = Some(Filter::parse(filter).unwrap());
        TableQuery::new(Table::Contact, query)
    }

    #[test]
    fn a_sync_state_opens_for_its_scope_only_and_never_as_a_page_token() {
        let user = Uuid::new_v4();
        let folder = FolderRef::Id("AQMk1".into());
        let scope = SyncScope {
            data_source: "Exchange",
            portal_user: user,
            table: Table::Contact,
            folder: None,
        };
        let sealed = tokens().seal_sync_state(&scope, "H4sIAAAA==").unwrap();
        assert_eq!(
            tokens().open_sync_state(&scope, &sealed).unwrap(),
            "H4sIAAAA=="
        );
        for other in [
            SyncScope {
                portal_user: Uuid::new_v4(),
                ..scope
            },
            SyncScope {
                data_source: "Other",
                ..scope
            },
            SyncScope {
                table: Table::Task,
                ..scope
            },
            SyncScope {
                folder: Some(&folder),
                ..scope
            },
        ] {
            assert!(
                tokens().open_sync_state(&other, &sealed).is_err(),
                "{other:?}"
            );
        }
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        bytes[3] ^= 1;
        let forged = URL_SAFE_NO_PAD.encode(bytes);
        assert!(tokens().open_sync_state(&scope, &forged).is_err());
        assert!(PageTokens::new(Zeroizing::new([8; 32]))
            .open_sync_state(&scope, &sealed)
            .is_err());
        let query = query(r#"Surname = "Lovelace""#);
        let page = TokenScope {
            data_source: "Exchange",
            portal_user: user,
            query: &query,
        };
        let token = tokens().seal(&page, "o50", Utc::now()).unwrap();
        assert!(tokens().open_sync_state(&scope, &token).is_err());
        assert!(tokens().open(&page, &sealed, Utc::now()).is_err());
    }

    #[test]
    fn a_token_opens_for_its_scope_only() {
        let now = Utc::now();
        let user = Uuid::new_v4();
        let mine = query(r#"Surname = "Lovelace""#);
        let scope = TokenScope {
            data_source: "Exchange",
            portal_user: user,
            query: &mine,
        };
        let token = tokens().seal(&scope, "offset=50", now).unwrap();
        assert_eq!(tokens().open(&scope, &token, now).unwrap(), "offset=50");
        // The same query with a page token in it is the same query.
        let mut continued = mine.clone();
        continued.query.page_token = Some(token.clone());
        let same = TokenScope {
            query: &continued,
            ..scope
        };
        assert_eq!(tokens().open(&same, &token, now).unwrap(), "offset=50");

        let other_query = query(r#"Surname = "Babbage""#);
        let other_user = Uuid::new_v4();
        for (what, other) in [
            (
                "another user",
                TokenScope {
                    portal_user: other_user,
                    ..scope
                },
            ),
            (
                "another data source",
                TokenScope {
                    data_source: "Exchange2",
                    ..scope
                },
            ),
            (
                "another query",
                TokenScope {
                    query: &other_query,
                    ..scope
                },
            ),
        ] {
            let err = tokens().open(&other, &token, now).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidArgument { .. }),
                "{what}: {err}"
            );
        }
        let other_key = PageTokens::new(Zeroizing::new([8; 32]));
        assert!(other_key.open(&scope, &token, now).is_err(), "another key");
    }

    #[test]
    fn forged_truncated_and_expired_tokens_are_refused() {
        let now = Utc::now();
        let mine = query("Surname exists");
        let scope = TokenScope {
            data_source: "Exchange",
            portal_user: Uuid::new_v4(),
            query: &mine,
        };
        let token = tokens().seal(&scope, "offset=50", now).unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        // A changed position: the MAC no longer fits.
        bytes[HEADER_LEN] ^= 1;
        let forged = URL_SAFE_NO_PAD.encode(&bytes);
        for bad in [
            forged.as_str(),
            &token[..token.len() - 4],
            "",
            "not base64 !",
            &"A".repeat(MAX_PAGE_TOKEN_LEN + 4),
        ] {
            let err = tokens().open(&scope, bad, now).unwrap_err();
            assert!(matches!(err, ApiError::InvalidArgument { .. }), "{bad}");
        }
        let late =
            now + chrono::Duration::from_std(MAX_AGE).unwrap() + chrono::Duration::seconds(1);
        let err = tokens().open(&scope, &token, late).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        let early = now - chrono::Duration::seconds(60);
        assert!(
            tokens().open(&scope, &token, early).is_err(),
            "from the future"
        );
        let long = "x".repeat(MAX_POSITION_LEN + 1);
        assert!(tokens().seal(&scope, &long, now).is_err());
        let longest = "x".repeat(MAX_POSITION_LEN);
        let token = tokens().seal(&scope, &longest, now).unwrap();
        assert!(token.len() <= MAX_PAGE_TOKEN_LEN);
        assert_eq!(tokens().open(&scope, &token, now).unwrap(), longest);
    }
}
