//! Reading and writing tasks (`t:Task`, `t:TaskType`).

use chrono::{DateTime, Utc};

use super::item::{item_properties, strings, unread};
use super::item_write::{
    check_categories, check_extended_properties, write_extended_properties, SharedProperties,
};
use super::recurrence::{check_recurrence, read_recurrence, write_recurrence};
use crate::items::{NewTask, Task, TaskDelegationState, TaskStatus};
use crate::operations::reading::{self, choice, count, date_time, free_text, invalid};
use crate::xml::{format_date_time, Element, XmlWriter};
use crate::{EwsError, ExchangeVersion};

/// The children of `t:Task` that [`task`] reads beyond the shared ones.
const TASK_CHILDREN: &[&str] = &[
    "ActualWork",
    "BillingInformation",
    "Companies",
    "CompleteDate",
    "Contacts",
    "DelegationState",
    "Delegator",
    "DueDate",
    "IsComplete",
    "IsRecurring",
    "Mileage",
    "Owner",
    "PercentComplete",
    "Recurrence",
    "StartDate",
    "Status",
    "StatusDescription",
    "TotalWork",
];

/// Reads a `t:Task`.
pub(crate) fn task(e: &Element) -> Result<Task, EwsError> {
    let mut t = Task::from_properties(item_properties(e)?);
    t.actual_work = count(e, "ActualWork")?;
    t.billing_information = free_text(e, "BillingInformation");
    t.companies = strings(e, "Companies");
    t.complete_date = date_time(e, "CompleteDate")?;
    t.contacts = strings(e, "Contacts");
    t.delegation_state = choice(
        e,
        "DelegationState",
        TaskDelegationState::parse,
        "a task delegation state",
    )?;
    t.delegator = free_text(e, "Delegator");
    t.due_date = date_time(e, "DueDate")?;
    t.is_complete = reading::boolean(e, "IsComplete")?;
    t.is_recurring = reading::boolean(e, "IsRecurring")?;
    t.mileage = free_text(e, "Mileage");
    t.owner = free_text(e, "Owner");
    t.percent_complete = e
        .child("PercentComplete")
        .map(|p| {
            percent(p.text())
                .ok_or_else(|| invalid("PercentComplete", p.text(), "a number from 0 to 100"))
        })
        .transpose()?;
    t.recurrence = e.child("Recurrence").map(read_recurrence).transpose()?;
    t.start_date = date_time(e, "StartDate")?;
    t.status = choice(e, "Status", TaskStatus::parse, "a task status")?;
    t.status_description = free_text(e, "StatusDescription");
    t.total_work = count(e, "TotalWork")?;
    t.unmodelled = unread(e, &[TASK_CHILDREN]);
    Ok(t)
}

/// An `xs:double` from 0 to 100.
fn percent(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
}

/// Refuses a task Exchange would refuse: a percentage outside 0 to 100, work beyond
/// `xs:int`, dates outside the years 1 to 9999, a due date before the start, a status that
/// contradicts the percentage, and an invalid recurrence (regenerating patterns are for
/// tasks and allowed here).
pub(crate) fn check_new_task(t: &NewTask) -> Result<(), EwsError> {
    let refuse = |argument, reason: String| Err(EwsError::InvalidArgument { argument, reason });
    if let Some(p) = t.percent_complete {
        if p > 100 {
            return refuse("percent complete", format!("{p} is not between 0 and 100"));
        }
        match t.status {
            Some(TaskStatus::Completed) if p < 100 => {
                return refuse(
                    "status",
                    format!("a completed task is 100% complete, not {p}%"),
                );
            }
            Some(TaskStatus::NotStarted) if p > 0 => {
                return refuse(
                    "status",
                    format!("a task not started is 0% complete, not {p}%"),
                );
            }
            _ => {}
        }
    }
    for (argument, work) in [("actual work", t.actual_work), ("total work", t.total_work)] {
        if let Some(w) = work.filter(|w| *w > i32::MAX as u32) {
            return refuse(argument, format!("{w} minutes is more than 2147483647"));
        }
    }
    let dates: [(&'static str, Option<DateTime<Utc>>); 4] = [
        ("start date", t.start_date),
        ("due date", t.due_date),
        ("reminder", t.reminder_due_by),
        ("complete date", t.complete_date),
    ];
    for (argument, date) in dates {
        if let Some(d) = date {
            crate::operations::check_range(argument, d, d)?;
        }
    }
    if let (Some(start), Some(due)) = (t.start_date, t.due_date) {
        crate::operations::check_range("due date", start, due)?;
    }
    if let Some(r) = &t.recurrence {
        check_recurrence(r)?;
    }
    check_extended_properties(&t.extended_properties)?;
    check_categories(&t.categories)
}

/// Writes a `t:Task`, its properties in schema order (all known to Exchange 2007 SP1).
pub(crate) fn write_new_task(w: &mut XmlWriter, version: ExchangeVersion, t: &NewTask) {
    w.start("t:Task", &[]);
    SharedProperties {
        subject: Some(&t.subject),
        sensitivity: t.sensitivity,
        body: t.body.as_ref(),
        categories: &t.categories,
        importance: t.importance,
        ..SharedProperties::default()
    }
    .write(w);
    if let Some(due) = t.reminder_due_by {
        w.text_element("t:ReminderDueBy", &[], &format_date_time(due));
    }
    if let Some(set) = t
        .reminder_is_set
        .or_else(|| t.reminder_due_by.map(|_| true))
    {
        w.text_element("t:ReminderIsSet", &[], if set { "true" } else { "false" });
    }
    write_extended_properties(w, &t.extended_properties);
    if let Some(work) = t.actual_work {
        w.text_element("t:ActualWork", &[], &work.to_string());
    }
    if let Some(billing) = &t.billing_information {
        w.text_element("t:BillingInformation", &[], billing);
    }
    if !t.companies.is_empty() {
        w.start("t:Companies", &[]);
        for company in &t.companies {
            w.text_element("t:String", &[], company);
        }
        w.end();
    }
    if let Some(done) = t.complete_date {
        w.text_element("t:CompleteDate", &[], &format_date_time(done));
    }
    if let Some(due) = t.due_date {
        w.text_element("t:DueDate", &[], &format_date_time(due));
    }
    if let Some(mileage) = &t.mileage {
        w.text_element("t:Mileage", &[], mileage);
    }
    if let Some(p) = t.percent_complete {
        w.text_element("t:PercentComplete", &[], &p.to_string());
    }
    if let Some(r) = &t.recurrence {
        write_recurrence(w, r, version);
    }
    if let Some(start) = t.start_date {
        w.text_element("t:StartDate", &[], &format_date_time(start));
    }
    if let Some(status) = t.status {
        w.text_element("t:Status", &[], status.as_str());
    }
    if let Some(work) = t.total_work {
        w.text_element("t:TotalWork", &[], &work.to_string());
    }
    w.end();
}
