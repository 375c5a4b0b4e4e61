//! Conversions between the generated protobuf messages and the API's types, by area.
//!
//! Domain values become messages with `From`; messages become domain values with `TryFrom`,
//! which checks what protobuf cannot: required messages are present, GUIDs, times and enum
//! values are valid. [`ToWire`] and [`FromWire`] fit those conversions to the shape of a
//! message field (a message field is an `Option`, a string is a `String`), so the client and
//! server derived from the API's tables need no code per operation.

/// `From` and `TryFrom` between a domain type and its message when every field travels as it
/// is.
macro_rules! same_fields {
    ($($domain:ty => $message:ty { $($field:ident),+ })+) => {$(
        impl From<$domain> for $message {
            fn from(value: $domain) -> Self {
                Self { $($field: value.$field),+ }
            }
        }

        impl TryFrom<$message> for $domain {
            type Error = ApiError;

            fn try_from(value: $message) -> Result<Self, ApiError> {
                Ok(Self { $($field: value.$field),+ })
            }
        }
    )+};
}

mod admin;
mod calendar;
mod directory;
mod filter;
mod records;
mod requests;
mod sessions;
mod static_users;
mod tables;
mod users;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use mediagateway_api::{
    AdminCall, ApiError, Credential, GatewayPassword, PortalCall, PortalKey, UserCall,
};
use secrecy::{ExposeSecret, SecretString};
use tonic::metadata::{MetadataMap, MetadataValue};
use uuid::Uuid;

use crate::proto;

/// A request argument as the field of a message that carries it.
pub(crate) trait ToWire<W> {
    fn to_wire(&self) -> W;
}

impl<T, P> ToWire<Option<P>> for T
where
    for<'a> P: From<&'a T>,
{
    fn to_wire(&self) -> Option<P> {
        Some(P::from(self))
    }
}

impl ToWire<String> for str {
    fn to_wire(&self) -> String {
        self.to_owned()
    }
}

/// A request argument read from the field of a message that carries it.
pub(crate) trait FromWire<W>: Sized {
    fn from_wire(wire: W, field: &str) -> Result<Self, ApiError>;
}

impl<T, P> FromWire<Option<P>> for T
where
    T: TryFrom<P, Error = ApiError>,
{
    fn from_wire(wire: Option<P>, field: &str) -> Result<Self, ApiError> {
        wire.ok_or_else(|| ApiError::invalid(format!("{field} is missing")))
            .and_then(T::try_from)
    }
}

impl FromWire<String> for String {
    fn from_wire(wire: String, _field: &str) -> Result<Self, ApiError> {
        Ok(wire)
    }
}

pub(crate) fn time(ms: i64, field: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| ApiError::invalid(format!("{field} is out of range")))
}

pub(crate) fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

/// The metadata key of the gateway password (the admin role), sent as UTF-8 bytes.
pub(crate) const GATEWAY_PASSWORD_KEY: &str = "mg-gateway-password-bin";
/// The metadata key of a portal key (the portal role).
pub(crate) const PORTAL_KEY_KEY: &str = "mg-portal-key-bin";
/// The longest gateway password read from metadata, in bytes.
const MAX_PASSWORD_BYTES: usize = 1024;

/// Puts a call's credential into its request's metadata.
pub(crate) fn attach_credential(metadata: &mut MetadataMap, credential: &Credential) {
    let (key, secret) = match credential {
        Credential::None => return,
        Credential::GatewayPassword(password) => (GATEWAY_PASSWORD_KEY, password.secret()),
        Credential::PortalKey(key) => (PORTAL_KEY_KEY, key.secret()),
    };
    let value = MetadataValue::from_bytes(secret.expose_secret().as_bytes());
    metadata.insert_bin(key, value);
}

/// The credential in a request's metadata: at most one, of bounded length, in UTF-8.
pub(crate) fn credential_from(metadata: &MetadataMap) -> Result<Credential, ApiError> {
    let read = |key: &str, max: usize| -> Result<Option<SecretString>, ApiError> {
        let Some(value) = metadata.get_bin(key) else {
            return Ok(None);
        };
        let bytes = value
            .to_bytes()
            .map_err(|_| ApiError::invalid(format!("{key} is not valid base64")))?;
        if bytes.len() > max {
            return Err(ApiError::invalid(format!(
                "{key} is longer than {max} bytes"
            )));
        }
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::invalid(format!("{key} is not UTF-8")))?;
        Ok(Some(SecretString::from(text)))
    };
    let password = read(GATEWAY_PASSWORD_KEY, MAX_PASSWORD_BYTES)?;
    let key = read(PORTAL_KEY_KEY, PortalKey::MAX_LEN)?;
    match (password, key) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "a call carries one credential: the gateway password or a portal key",
        )),
        (Some(password), None) => Ok(Credential::GatewayPassword(GatewayPassword::new(password))),
        (None, Some(key)) => Ok(Credential::PortalKey(PortalKey::new(key))),
        (None, None) => Ok(Credential::None),
    }
}

/// A call context as a request carries it: a context message, the credential from the
/// request's metadata, and the peer address the server saw.
pub(crate) trait CallContext<C>: Sized {
    /// The call of a request.
    fn from_request(
        context: Option<C>,
        credential: Credential,
        peer: Option<IpAddr>,
    ) -> Result<Self, ApiError>;

    /// The credential to send.
    fn credential(&self) -> &Credential;
}

impl From<&AdminCall> for proto::AdminContext {
    fn from(_: &AdminCall) -> Self {
        Self {}
    }
}

