//! The calendar area's messages.

use mediagateway_api::{ApiError, Appointment, NewAppointment, TimeWindow};

use super::{millis, time};
use crate::proto;

impl From<&TimeWindow> for proto::TimeWindow {
    fn from(window: &TimeWindow) -> Self {
        Self {
            start_ms: millis(window.start()),
            end_ms: millis(window.end()),
        }
    }
}

impl TryFrom<proto::TimeWindow> for TimeWindow {
    type Error = ApiError;

    fn try_from(window: proto::TimeWindow) -> Result<Self, ApiError> {
        TimeWindow::new(time(window.start_ms, "start")?, time(window.end_ms, "end")?)
    }
}

impl From<Appointment> for proto::Appointment {
    fn from(appointment: Appointment) -> Self {
        Self {
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
}

impl TryFrom<proto::Appointment> for Appointment {
    type Error = ApiError;

    fn try_from(appointment: proto::Appointment) -> Result<Self, ApiError> {
        Ok(Self {
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
}

impl From<Vec<Appointment>> for proto::FindAppointmentsReply {
    fn from(appointments: Vec<Appointment>) -> Self {
        Self {
            appointments: appointments.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::FindAppointmentsReply> for Vec<Appointment> {
    type Error = ApiError;

    fn try_from(reply: proto::FindAppointmentsReply) -> Result<Self, ApiError> {
        reply
            .appointments
            .into_iter()
            .map(Appointment::try_from)
            .collect()
    }
}

impl From<&NewAppointment> for proto::NewAppointment {
    fn from(appointment: &NewAppointment) -> Self {
        Self {
            subject: appointment.subject.clone(),
            start_ms: millis(appointment.start),
            end_ms: millis(appointment.end),
            is_all_day: appointment.is_all_day,
            location: appointment.location.clone(),
            body: appointment.body.clone(),
        }
    }
}

impl TryFrom<proto::NewAppointment> for NewAppointment {
    type Error = ApiError;

    fn try_from(appointment: proto::NewAppointment) -> Result<Self, ApiError> {
        Ok(Self {
            start: time(appointment.start_ms, "start")?,
            end: time(appointment.end_ms, "end")?,
            subject: appointment.subject,
            is_all_day: appointment.is_all_day,
            location: appointment.location,
            body: appointment.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_from_the_wire_is_checked() {
        let window = proto::TimeWindow {
            start_ms: 10,
            end_ms: 5,
        };
        assert!(matches!(
            TimeWindow::try_from(window),
            Err(ApiError::InvalidArgument { .. })
        ));
        let window = proto::TimeWindow {
            start_ms: 0,
            end_ms: i64::MAX,
        };
        assert!(TimeWindow::try_from(window).is_err());
    }
}
