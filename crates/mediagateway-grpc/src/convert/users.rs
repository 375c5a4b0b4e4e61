//! The admin area's messages about known users.

use mediagateway_api::{ApiError, KnownUser, UserPage, UserQuery, UserRef};
use uuid::Uuid;

use super::{millis, time};
use crate::proto;

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|t| !t.is_empty())
}

pub(super) fn guid(text: &str, field: &str) -> Result<Uuid, ApiError> {
    Uuid::try_parse(text).map_err(|_| ApiError::invalid(format!("{field} {text:?} is not a GUID")))
}

fn optional_time(
    ms: Option<i64>,
    field: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    ms.map(|ms| time(ms, field)).transpose()
}

impl From<&UserQuery> for proto::UserQuery {
    fn from(query: &UserQuery) -> Self {
        Self {
            data_source: query.data_source.clone(),
            filter: query.filter.clone().unwrap_or_default(),
            offset: query.offset,
            limit: query.limit,
        }
    }
}

impl TryFrom<proto::UserQuery> for UserQuery {
    type Error = ApiError;

    fn try_from(query: proto::UserQuery) -> Result<Self, ApiError> {
        Ok(Self {
            data_source: query.data_source,
            filter: non_empty(query.filter),
            offset: query.offset,
            limit: query.limit,
        })
    }
}

impl From<KnownUser> for proto::KnownUser {
    fn from(user: KnownUser) -> Self {
        Self {
            portal_user: user.portal_user.hyphenated().to_string(),
            user_name: user.user_name.unwrap_or_default(),
            mailbox: user.mailbox.unwrap_or_default(),
            stored: user.stored,
            server_url: user.server_url.unwrap_or_default(),
            created_ms: user.created.map(millis),
            updated_ms: user.updated.map(millis),
            last_used_ms: user.last_used.map(millis),
        }
    }
}

impl TryFrom<proto::KnownUser> for KnownUser {
    type Error = ApiError;

    fn try_from(user: proto::KnownUser) -> Result<Self, ApiError> {
        Ok(Self {
            portal_user: guid(&user.portal_user, "portal user")?,
            user_name: non_empty(user.user_name),
            mailbox: non_empty(user.mailbox),
            stored: user.stored,
            server_url: non_empty(user.server_url),
            created: optional_time(user.created_ms, "created")?,
            updated: optional_time(user.updated_ms, "updated")?,
            last_used: optional_time(user.last_used_ms, "last used")?,
        })
    }
}

impl From<UserPage> for proto::UserPage {
    fn from(page: UserPage) -> Self {
        Self {
            users: page.users.into_iter().map(Into::into).collect(),
            more: page.more,
        }
    }
}

impl TryFrom<proto::UserPage> for UserPage {
    type Error = ApiError;

    fn try_from(page: proto::UserPage) -> Result<Self, ApiError> {
        Ok(Self {
            users: page
                .users
                .into_iter()
                .map(KnownUser::try_from)
                .collect::<Result<_, _>>()?,
            more: page.more,
        })
    }
}

impl From<&UserRef> for proto::UserRef {
    fn from(user: &UserRef) -> Self {
        Self {
            data_source: user.data_source.clone(),
            portal_user: user.portal_user.hyphenated().to_string(),
        }
    }
}

impl TryFrom<proto::UserRef> for UserRef {
    type Error = ApiError;

    fn try_from(user: proto::UserRef) -> Result<Self, ApiError> {
        Ok(Self {
            portal_user: guid(&user.portal_user, "portal user")?,
            data_source: user.data_source,
        })
    }
}

impl From<bool> for proto::ResetUserReply {
    fn from(was_known: bool) -> Self {
        Self { was_known }
    }
}

impl TryFrom<proto::ResetUserReply> for bool {
    type Error = ApiError;

    fn try_from(reply: proto::ResetUserReply) -> Result<Self, ApiError> {
        Ok(reply.was_known)
    }
}

impl From<u32> for proto::ResetAllUsersReply {
    fn from(removed: u32) -> Self {
        Self { removed }
    }
}

impl TryFrom<proto::ResetAllUsersReply> for u32 {
    type Error = ApiError;

    fn try_from(reply: proto::ResetAllUsersReply) -> Result<Self, ApiError> {
        Ok(reply.removed)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn alice() -> KnownUser {
        KnownUser {
            portal_user: Uuid::new_v4(),
            user_name: Some("alice@contoso.test".into()),
            mailbox: Some("alice@contoso.test".into()),
            stored: true,
            server_url: Some("https://mail.contoso.test/EWS/Exchange.asmx".into()),
            created: Some(Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap()),
            updated: Some(Utc.timestamp_millis_opt(0).unwrap()),
            last_used: None,
        }
    }

    #[test]
    fn known_users_survive_the_wire() {
        let kerberos = KnownUser {
            user_name: None,
            stored: false,
            created: None,
            updated: None,
            ..alice()
        };
        let page = UserPage {
            users: vec![alice(), kerberos],
            more: true,
        };
        let wire = proto::UserPage::from(page.clone());
        assert_eq!(
            wire.users[0].updated_ms,
            Some(0),
            "the epoch is a time, not absence"
        );
        assert_eq!(wire.users[1].created_ms, None);
        assert_eq!(UserPage::try_from(wire).unwrap(), page);
    }

    #[test]
    fn a_portal_user_that_is_not_a_guid_is_refused() {
        let user = UserRef::new("Exchange", Uuid::new_v4());
        assert_eq!(
            UserRef::try_from(proto::UserRef::from(&user)).unwrap(),
            user
        );
        for bad in ["", "not-a-guid", "../../etc", &"f".repeat(10_000)] {
            let wire = proto::UserRef {
                data_source: "Exchange".into(),
                portal_user: bad.to_owned(),
            };
            let err = UserRef::try_from(wire).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidArgument { .. }),
                "{bad:?}: {err:?}"
            );
            let known = proto::KnownUser {
                portal_user: bad.to_owned(),
                ..proto::KnownUser::from(alice())
            };
            assert!(KnownUser::try_from(known).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn out_of_range_times_and_an_empty_filter_are_read_as_meant() {
        let wire = proto::KnownUser {
            last_used_ms: Some(i64::MAX),
            ..proto::KnownUser::from(alice())
        };
        assert!(matches!(
            KnownUser::try_from(wire),
            Err(ApiError::InvalidArgument { .. })
        ));
        let query = proto::UserQuery {
            data_source: "Exchange".into(),
            filter: String::new(),
            offset: 3,
            limit: 7,
        };
        let query = UserQuery::try_from(query).unwrap();
        assert_eq!(query.filter, None);
        assert_eq!((query.offset, query.limit), (3, 7));
    }
}
