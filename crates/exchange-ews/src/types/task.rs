//! Tasks as read from and written to Exchange (`t:Task`).

use chrono::{DateTime, Utc};

use super::common::schema_enum;
use super::item::item_struct;
use crate::calendar::Recurrence;
use crate::items::{Body, Importance, Sensitivity};

schema_enum! {
    /// How far a task has got (`t:TaskStatusType`).
    TaskStatus {
        /// Not started.
        NotStarted => "NotStarted",
        /// In progress.
        InProgress => "InProgress",
        /// Completed.
        Completed => "Completed",
        /// Waiting on someone else.
        WaitingOnOthers => "WaitingOnOthers",
        /// Deferred.
        Deferred => "Deferred",
    }
}

schema_enum! {
    /// Where a task assigned to someone stands (`t:TaskDelegateStateType`).
    TaskDelegationState {
        /// Not assigned.
        NoMatch => "NoMatch",
        /// Assigned; the request is not yet sent.
        OwnNew => "OwnNew",
        /// Owned by the assignee.
        Owned => "Owned",
        /// The assignee accepted it.
        Accepted => "Accepted",
        /// The assignee declined it.
        Declined => "Declined",
        /// A value Exchange reserves.
        Max => "Max",
    }
}

item_struct! {
    /// A task as Exchange returns it.
    Task {
        /// `ActualWork`: minutes spent.
        actual_work: Option<u32>,
        /// `BillingInformation`.
        billing_information: Option<String>,
        /// `Companies`.
        companies: Vec<String>,
        /// `CompleteDate`: when the task was completed.
        complete_date: Option<DateTime<Utc>>,
        /// `Contacts`: names of the contacts linked to the task.
        contacts: Vec<String>,
        /// `DelegationState`.
        delegation_state: Option<TaskDelegationState>,
        /// `Delegator`: who assigned the task.
        delegator: Option<String>,
        /// `DueDate`.
        due_date: Option<DateTime<Utc>>,
        /// `IsComplete`.
        is_complete: Option<bool>,
        /// `IsRecurring`.
        is_recurring: Option<bool>,
        /// `Mileage`.
        mileage: Option<String>,
        /// `Owner`.
        owner: Option<String>,
        /// `PercentComplete` (0 to 100).
        percent_complete: Option<f64>,
        /// `Recurrence`, regenerating patterns included.
        recurrence: Option<Recurrence>,
        /// `StartDate`.
        start_date: Option<DateTime<Utc>>,
        /// `Status`.
        status: Option<TaskStatus>,
        /// `StatusDescription`: the status as text in the mailbox's language.
        status_description: Option<String>,
        /// `TotalWork`: minutes planned.
        total_work: Option<u32>,
    }
}

/// A task to create. Build it with [`NewTask::new`] and the `with_*` methods.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use exchange_ews::items::{NewTask, TaskStatus};
///
/// let task = NewTask::new("File the report")
///     .with_due_date(Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap())
///     .with_status(TaskStatus::InProgress)
///     .with_percent_complete(25);
/// assert_eq!(task.status, Some(TaskStatus::InProgress));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewTask {
    /// `Subject`.
    pub subject: String,
    /// `Body`.
    pub body: Option<Body>,
    /// `Sensitivity`.
    pub sensitivity: Option<Sensitivity>,
    /// `Importance`.
    pub importance: Option<Importance>,
    /// `Categories`.
    pub categories: Vec<String>,
    /// `ReminderDueBy`; setting it sets `ReminderIsSet`.
    pub reminder_due_by: Option<DateTime<Utc>>,
    /// `ActualWork` in minutes.
    pub actual_work: Option<u32>,
    /// `BillingInformation`.
    pub billing_information: Option<String>,
    /// `Companies`.
    pub companies: Vec<String>,
    /// `DueDate`.
    pub due_date: Option<DateTime<Utc>>,
    /// `Mileage`.
    pub mileage: Option<String>,
    /// `PercentComplete` (0 to 100).
    pub percent_complete: Option<u8>,
    /// `Recurrence`, regenerating patterns included.
    pub recurrence: Option<Recurrence>,
    /// `StartDate`.
    pub start_date: Option<DateTime<Utc>>,
    /// `Status`.
    pub status: Option<TaskStatus>,
    /// `TotalWork` in minutes.
    pub total_work: Option<u32>,
    /// `CompleteDate`: when the task was completed.
    pub complete_date: Option<DateTime<Utc>>,
    /// `ReminderIsSet`; `None` sets it when [`reminder_due_by`](Self::reminder_due_by) is
    /// given and leaves the server's default otherwise.
    pub reminder_is_set: Option<bool>,
    /// Extended (MAPI) properties to set.
    pub extended_properties: Vec<crate::items::ExtendedProperty>,
}

impl NewTask {
    /// A task with this subject.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            ..Self::default()
        }
    }

    /// The task with this body.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// The task starting at `start`.
    pub fn with_start_date(mut self, start: DateTime<Utc>) -> Self {
        self.start_date = Some(start);
        self
    }

    /// The task due at `due`.
    pub fn with_due_date(mut self, due: DateTime<Utc>) -> Self {
        self.due_date = Some(due);
        self
    }

    /// The task in `status`.
    pub fn with_status(mut self, status: TaskStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The task `percent` (0 to 100) complete.
    pub fn with_percent_complete(mut self, percent: u8) -> Self {
        self.percent_complete = Some(percent);
        self
    }

    /// The task with `actual` minutes spent of `total` planned.
    pub fn with_work(mut self, actual: u32, total: u32) -> Self {
        self.actual_work = Some(actual);
        self.total_work = Some(total);
        self
    }

    /// The task repeating as `recurrence` says.
    pub fn with_recurrence(mut self, recurrence: Recurrence) -> Self {
        self.recurrence = Some(recurrence);
        self
    }

    /// The task with a reminder at `due_by`.
    pub fn with_reminder(mut self, due_by: DateTime<Utc>) -> Self {
        self.reminder_due_by = Some(due_by);
        self
    }

    /// The task of this importance.
    pub fn with_importance(mut self, importance: Importance) -> Self {
        self.importance = Some(importance);
        self
    }

    /// The task of this sensitivity.
    pub fn with_sensitivity(mut self, sensitivity: Sensitivity) -> Self {
        self.sensitivity = Some(sensitivity);
        self
    }

    /// The task in these categories.
    pub fn with_categories(
        mut self,
        categories: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    /// The task billed as `billing`, for `companies`, with `mileage`.
    pub fn with_billing(
        mut self,
        billing: impl Into<String>,
        companies: impl IntoIterator<Item = impl Into<String>>,
        mileage: impl Into<String>,
    ) -> Self {
        self.billing_information = Some(billing.into());
        self.companies = companies.into_iter().map(Into::into).collect();
        self.mileage = Some(mileage.into());
        self
    }
}
