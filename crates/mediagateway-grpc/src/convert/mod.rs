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
mod sessions;

use chrono::{DateTime, Utc};
use mediagateway_api::{AdminCall, ApiError, GatewayPassword, UserCall};
use secrecy::{ExposeSecret, SecretString};
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

fn password(password: String) -> GatewayPassword {
    GatewayPassword::new(SecretString::from(password))
}

fn expose(password: &GatewayPassword) -> String {
    password.secret().expose_secret().to_owned()
}

impl From<&AdminCall> for proto::AdminContext {
    fn from(call: &AdminCall) -> Self {
        Self {
            gateway_password: expose(&call.password),
        }
    }
}

impl TryFrom<proto::AdminContext> for AdminCall {
    type Error = ApiError;

    fn try_from(context: proto::AdminContext) -> Result<Self, ApiError> {
        Ok(Self::new(password(context.gateway_password)))
    }
}

impl From<&UserCall> for proto::UserContext {
    fn from(call: &UserCall) -> Self {
        Self {
            gateway_password: expose(&call.password),
            data_source: call.data_source.clone(),
            portal_user: call.portal_user.hyphenated().to_string(),
        }
    }
}

impl TryFrom<proto::UserContext> for UserCall {
    type Error = ApiError;

    fn try_from(context: proto::UserContext) -> Result<Self, ApiError> {
        let portal_user = Uuid::try_parse(&context.portal_user).map_err(|_| {
            ApiError::invalid(format!(
                "portal user {:?} is not a GUID",
                context.portal_user
            ))
        })?;
        Ok(Self {
            password: password(context.gateway_password),
            data_source: context.data_source,
            portal_user,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_broken_context_is_an_invalid_argument() {
        let err = UserCall::from_wire(None::<proto::UserContext>, "context").unwrap_err();
        assert!(err.to_string().contains("context is missing"), "{err}");
        let context = proto::UserContext {
            gateway_password: "1234".into(),
            data_source: "Mail".into(),
            portal_user: "not-a-guid".into(),
        };
        let err = UserCall::try_from(context).unwrap_err();
        assert!(err.to_string().contains("not a GUID"), "{err}");
        assert!(AdminCall::from_wire(None::<proto::AdminContext>, "context").is_err());
    }

    #[test]
    fn out_of_range_times_are_refused() {
        assert!(time(i64::MAX, "start").is_err());
        assert!(time(i64::MIN, "end").is_err());
        assert_eq!(time(0, "start").unwrap().timestamp(), 0);
    }

    #[test]
    fn a_user_call_survives_the_wire() {
        let call = UserCall {
            password: GatewayPassword::from("pw"),
            data_source: "Exchange".into(),
            portal_user: Uuid::new_v4(),
        };
        let back = UserCall::try_from(proto::UserContext::from(&call)).unwrap();
        assert_eq!(back.portal_user, call.portal_user);
        assert_eq!(back.data_source, call.data_source);
        assert_eq!(back.password.secret().expose_secret(), "pw");
    }
}
