//! The calendar area's messages.

use mediagateway_api::{
    ApiError, Appointment, AttachmentInfo, FileAttachment, NewAppointment, NewFileAttachment,
    TimeWindow,
};

use super::{millis, time, FromWire};
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

impl From<AttachmentInfo> for proto::AttachmentInfo {
    fn from(info: AttachmentInfo) -> Self {
        Self {
            id: info.id,
            name: info.name,
            content_type: info.content_type,
            size: info.size,
            is_inline: info.is_inline,
            last_modified_ms: info.last_modified.map(millis),
            is_file: info.is_file,
        }
    }
}

impl TryFrom<proto::AttachmentInfo> for AttachmentInfo {
    type Error = ApiError;

    fn try_from(info: proto::AttachmentInfo) -> Result<Self, ApiError> {
        Ok(Self {
            last_modified: info
                .last_modified_ms
                .map(|ms| time(ms, "last modified"))
                .transpose()?,
            id: info.id,
            name: info.name,
            content_type: info.content_type,
            size: info.size,
            is_inline: info.is_inline,
            is_file: info.is_file,
        })
    }
}

impl From<Vec<AttachmentInfo>> for proto::AttachmentList {
    fn from(attachments: Vec<AttachmentInfo>) -> Self {
        Self {
            attachments: attachments.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::AttachmentList> for Vec<AttachmentInfo> {
    type Error = ApiError;

    fn try_from(list: proto::AttachmentList) -> Result<Self, ApiError> {
        list.attachments
            .into_iter()
            .map(AttachmentInfo::try_from)
            .collect()
    }
}

impl From<FileAttachment> for proto::FileAttachment {
    fn from(attachment: FileAttachment) -> Self {
        Self {
            info: Some(attachment.info.into()),
            content: attachment.content,
        }
    }
}

impl TryFrom<proto::FileAttachment> for FileAttachment {
    type Error = ApiError;

    fn try_from(attachment: proto::FileAttachment) -> Result<Self, ApiError> {
        Ok(Self {
            info: AttachmentInfo::from_wire(attachment.info, "the attachment's info")?,
            content: attachment.content,
        })
    }
}

impl From<&NewFileAttachment> for proto::NewFileAttachment {
    fn from(attachment: &NewFileAttachment) -> Self {
        Self {
            item_id: attachment.item_id.clone(),
            name: attachment.name.clone(),
            content_type: attachment.content_type.clone(),
            content: attachment.content.clone(),
        }
    }
}

impl TryFrom<proto::NewFileAttachment> for NewFileAttachment {
    type Error = ApiError;

    fn try_from(attachment: proto::NewFileAttachment) -> Result<Self, ApiError> {
        Ok(Self {
            item_id: attachment.item_id,
            name: attachment.name,
            content_type: attachment.content_type,
            content: attachment.content,
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
