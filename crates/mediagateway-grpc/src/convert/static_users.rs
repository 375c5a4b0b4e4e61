//! Static users (the admin's "additional users") and the user switch of user calls.

use mediagateway_api::{ActAs, ApiError, StaticUser, StaticUserInfo, StaticUserRef};
use secrecy::{ExposeSecret as _, SecretString};
use uuid::Uuid;

use super::users::guid;
use crate::proto;

/// An optional GUID as the wire carries it: its hyphenated text, or empty.
fn optional_guid(text: &str, field: &str) -> Result<Option<Uuid>, ApiError> {
    (!text.is_empty()).then(|| guid(text, field)).transpose()
}

fn guid_text(guid: Option<Uuid>) -> String {
    guid.map(|g| g.hyphenated().to_string()).unwrap_or_default()
}

impl From<&StaticUser> for proto::StaticUser {
    fn from(user: &StaticUser) -> Self {
        Self {
            data_source: user.data_source.clone(),
            name: user.name.clone(),
            portal_user: guid_text(user.portal_user),
            user_name: user.user_name.clone(),
            password: user.password.expose_secret().to_owned(),
            mailbox: user.mailbox.clone().unwrap_or_default(),
            server_url: user.server_url.clone().unwrap_or_default(),
        }
    }
}

impl TryFrom<proto::StaticUser> for StaticUser {
    type Error = ApiError;

    fn try_from(user: proto::StaticUser) -> Result<Self, ApiError> {
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        Ok(Self {
            portal_user: optional_guid(&user.portal_user, "portal user")?,
            data_source: user.data_source,
            name: user.name,
            user_name: user.user_name,
            password: SecretString::from(user.password),
            mailbox: non_empty(user.mailbox),
            server_url: non_empty(user.server_url),
        })
    }
}

impl From<&StaticUserInfo> for proto::StaticUserInfo {
    fn from(user: &StaticUserInfo) -> Self {
        Self {
            name: user.name.clone(),
            portal_user: guid_text(user.portal_user),
            user_name: user.user_name.clone(),
            mailbox: user.mailbox.clone(),
            server_url: user.server_url.clone(),
        }
    }
}

impl TryFrom<proto::StaticUserInfo> for StaticUserInfo {
    type Error = ApiError;

    fn try_from(user: proto::StaticUserInfo) -> Result<Self, ApiError> {
        Ok(Self {
            portal_user: optional_guid(&user.portal_user, "portal user")?,
            name: user.name,
            user_name: user.user_name,
            mailbox: user.mailbox,
            server_url: user.server_url,
        })
    }
}

impl From<Vec<StaticUserInfo>> for proto::StaticUserList {
    fn from(users: Vec<StaticUserInfo>) -> Self {
        Self {
            users: users.iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::StaticUserList> for Vec<StaticUserInfo> {
    type Error = ApiError;

    fn try_from(list: proto::StaticUserList) -> Result<Self, ApiError> {
        list.users.into_iter().map(TryInto::try_into).collect()
    }
}

impl From<&StaticUserRef> for proto::StaticUserRef {
    fn from(user: &StaticUserRef) -> Self {
        Self {
            data_source: user.data_source.clone(),
            name: user.name.clone(),
        }
    }
}

impl TryFrom<proto::StaticUserRef> for StaticUserRef {
    type Error = ApiError;

    fn try_from(user: proto::StaticUserRef) -> Result<Self, ApiError> {
        Ok(Self {
            data_source: user.data_source,
            name: user.name,
        })
    }
}

impl From<bool> for proto::RemoveStaticUserReply {
    fn from(was_known: bool) -> Self {
        Self { was_known }
    }
}

impl TryFrom<proto::RemoveStaticUserReply> for bool {
    type Error = ApiError;

    fn try_from(reply: proto::RemoveStaticUserReply) -> Result<Self, ApiError> {
        Ok(reply.was_known)
    }
}

/// The user switch of a call, as its context carries it.
pub(super) fn wire_act_as(act_as: &ActAs) -> Option<proto::user_context::ActAs> {
    use proto::user_context::ActAs as Wire;
    match act_as {
        ActAs::Own => None,
        ActAs::StaticUser(name) => Some(Wire::StaticUser(name.clone())),
        ActAs::MappedUser(user) => Some(Wire::MappedUser(user.hyphenated().to_string())),
    }
}

/// The user switch of a call's context.
pub(super) fn act_as(wire: Option<proto::user_context::ActAs>) -> Result<ActAs, ApiError> {
    use proto::user_context::ActAs as Wire;
    Ok(match wire {
        None => ActAs::Own,
        Some(Wire::StaticUser(name)) => ActAs::StaticUser(name),
        Some(Wire::MappedUser(user)) => ActAs::MappedUser(guid(&user, "mapped user")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::through_wire;

    #[test]
    fn static_users_survive_the_wire() {
        let user = StaticUser {
            data_source: "Exchange".into(),
            name: "Sales".into(),
            portal_user: Some(Uuid::new_v4()),
            user_name: "sales@contoso.test".into(),
            password: SecretString::from("pw"),
            mailbox: None,
            server_url: Some("https://mail.contoso.test/EWS/Exchange.asmx".into()),
        };
        let back: StaticUser = through_wire::<_, proto::StaticUser>(&user).unwrap();
        assert_eq!(back.portal_user, user.portal_user);
        assert_eq!(back.password.expose_secret(), "pw");
        assert_eq!(
            (back.mailbox, back.server_url),
            (None, user.server_url.clone())
        );
        let info = StaticUserInfo {
            name: "Sales".into(),
            portal_user: None,
            user_name: "sales".into(),
            mailbox: "sales@contoso.test".into(),
            server_url: "https://mail.contoso.test/EWS/Exchange.asmx".into(),
        };
        assert_eq!(
            through_wire::<_, proto::StaticUserInfo>(&info).unwrap(),
            info
        );
        for switch in [
            ActAs::Own,
            ActAs::StaticUser("Sales".into()),
            ActAs::MappedUser(Uuid::new_v4()),
        ] {
            assert_eq!(act_as(wire_act_as(&switch)).unwrap(), switch);
        }
        let broken = proto::user_context::ActAs::MappedUser("not-a-guid".into());
        let err = act_as(Some(broken)).unwrap_err();
        assert!(err.to_string().contains("mapped user"), "{err}");
        let mut wire = proto::StaticUser::from(&user);
        wire.portal_user = "nope".into();
        assert!(StaticUser::try_from(wire).is_err());
    }
}
