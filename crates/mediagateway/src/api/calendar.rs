//! The calendar area: appointments of the calling portal user.

use async_trait::async_trait;
use mediagateway_api::{
    ApiError, Appointment, AttachmentInfo, CalendarApi, FileAttachment, NewAppointment,
    NewFileAttachment, TimeWindow, UserCall,
};

use crate::{validate, Gateway};

#[async_trait]
impl CalendarApi for Gateway {
    async fn find_appointments(
        &self,
        call: &UserCall,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, ApiError> {
        let access = self.user_access(call)?;
        self.limits.window(window)?;
        let found = self.backend.find_appointments(&access, window).await?;
        self.limits.appointments(found.len())?;
        Ok(found)
    }

    async fn get_appointment(&self, call: &UserCall, id: &str) -> Result<Appointment, ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(id)?;
        self.backend.get_appointment(&access, id).await
    }

    async fn create_appointment(
        &self,
        call: &UserCall,
        appointment: &NewAppointment,
    ) -> Result<Appointment, ApiError> {
        let access = self.user_access(call)?;
        appointment.window()?;
        self.limits.appointment(appointment)?;
        self.backend.create_appointment(&access, appointment).await
    }

    async fn delete_appointment(&self, call: &UserCall, id: &str) -> Result<(), ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(id)?;
        self.backend.delete_appointment(&access, id).await
    }

    async fn list_attachments(
        &self,
        call: &UserCall,
        item_id: &str,
    ) -> Result<Vec<AttachmentInfo>, ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(item_id)?;
        self.backend.list_attachments(&access, item_id).await
    }

    async fn get_attachment(
        &self,
        call: &UserCall,
        attachment_id: &str,
    ) -> Result<FileAttachment, ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(attachment_id)?;
        let max = self.limits.max_attachment_bytes;
        let attachment = self
            .backend
            .get_attachment(&access, attachment_id, max)
            .await?;
        // Checked on what came back, whatever the backend could check before.
        self.limits.attachment(attachment.content.len())?;
        Ok(attachment)
    }

    async fn add_attachment(
        &self,
        call: &UserCall,
        attachment: &NewFileAttachment,
    ) -> Result<AttachmentInfo, ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(&attachment.item_id)?;
        attachment.check()?;
        self.limits.attachment(attachment.content.len())?;
        self.backend.add_attachment(&access, attachment).await
    }

    async fn delete_attachment(
        &self,
        call: &UserCall,
        attachment_id: &str,
    ) -> Result<(), ApiError> {
        let access = self.user_access(call)?;
        validate::item_id(attachment_id)?;
        self.backend.delete_attachment(&access, attachment_id).await
    }
}
