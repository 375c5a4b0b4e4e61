//! The calls of one logged-in portal user.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use mediagateway_api::tables::{Comparison, Filter, Literal, Record, Table};
use mediagateway_api::{
    ActAs, Appointment, AttachmentInfo, FileAttachment, FreeBusyRequest, MailboxAvailability,
    NameQuery, NewAppointment, NewFileAttachment, ResolvedName, TablesApi, TimeWindow, UserCall,
};
use uuid::Uuid;

use crate::query::{Records, Tables};
use crate::records::{self, TableRow};
use crate::{ConnectorError, DataSource};

/// A portal user's view of the data source: their calendar, acting as themselves.
#[derive(Debug, Clone)]
pub struct UserSession {
    data_source: DataSource,
    portal_user: Uuid,
    act_as: ActAs,
}

impl UserSession {
    pub(crate) fn new(data_source: DataSource, portal_user: Uuid) -> Self {
        Self {
            data_source,
            portal_user,
            act_as: ActAs::Own,
        }
    }

    /// These calls acting as a static user of the data source (the user switch): by name
    /// (`ActAs::StaticUser`), or the one mapped to a portal user (`ActAs::MappedUser`). The
    /// gateway refuses a static user the data source does not have.
    ///
    /// ```no_run
    /// # async fn run(session: exchange_connector::UserSession) -> Result<(), exchange_connector::ConnectorError> {
    /// use exchange_connector::ActAs;
    /// let sales = session.acting_as(ActAs::StaticUser("Sales".into()));
    /// let next = sales.appointments().page_size(20).page().await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn acting_as(mut self, act_as: ActAs) -> Self {
        self.act_as = act_as;
        self
    }

    /// Whose login these calls use.
    pub fn act_as(&self) -> &ActAs {
        &self.act_as
    }

    /// A call of this portal user, with the user switch.
    fn call(&self) -> UserCall {
        self.data_source
            .user_call(self.portal_user)
            .acting_as(self.act_as.clone())
    }

    /// The portal user.
    pub fn portal_user(&self) -> Uuid {
        self.portal_user
    }

    /// The records of `table`, as plain [`Record`]s: a query to build and run, and the item
    /// calls on the table.
    pub fn table(&self, table: Table) -> Records<Record> {
        Records::new(self.tables(), table)
    }

    /// The records of `T`'s table, as `T`s.
    pub fn rows<T: TableRow + Send + 'static>(&self) -> Records<T> {
        Records::new(self.tables(), T::TABLE)
    }

    /// The appointments, typed ([`records::Appointment`]).
    pub fn appointments(&self) -> Records<records::Appointment> {
        self.rows()
    }

    /// The contacts, typed.
    pub fn contacts(&self) -> Records<records::Contact> {
        self.rows()
    }

    /// The tasks, typed.
    pub fn tasks(&self) -> Records<records::Task> {
        self.rows()
    }

    /// The messages, typed.
    pub fn messages(&self) -> Records<records::Message> {
        self.rows()
    }

    /// The notes, typed.
    pub fn notes(&self) -> Records<records::Note> {
        self.rows()
    }

    /// The folders, typed.
    pub fn folders(&self) -> Records<records::Folder> {
        self.rows()
    }

    /// The attachments of the item `item_id` (of any table: not only appointments), typed: a query of the
    /// Attachment table on `FKItemID = "<item_id>"`, to which more filters, a sort and a
    /// selection may be added. Listed attachments come without their content; `get` one by
    /// `ID` for it. `create`, `delete` work here too.
    pub fn item_attachments(&self, item_id: &str) -> Records<records::Attachment> {
        self.rows().filter_tree(Filter::Compare {
            field: "FKItemID".to_owned(),
            op: Comparison::Equal,
            value: Literal::Text(item_id.to_owned()),
        })
    }

    /// The tables area of the gateway, called as this user.
    fn tables(&self) -> Tables {
        let api: Arc<dyn TablesApi> = self.data_source.shared_gateway();
        let data_source = self.data_source.clone();
        let (portal_user, act_as) = (self.portal_user, self.act_as.clone());
        Tables::new(api, move || {
            data_source.user_call(portal_user).acting_as(act_as.clone())
        })
    }

    /// Appointments overlapping `[start, end)`, by start.
    pub async fn calendar(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, ConnectorError> {
        let window = TimeWindow::new(start, end)?;
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .find_appointments(&call, &window)
            .await?)
    }

    /// One appointment by id.
    pub async fn appointment(&self, id: &str) -> Result<Appointment, ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .get_appointment(&call, id)
            .await?)
    }

    /// Creates an appointment in the user's calendar; no invitations are sent.
    pub async fn create_appointment(
        &self,
        appointment: &NewAppointment,
    ) -> Result<Appointment, ConnectorError> {
        if let Err(error) = appointment.window() {
            return Err(ConnectorError::Invalid {
                what: "appointment",
                reason: error.to_string(),
            });
        }
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .create_appointment(&call, appointment)
            .await?)
    }

    /// Deletes an appointment for good; no cancellations are sent.
    pub async fn delete_appointment(&self, id: &str) -> Result<(), ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .delete_appointment(&call, id)
            .await?)
    }

    /// The attachments of an appointment, without their content.
    pub async fn attachments(&self, item_id: &str) -> Result<Vec<AttachmentInfo>, ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .list_attachments(&call, item_id)
            .await?)
    }

    /// One file attachment with its content. One larger than the gateway's attachment limit
    /// is refused ([`ApiError::LimitExceeded`](mediagateway_api::ApiError::LimitExceeded)).
    pub async fn attachment(&self, attachment_id: &str) -> Result<FileAttachment, ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .get_attachment(&call, attachment_id)
            .await?)
    }

    /// Attaches a file to an appointment. One larger than the gateway's attachment limit is
    /// refused before Exchange is asked.
    pub async fn add_attachment(
        &self,
        attachment: &NewFileAttachment,
    ) -> Result<AttachmentInfo, ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .add_attachment(&call, attachment)
            .await?)
    }

    /// Deletes an attachment.
    pub async fn delete_attachment(&self, attachment_id: &str) -> Result<(), ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .delete_attachment(&call, attachment_id)
            .await?)
    }

    /// The free/busy times of `mailboxes` (1 to 100 SMTP addresses) over `[start, end)` (at
    /// most 62 days), one answer per mailbox in the order given: its busy periods, or the
    /// error of that mailbox alone.
    pub async fn free_busy<S: AsRef<str>>(
        &self,
        mailboxes: &[S],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<MailboxAvailability>, ConnectorError> {
        let request = FreeBusyRequest::new(
            TimeWindow::new(start, end)?,
            mailboxes.iter().map(|m| m.as_ref().to_owned()),
        );
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .free_busy(&call, &request)
            .await?)
    }

    /// The mailboxes of the directory and the user's contacts that `text` stands for (part
    /// of a name, an alias or an address; `SMTP:` and an address for an exact one), at most
    /// 100; none when nothing matches.
    pub async fn resolve_names(&self, text: &str) -> Result<Vec<ResolvedName>, ConnectorError> {
        let call = self.call();
        Ok(self
            .data_source
            .gateway()
            .resolve_names(&call, &NameQuery::new(text))
            .await?)
    }

    /// Logs the user out: the gateway forgets their account. Says whether there was one.
    pub async fn logout(&self) -> Result<bool, ConnectorError> {
        let call = self.call();
        Ok(self.data_source.gateway().logout(&call).await?)
    }
}
