//! Conversions between the generated protobuf messages and the domain types.
//!
//! Decoding checks what protobuf cannot: required messages are present, GUIDs and times are
//! valid, strings stay within limits.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::proto;
use crate::types::{
    Appointment, Authentication, DataSourceConfig, ExchangeVersion, GatewayPassword,
    NewAppointment, ServiceAccount, UserCall,
};
use crate::TransportError;

fn invalid(what: impl Into<String>) -> TransportError {
    TransportError::InvalidArgument { what: what.into() }
}

/// The domain value of a field that must be present.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, TransportError> {
    value.ok_or_else(|| invalid(format!("{field} is missing")))
}

pub(crate) fn time(ms: i64, field: &str) -> Result<DateTime<Utc>, TransportError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| invalid(format!("{field} is out of range")))
}

pub(crate) fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(crate) fn password(password: String) -> GatewayPassword {
    GatewayPassword::new(SecretString::from(password))
}

pub(crate) fn expose(password: &GatewayPassword) -> String {
    password.secret().expose_secret().to_owned()
}

pub(crate) fn admin_context(password: &GatewayPassword) -> Option<proto::AdminContext> {
    Some(proto::AdminContext {
        gateway_password: expose(password),
    })
}

pub(crate) fn admin_password(
    context: Option<proto::AdminContext>,
) -> Result<GatewayPassword, TransportError> {
    Ok(password(required(context, "context")?.gateway_password))
}

pub(crate) fn user_context(call: &UserCall) -> Option<proto::UserContext> {
    Some(proto::UserContext {
        gateway_password: expose(&call.password),
        data_source: call.data_source.clone(),
        portal_user: call.portal_user.hyphenated().to_string(),
    })
}

pub(crate) fn user_call(context: Option<proto::UserContext>) -> Result<UserCall, TransportError> {
    let context = required(context, "context")?;
    let portal_user = Uuid::try_parse(&context.portal_user).map_err(|_| {
        invalid(format!(
            "portal user {:?} is not a GUID",
            context.portal_user
        ))
    })?;
    Ok(UserCall {
        password: password(context.gateway_password),
        data_source: context.data_source,
        portal_user,
    })
}

pub(crate) fn config_to_proto(config: &DataSourceConfig) -> proto::DataSourceConfig {
    proto::DataSourceConfig {
        name: config.name.clone(),
        exchange_version: match config.exchange_version {
            ExchangeVersion::Exchange2007 => proto::ExchangeVersion::ExchangeVersion2007,
            ExchangeVersion::Exchange2010To2019 => {
                proto::ExchangeVersion::ExchangeVersion2010To2019
            }
        } as i32,
        authentication: match config.authentication {
            Authentication::UserNamePassword => proto::Authentication::UserNamePassword,
        } as i32,
        service_account: Some(proto::ServiceAccount {
            user_name: config.service_account.user_name.clone(),
            password: config.service_account.password.expose_secret().to_owned(),
            ews_url: config.service_account.ews_url.clone(),
        }),
        session_based: config.session_based,
        time_zone: config.time_zone.clone(),
    }
}

pub(crate) fn config_from_proto(
    config: proto::DataSourceConfig,
) -> Result<DataSourceConfig, TransportError> {
    let exchange_version = match proto::ExchangeVersion::try_from(config.exchange_version) {
        Ok(proto::ExchangeVersion::ExchangeVersion2007) => ExchangeVersion::Exchange2007,
        Ok(proto::ExchangeVersion::ExchangeVersion2010To2019) => {
            ExchangeVersion::Exchange2010To2019
        }
        _ => return Err(invalid("the Exchange version is missing or unknown")),
    };
    let authentication = match proto::Authentication::try_from(config.authentication) {
        Ok(proto::Authentication::UserNamePassword) => Authentication::UserNamePassword,
        _ => return Err(invalid("the authentication type is missing or unknown")),
    };
    let account = required(config.service_account, "service account")?;
    Ok(DataSourceConfig {
        name: config.name,
        exchange_version,
        authentication,
        service_account: ServiceAccount {
            user_name: account.user_name,
            password: SecretString::from(account.password),
            ews_url: account.ews_url,
        },
        session_based: config.session_based,
        time_zone: config.time_zone,
    })
}

pub(crate) fn appointment_to_proto(appointment: Appointment) -> proto::Appointment {
    proto::Appointment {
        id: appointment.id,
        change_key: appointment.change_key,
        subject: appointment.subject,
        start_ms: millis(appointment.start),
        end_ms: millis(appointment.end),
        is_all_day: appointment.is_all_day,
        location: appointment.location,
        body: appointment.body,
        organizer: appointment.organizer,
    }
}

pub(crate) fn appointment_from_proto(
    appointment: proto::Appointment,
) -> Result<Appointment, TransportError> {
    Ok(Appointment {
        start: time(appointment.start_ms, "start")?,
        end: time(appointment.end_ms, "end")?,
        id: appointment.id,
        change_key: appointment.change_key,
        subject: appointment.subject,
        is_all_day: appointment.is_all_day,
        location: appointment.location,
        body: appointment.body,
        organizer: appointment.organizer,
    })
}

pub(crate) fn new_appointment_to_proto(appointment: &NewAppointment) -> proto::NewAppointment {
    proto::NewAppointment {
        subject: appointment.subject.clone(),
        start_ms: millis(appointment.start),
        end_ms: millis(appointment.end),
        is_all_day: appointment.is_all_day,
        location: appointment.location.clone(),
        body: appointment.body.clone(),
    }
}

pub(crate) fn new_appointment_from_proto(
    appointment: proto::NewAppointment,
) -> Result<NewAppointment, TransportError> {
    Ok(NewAppointment {
        start: time(appointment.start_ms, "start")?,
        end: time(appointment.end_ms, "end")?,
        subject: appointment.subject,
        is_all_day: appointment.is_all_day,
        location: appointment.location,
        body: appointment.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_broken_context_is_an_invalid_argument() {
        assert!(matches!(
            user_call(None),
            Err(TransportError::InvalidArgument { .. })
        ));
        let context = proto::UserContext {
            gateway_password: "1234".into(),
            data_source: "Mail".into(),
            portal_user: "not-a-guid".into(),
        };
        let err = user_call(Some(context)).unwrap_err();
        assert!(err.to_string().contains("not a GUID"), "{err}");
        assert!(admin_password(None).is_err());
    }

    #[test]
    fn out_of_range_times_are_refused() {
        assert!(time(i64::MAX, "start").is_err());
        assert!(time(i64::MIN, "end").is_err());
        assert_eq!(time(0, "start").unwrap().timestamp(), 0);
    }

    #[test]
    fn unknown_enum_values_are_refused() {
        let config = proto::DataSourceConfig {
            exchange_version: 99,
            authentication: 1,
            service_account: Some(proto::ServiceAccount::default()),
            ..Default::default()
        };
        assert!(config_from_proto(config).is_err());
        let config = proto::DataSourceConfig {
            exchange_version: 2,
            authentication: 0,
            service_account: Some(proto::ServiceAccount::default()),
            ..Default::default()
        };
        assert!(config_from_proto(config).is_err());
        let config = proto::DataSourceConfig {
            exchange_version: 2,
            authentication: 1,
            service_account: None,
            ..Default::default()
        };
        assert!(config_from_proto(config).is_err());
    }
}