impl CallContext<proto::AdminContext> for AdminCall {
    fn from_request(
        _context: Option<proto::AdminContext>,
        credential: Credential,
        peer: Option<IpAddr>,
    ) -> Result<Self, ApiError> {
        Ok(Self::with_credential(credential).from_peer(peer))
    }

    fn credential(&self) -> &Credential {
        &self.credential
    }
}

impl From<&UserCall> for proto::UserContext {
    fn from(call: &UserCall) -> Self {
        Self {
            data_source: call.data_source.clone(),
            portal_user: call.portal_user.hyphenated().to_string(),
            act_as: static_users::wire_act_as(&call.act_as),
        }
    }
}

impl CallContext<proto::UserContext> for UserCall {
    fn from_request(
        context: Option<proto::UserContext>,
        credential: Credential,
        peer: Option<IpAddr>,
    ) -> Result<Self, ApiError> {
        let context = context.ok_or_else(|| ApiError::invalid("context is missing"))?;
        let portal_user = Uuid::try_parse(&context.portal_user).map_err(|_| {
            ApiError::invalid(format!(
                "portal user {:?} is not a GUID",
                context.portal_user
            ))
        })?;
        let act_as = static_users::act_as(context.act_as)?;
        Ok(
            Self::with_credential(credential, context.data_source, portal_user)
                .from_peer(peer)
                .acting_as(act_as),
        )
    }

    fn credential(&self) -> &Credential {
        &self.credential
    }
}

impl From<&PortalCall> for proto::PortalContext {
    fn from(call: &PortalCall) -> Self {
        Self {
            data_source: call.data_source.clone(),
        }
    }
}

impl CallContext<proto::PortalContext> for PortalCall {
    fn from_request(
        context: Option<proto::PortalContext>,
        credential: Credential,
        peer: Option<IpAddr>,
    ) -> Result<Self, ApiError> {
        let context = context.ok_or_else(|| ApiError::invalid("context is missing"))?;
        Ok(Self::with_credential(credential, context.data_source).from_peer(peer))
    }

    fn credential(&self) -> &Credential {
        &self.credential
    }
}

impl From<()> for proto::Empty {
    fn from((): ()) -> Self {
        Self {}
    }
}

impl TryFrom<proto::Empty> for () {
    type Error = ApiError;

    fn try_from(_: proto::Empty) -> Result<Self, ApiError> {
        Ok(())
    }
}

/// `value` to its message, to bytes and back, as it travels.
#[cfg(test)]
pub(crate) fn through_wire<T, P>(value: &T) -> Result<T, ApiError>
where
    P: for<'a> From<&'a T> + prost::Message + Default,
    T: TryFrom<P, Error = ApiError>,
{
    let bytes = prost::Message::encode_to_vec(&P::from(value));
    T::try_from(P::decode(bytes.as_slice()).expect("a message encoded here decodes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_broken_user_context_is_an_invalid_argument() {
        let err = UserCall::from_request(None, Credential::None, None).unwrap_err();
        assert!(err.to_string().contains("context is missing"), "{err}");
        let context = proto::UserContext {
            data_source: "Mail".into(),
            portal_user: "not-a-guid".into(),
            act_as: None,
        };
        let err = UserCall::from_request(Some(context), Credential::None, None).unwrap_err();
        assert!(err.to_string().contains("not a GUID"), "{err}");
    }

    #[test]
    fn credentials_travel_in_metadata() {
        for credential in [
            Credential::GatewayPassword(GatewayPassword::from("pässword 1")),
            Credential::PortalKey(PortalKey::from("mgk1.abc")),
            Credential::None,
        ] {
            let mut metadata = MetadataMap::new();
            attach_credential(&mut metadata, &credential);
            let back = credential_from(&metadata).unwrap();
            assert_eq!(format!("{back:?}"), format!("{credential:?}"));
            let secret = |c: &Credential| match c {
                Credential::None => String::new(),
                Credential::GatewayPassword(p) => p.secret().expose_secret().to_owned(),
                Credential::PortalKey(k) => k.secret().expose_secret().to_owned(),
            };
            assert_eq!(secret(&back), secret(&credential));
        }
    }

    #[test]
    fn two_oversized_or_garbled_credentials_are_refused() {
        let mut both = MetadataMap::new();
        attach_credential(&mut both, &Credential::GatewayPassword("a".into()));
        attach_credential(&mut both, &Credential::PortalKey("b".into()));
        assert!(matches!(
            credential_from(&both),
            Err(ApiError::InvalidArgument { .. })
        ));
        let mut long = MetadataMap::new();
        let key = "k".repeat(PortalKey::MAX_LEN + 1);
        attach_credential(&mut long, &Credential::PortalKey(key.as_str().into()));
        assert!(credential_from(&long).is_err());
        let mut not_utf8 = MetadataMap::new();
        not_utf8.insert_bin(PORTAL_KEY_KEY, MetadataValue::from_bytes(&[0xff, 0xfe]));
        assert!(credential_from(&not_utf8).is_err());
    }

    #[test]
    fn out_of_range_times_are_refused() {
        assert!(time(i64::MAX, "start").is_err());
        assert!(time(i64::MIN, "end").is_err());
        assert_eq!(time(0, "start").unwrap().timestamp(), 0);
    }

    #[test]
    fn a_user_call_survives_the_wire() {
        let call = UserCall::new(PortalKey::from("mgk1.k"), "Exchange", Uuid::new_v4());
        let context = proto::UserContext::from(&call);
        let back = UserCall::from_request(Some(context), call.credential.clone(), None).unwrap();
        assert_eq!(back.portal_user, call.portal_user);
        assert_eq!(back.data_source, call.data_source);
    }
}
