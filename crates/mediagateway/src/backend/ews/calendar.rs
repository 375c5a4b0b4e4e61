//! The calendar area over EWS.

use async_trait::async_trait;
use exchange_ews::calendar::{
    CalendarItem, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
use exchange_ews::items::{Body, DeleteType};
use exchange_ews::ItemId;
use mediagateway_api::{ApiError, Appointment, NewAppointment, TimeWindow};

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
