//! The calendar area: appointments of the calling portal user.

use async_trait::async_trait;
use mediagateway_api::{ApiError, Appointment, CalendarApi, NewAppointment, TimeWindow, UserCall};

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
        self.backend.find_appointments(&access, window).await
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
}
