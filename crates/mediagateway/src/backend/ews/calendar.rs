//! The calendar area over EWS.

use async_trait::async_trait;
use exchange_ews::attachments::{
    Attachment, AttachmentShape, AttachmentSummary, CreateAttachment, DeleteAttachment,
    GetAttachment, NewAttachment, NewFileAttachment as EwsNewFile,
};
use exchange_ews::calendar::{
    CalendarItem, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
use exchange_ews::items::{Body, DeleteType};
use exchange_ews::{EwsError, ItemId};
use mediagateway_api::{
    ApiError, Appointment, AttachmentInfo, FileAttachment, NewAppointment, NewFileAttachment,
    TimeWindow,
};

use super::errors::{map_error, map_item_error};
use super::{calendar_folder, EwsBackend};
use crate::backend::{CalendarBackend, MailboxAccess};

#[async_trait]
impl CalendarBackend for EwsBackend {
    async fn find_appointments(
        &self,
        access: &MailboxAccess,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, ApiError> {
        let view = self
            .client(access)?
            .find_calendar_items(&calendar_folder(), window.start(), window.end(), None)
            .await
            .map_err(map_error)?;
        Ok(view.items.into_iter().map(appointment).collect())
    }

    async fn get_appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<Appointment, ApiError> {
        let item = self
            .client(access)?
            .get_calendar_item(&ItemId::new(id))
            .await
            .map_err(|e| map_item_error(e, id))?;
        Ok(appointment(item))
    }

    async fn create_appointment(
        &self,
        access: &MailboxAccess,
        new: &NewAppointment,
    ) -> Result<Appointment, ApiError> {
        let item = NewCalendarItem {
            subject: new.subject.clone(),
            start: new.start,
            end: new.end,
            is_all_day: new.is_all_day,
            location: new.location.clone(),
            body: new.body.clone().map(Body::text),
            ..Default::default()
        };
        let id = self
            .client(access)?
            .create_calendar_item(
                &calendar_folder(),
                &item,
                SendMeetingInvitations::SendToNone,
            )
            .await
            .map_err(map_error)?;
        Ok(new.stored_as(id.id, id.change_key.unwrap_or_default(), &access.mailbox))
    }

    async fn delete_appointment(&self, access: &MailboxAccess, id: &str) -> Result<(), ApiError> {
        self.client(access)?
            .delete_item(
                &ItemId::new(id),
                DeleteType::HardDelete,
                SendMeetingCancellations::SendToNone,
            )
            .await
            .map_err(|e| map_item_error(e, id))
    }

    async fn list_attachments(
        &self,
        access: &MailboxAccess,
        item_id: &str,
    ) -> Result<Vec<AttachmentInfo>, ApiError> {
        let item = self
            .client(access)?
            .get_calendar_item(&ItemId::new(item_id))
            .await
            .map_err(|e| map_item_error(e, item_id))?;
        Ok(item
            .attachments
            .into_iter()
            .filter_map(summary_info)
            .collect())
    }

    async fn get_attachment(
        &self,
        access: &MailboxAccess,
        attachment_id: &str,
        max_bytes: usize,
    ) -> Result<FileAttachment, ApiError> {
        // EWS sends the content with the attachment, in base64: an answer longer than the
        // largest content allowed would make is cut off unread.
        let request =
            GetAttachment::new(vec![attachment_id.to_owned()], AttachmentShape::default())
                .map_err(map_error)?;
        let answers = self
            .client(access)?
            .with_response_limit(answer_limit(max_bytes))
            .execute(&request)
            .await
            .map_err(|e| match e {
                EwsError::ResponseTooLarge { .. } => ApiError::LimitExceeded {
                    what: format!(
                        "an attachment of at most {max_bytes} bytes (this one's answer is larger, \
                         so it was not read)"
                    ),
                },
                e => map_item_error(e, attachment_id),
            })?;
        match only(answers, attachment_id)? {
            Attachment::File {
                id,
                name,
                content_type,
                size,
                last_modified,
                is_inline,
                content,
                ..
            } => {
                let content = content.unwrap_or_default();
                Ok(FileAttachment {
                    info: AttachmentInfo {
                        id,
                        name: name.unwrap_or_default(),
                        content_type,
                        size: size.or(u64::try_from(content.len()).ok()),
                        is_inline,
                        last_modified,
                        is_file: true,
                    },
                    content,
                })
            }
            _ => Err(ApiError::invalid(format!(
                "attachment {attachment_id:?} is an attached item, not a file"
            ))),
        }
    }

    async fn add_attachment(
        &self,
        access: &MailboxAccess,
        attachment: &NewFileAttachment,
    ) -> Result<AttachmentInfo, ApiError> {
        let file = EwsNewFile {
            name: attachment.name.clone(),
            content_type: attachment.content_type.clone(),
            content: attachment.content.clone(),
            ..EwsNewFile::default()
        };
        let request = CreateAttachment::new(
            ItemId::new(attachment.item_id.as_str()),
            vec![NewAttachment::File(file)],
        )
        .map_err(map_error)?;
        let answers = self
            .client(access)?
            .execute(&request)
            .await
            .map_err(|e| map_item_error(e, &attachment.item_id))?;
        let created = only(answers, &attachment.item_id)?;
        Ok(AttachmentInfo {
            id: created.id,
            name: attachment.name.clone(),
            content_type: attachment.content_type.clone(),
            size: u64::try_from(attachment.content.len()).ok(),
            is_inline: false,
            last_modified: None,
            is_file: true,
        })
    }

    async fn delete_attachment(
        &self,
        access: &MailboxAccess,
        attachment_id: &str,
    ) -> Result<(), ApiError> {
        let request = DeleteAttachment::new(vec![attachment_id.to_owned()]).map_err(map_error)?;
        let answers = self
            .client(access)?
            .execute(&request)
            .await
            .map_err(|e| map_item_error(e, attachment_id))?;
        only(answers, attachment_id).map(drop)
    }
}

/// The longest GetAttachment answer for content of at most `max_bytes`: the base64 of that
/// many bytes and 64 KiB for the envelope and the attachment's other properties.
pub(super) fn answer_limit(max_bytes: usize) -> usize {
    max_bytes
        .div_ceil(3)
        .saturating_mul(4)
        .saturating_add(64 * 1024)
}

/// The one answer of a request about one thing.
fn only<T>(answers: Vec<Result<T, EwsError>>, id: &str) -> Result<T, ApiError> {
    answers
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Exchange {
            code: "InvalidResponse".to_owned(),
            detail: "the answer held no response message".to_owned(),
        })?
        .map_err(|e| map_item_error(e, id))
}

fn summary_info(summary: AttachmentSummary) -> Option<AttachmentInfo> {
    Some(AttachmentInfo {
        id: summary.id?,
        is_file: summary.kind == "FileAttachment",
        name: summary.name.unwrap_or_default(),
        content_type: summary.content_type,
        size: summary.size,
        is_inline: summary.is_inline.unwrap_or(false),
        last_modified: summary.last_modified_time,
    })
}

fn appointment(item: CalendarItem) -> Appointment {
    Appointment {
        id: item.id.id,
        change_key: item.id.change_key.unwrap_or_default(),
        subject: item.subject,
        start: item.start,
        end: item.end,
        is_all_day: item.is_all_day,
        location: item.location,
        body: item.body.map(|b| b.content),
        organizer: item.organizer.and_then(|m| m.email.or(m.name)),
    }
}
