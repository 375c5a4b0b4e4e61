//! Records → EWS writes: new items, and field updates of existing ones.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use exchange_ews::calendar::{Attendee, FreeBusyStatus, NewCalendarItem};
use exchange_ews::items::{
    Body, EmailAddressKey, ExtendedProperty, ExtendedValue, FieldUpdate, Importance, Mailbox,
    NewContact, NewItem, NewMessage, NewNote, NewTask, PhoneNumberKey, PhysicalAddress,
    PhysicalAddressKey, PropertyPath, PropertyValue, Sensitivity, TaskStatus,
};
use exchange_ews::timezone::WindowsZoneId;
use mediagateway_api::tables::{EwsColumn, MailboxValue, Record, Table, Value};
use mediagateway_api::ApiError;

use super::columns::{field, local_midnight, stable_key_path};
use super::recurrence::to_ews;
use super::tables::property;

fn not_supported(table: Table, name: &str) -> ApiError {
    ApiError::NotSupported {
        what: format!("writing {table}.{name} over EWS"),
    }
}

fn wrong_type(table: Table, name: &str) -> ApiError {
    ApiError::invalid(format!("{table}.{name}: the value does not fit the field"))
}

fn text(table: Table, name: &str, value: &Value) -> Result<String, ApiError> {
    match value {
        Value::Text(t) => Ok(t.clone()),
        _ => Err(wrong_type(table, name)),
    }
}

fn boolean(table: Table, name: &str, value: &Value) -> Result<bool, ApiError> {
    match value {
        Value::Boolean(b) => Ok(*b),
        _ => Err(wrong_type(table, name)),
    }
}

fn instant(table: Table, name: &str, value: &Value, zone: Tz) -> Result<DateTime<Utc>, ApiError> {
    match value {
        Value::DateTime(t) => Ok(*t),
        Value::Date(d) => local_midnight(*d, zone),
        _ => Err(wrong_type(table, name)),
    }
}

fn whole<T: TryFrom<i64>>(table: Table, name: &str, value: &Value) -> Result<T, ApiError> {
    let n = match value {
        Value::Integer(n) => *n,
        // A whole decimal (a percentage of 50.0) is written as the integer EWS takes.
        #[allow(clippy::cast_possible_truncation)] // checked to be whole and in range
        Value::Decimal(d) if d.fract() == 0.0 && d.abs() < 1e15 => *d as i64,
        Value::Decimal(_) => {
            return Err(ApiError::NotSupported {
                what: format!("{table}.{name} takes whole numbers over EWS"),
            })
        }
        _ => return Err(wrong_type(table, name)),
    };
    T::try_from(n).map_err(|_| ApiError::invalid(format!("{table}.{name}: {n} is out of range")))
}

fn mailbox(m: &MailboxValue) -> Mailbox {
    Mailbox {
        name: m.name.clone(),
        email: Some(m.address.clone()),
        ..Mailbox::default()
    }
}

fn mailboxes(table: Table, name: &str, value: &Value) -> Result<Vec<Mailbox>, ApiError> {
    match value {
        Value::MailboxList(list) => Ok(list.iter().map(mailbox).collect()),
        _ => Err(wrong_type(table, name)),
    }
}

fn attendees(table: Table, name: &str, value: &Value) -> Result<Vec<Attendee>, ApiError> {
    Ok(mailboxes(table, name, value)?
        .into_iter()
        .map(|mailbox| Attendee {
            mailbox,
            ..Attendee::default()
        })
        .collect())
}

fn list(table: Table, name: &str, value: &Value) -> Result<Vec<String>, ApiError> {
    match value {
        Value::TextList(list) => Ok(list.clone()),
        _ => Err(wrong_type(table, name)),
    }
}

fn choice<T>(
    table: Table,
    name: &str,
    value: &Value,
    parse: fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    parse(&text(table, name, value)?).ok_or_else(|| wrong_type(table, name))
}

/// The properties every kind shares, as a record gives them.
#[derive(Default)]
struct Shared {
    subject: Option<String>,
    body: Option<Body>,
    categories: Vec<String>,
    importance: Option<Importance>,
    sensitivity: Option<Sensitivity>,
}

impl Shared {
    /// Takes `name` if it is a shared property; whether it was.
    fn take(&mut self, table: Table, name: &str, value: &Value) -> Result<bool, ApiError> {
        match name {
            "Subject" => self.subject = Some(text(table, name, value)?),
            "Description" | "HtmlDescription" => {
                if self.body.is_some() {
                    return Err(ApiError::invalid(format!(
                        "{table}.Description and {table}.HtmlDescription are the same body: \
                         give one"
                    )));
                }
                let content = text(table, name, value)?;
                self.body = Some(if name == "Description" {
                    Body::text(content)
                } else {
                    Body::html(content)
                });
            }
            "Categories" => self.categories = list(table, name, value)?,
            "Importance" => {
                self.importance = Some(choice(table, name, value, Importance::parse)?);
            }
            "Sensitivity" => {
                self.sensitivity = Some(choice(table, name, value, Sensitivity::parse)?);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The Windows zone of `name`: a Windows id as Exchange names zones
/// (`W. Europe Standard Time`), or an IANA zone (`Europe/Berlin`) translated by CLDR's table.
fn windows_zone(name: &str) -> Result<WindowsZoneId, ApiError> {
    let windows = exchange_ews::timezone::iana_to_windows(name).unwrap_or(name);
    WindowsZoneId::new(windows)
        .map_err(|e| ApiError::invalid(format!("the time zone {name:?}: {e}")))
}

/// A checked new record → the EWS item, with `stable_key` stamped in the stable key
/// property. Date values become local midnight in `zone`. A field the EWS item cannot carry
/// is not supported (never dropped).
pub(crate) fn new_item(
    table: Table,
    record: &Record,
    stable_key: &str,
    zone: Tz,
) -> Result<NewItem, ApiError> {
    if record.table != table {
        return Err(ApiError::invalid(format!(
            "a {} record written to {table}",
            record.table
        )));
    }
    let stamp = vec![ExtendedProperty {
        path: stable_key_path(),
        value: ExtendedValue::Single(stable_key.to_owned()),
    }];
    let mut shared = Shared::default();
    let item: NewItem = match table {
        Table::Appointment => {
            let required = |name: &str| {
                record
                    .get(name)
                    .ok_or_else(|| ApiError::invalid(format!("a new {table} needs {name}")))
                    .and_then(|v| instant(table, name, v, zone))
            };
            let mut item = NewCalendarItem::new("", required("Start")?, required("End")?);
            for (name, value) in &record.values {
                if shared.take(table, name, value)? {
                    continue;
                }
                match name.as_ref() {
                    "Start" | "End" => {}
                    "IsAllDayEvent" => item.is_all_day = boolean(table, name, value)?,
                    "Location" => item.location = Some(text(table, name, value)?),
                    "BusyStatus" => {
                        item.free_busy_status =
                            Some(choice(table, name, value, FreeBusyStatus::parse)?);
                    }
                    "TimeZone" => item.time_zone = Some(windows_zone(&text(table, name, value)?)?),
                    "RequiredAttendees" => item.required_attendees = attendees(table, name, value)?,
                    "OptionalAttendees" => item.optional_attendees = attendees(table, name, value)?,
                    "Resources" => item.resources = attendees(table, name, value)?,
                    "Recurrence" => item.recurrence = Some(recurrence(table, name, value)?),
                    "ReminderSet" => item.reminder_is_set = Some(boolean(table, name, value)?),
                    "ReminderMinutesBeforeStart" => {
                        item.reminder_minutes_before_start = Some(whole(table, name, value)?);
                    }
                    _ => return Err(unwritable(table, name)),
                }
            }
            if item.time_zone.is_none() {
                // The item lives in the data source's zone: its series repeat at the same
                // local time across a change of summer time, and an all-day event spans the
                // zone's day.
                item.time_zone = Some(windows_zone(zone.name())?);
            }
            item.subject = shared.subject.unwrap_or_default();
            item.body = shared.body;
            item.categories = shared.categories;
            item.importance = shared.importance;
            item.sensitivity = shared.sensitivity;
            item.extended_properties = stamp;
            item.into()
        }
        Table::Contact => {
            let mut c = NewContact::default();
            for (name, value) in &record.values {
                if shared.take(table, name, value)? {
                    continue;
                }
                contact_field(&mut c, table, name, value, zone)?;
            }
            c.subject = shared.subject;
            c.notes = shared.body;
            c.categories = shared.categories;
            c.importance = shared.importance;
            c.sensitivity = shared.sensitivity;
            c.extended_properties = stamp;
            c.into()
        }
        Table::Task => {
            let mut t = NewTask::default();
            for (name, value) in &record.values {
                if shared.take(table, name, value)? {
                    continue;
                }
                match name.as_ref() {
                    "StartDate" => t.start_date = Some(instant(table, name, value, zone)?),
                    "DueDate" => t.due_date = Some(instant(table, name, value, zone)?),
                    "CompleteDate" => t.complete_date = Some(instant(table, name, value, zone)?),
                    "Status" => t.status = Some(choice(table, name, value, TaskStatus::parse)?),
                    "PercentComplete" => t.percent_complete = Some(whole(table, name, value)?),
                    "Recurrence" => t.recurrence = Some(recurrence(table, name, value)?),
                    "TotalWork" => t.total_work = Some(whole(table, name, value)?),
                    "ActualWork" => t.actual_work = Some(whole(table, name, value)?),
                    "Mileage" => t.mileage = Some(text(table, name, value)?),
                    "BillingInformation" => {
                        t.billing_information = Some(text(table, name, value)?);
                    }
                    "Companies" => t.companies = list(table, name, value)?,
                    "ReminderSet" => t.reminder_is_set = Some(boolean(table, name, value)?),
                    "ReminderDueBy" => {
                        t.reminder_due_by = Some(instant(table, name, value, zone)?);
                    }
                    _ => return Err(unwritable(table, name)),
                }
            }
            t.subject = shared.subject.unwrap_or_default();
            t.body = shared.body;
            t.categories = shared.categories;
            t.importance = shared.importance;
            t.sensitivity = shared.sensitivity;
            t.extended_properties = stamp;
            t.into()
        }
        Table::Message => {
            let mut m = NewMessage::default();
            for (name, value) in &record.values {
                if shared.take(table, name, value)? {
                    continue;
                }
                match name.as_ref() {
                    "From" => match value {
                        Value::Mailbox(from) => m.from = Some(mailbox(from)),
                        _ => return Err(wrong_type(table, name)),
                    },
                    "To" => m.to_recipients = mailboxes(table, name, value)?,
                    "Cc" => m.cc_recipients = mailboxes(table, name, value)?,
                    "Bcc" => m.bcc_recipients = mailboxes(table, name, value)?,
                    "ReplyTo" => m.reply_to = mailboxes(table, name, value)?,
                    "Read" => m.is_read = Some(boolean(table, name, value)?),
                    "IsReadReceiptRequested" => {
                        m.is_read_receipt_requested = Some(boolean(table, name, value)?);
                    }
                    "IsDeliveryReceiptRequested" => {
                        m.is_delivery_receipt_requested = Some(boolean(table, name, value)?);
                    }
                    _ => return Err(unwritable(table, name)),
                }
            }
            m.subject = shared.subject.unwrap_or_default();
            m.body = shared.body;
            m.categories = shared.categories;
            m.importance = shared.importance;
            m.sensitivity = shared.sensitivity;
            m.extended_properties = stamp;
            m.into()
        }
        Table::Note => {
            for (name, value) in &record.values {
                if !shared.take(table, name, value)? {
                    return Err(unwritable(table, name));
                }
            }
            let mut n = NewNote::new(shared.subject.unwrap_or_default(), "");
            n.body = shared.body.unwrap_or_else(|| Body::text(""));
            n.categories = shared.categories;
            n.importance = shared.importance;
            n.sensitivity = shared.sensitivity;
            n.extended_properties = stamp;
            n.into()
        }
        Table::Folder | Table::Attachment => {
            return Err(ApiError::NotSupported {
                what: format!("{table} records are not items"),
            })
        }
    };
    Ok(item)
}

/// A field a new item of `table` does not take: an unknown or read-only one is an invalid
/// argument, a writable one the EWS item cannot carry is not supported.
fn unwritable(table: Table, name: &str) -> ApiError {
    match table.field(name) {
        None => ApiError::invalid(format!("{table} has no field {name:?}")),
        Some(f) if f.read_only => ApiError::invalid(format!("{table}.{name} is read-only")),
        Some(_) => not_supported(table, name),
    }
}

fn recurrence(
    table: Table,
    name: &str,
    value: &Value,
) -> Result<exchange_ews::calendar::Recurrence, ApiError> {
    match value {
        Value::Recurrence(r) => to_ews(r),
        _ => Err(wrong_type(table, name)),
    }
}

fn contact_field(
    c: &mut NewContact,
    table: Table,
    name: &str,
    value: &Value,
    zone: Tz,
) -> Result<(), ApiError> {
    let declared = field(table, name)?;
    if let EwsColumn::Indexed(uri, key) = declared.ews {
        let entry = text(table, name, value)?;
        if let Some(key) = EmailAddressKey::parse(key).filter(|_| uri == "contacts:EmailAddress") {
            c.email_addresses.push((key, entry));
        } else if let Some(key) =
            PhoneNumberKey::parse(key).filter(|_| uri == "contacts:PhoneNumber")
        {
            c.phone_numbers.push((key, entry));
        } else if let Some(key) = PhysicalAddressKey::parse(key) {
            let at = match c.physical_addresses.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    c.physical_addresses.push((key, PhysicalAddress::default()));
                    c.physical_addresses.len() - 1
                }
            };
            let address = &mut c.physical_addresses[at].1;
            let part = match uri.rsplit(':').next() {
                Some("Street") => &mut address.street,
                Some("City") => &mut address.city,
                Some("State") => &mut address.state,
                Some("PostalCode") => &mut address.postal_code,
                Some("CountryOrRegion") => &mut address.country_or_region,
                _ => return Err(not_supported(table, name)),
            };
            *part = Some(entry);
        } else {
            return Err(not_supported(table, name));
        }
        return Ok(());
    }
    let slot = match name {
        "DisplayName" => &mut c.display_name,
        "FileAs" => &mut c.file_as,
        "GivenName" => &mut c.given_name,
        "MiddleName" => &mut c.middle_name,
        "Surname" => &mut c.surname,
        "Nickname" => &mut c.nickname,
        "CompanyName" => &mut c.company_name,
        "Department" => &mut c.department,
        "JobTitle" => &mut c.job_title,
        "AssistantName" => &mut c.assistant_name,
        "Manager" => &mut c.manager,
        "Birthday" => {
            c.birthday = Some(instant(table, name, value, zone)?);
            return Ok(());
        }
        _ => return Err(unwritable(table, name)),
    };
    *slot = Some(text(table, name, value)?);
    Ok(())
}

/// Field changes → UpdateItem field updates: `set` holds the fields to set, `clear` names the
/// fields to delete. Read-only and derived fields are invalid arguments.
pub(crate) fn updates(
    table: Table,
    set: &Record,
    clear: &[String],
    zone: Tz,
) -> Result<Vec<FieldUpdate>, ApiError> {
    let writable = |name: &str| -> Result<PropertyPath, ApiError> {
        let declared = field(table, name)?;
        if declared.read_only {
            return Err(ApiError::invalid(format!("{table}.{name} is read-only")));
        }
        property(table, declared)
            .ok_or_else(|| ApiError::invalid(format!("{table}.{name} is derived")))
    };
    let ews =
        |name: &str, e: exchange_ews::EwsError| ApiError::invalid(format!("{table}.{name}: {e}"));
    let mut out: Vec<FieldUpdate> = Vec::new();
    if set.get("Description").is_some() && set.get("HtmlDescription").is_some() {
        return Err(ApiError::invalid(format!(
            "{table}.Description and {table}.HtmlDescription are the same body: give one"
        )));
    }
    for (name, value) in &set.values {
        let path = writable(name)?;
        if name == "TimeZone" {
            // The EWS client cannot write calendar:StartTimeZone in an update.
            return Err(not_supported(table, name));
        }
        let update = match update_value(table, name, value, zone)? {
            Some(value) => FieldUpdate::set(path, value).map_err(|e| ews(name, e))?,
            // An empty list is cleared: Exchange keeps no empty list.
            None => FieldUpdate::delete(path).map_err(|e| ews(name, e))?,
        };
        out.push(update);
    }
    for name in clear {
        let path = writable(name)?;
        let declared = field(table, name)?;
        if !declared.nullable {
            return Err(ApiError::invalid(format!(
                "{table}.{name} is required: it cannot be cleared"
            )));
        }
        if set.get(name).is_some() {
            return Err(ApiError::invalid(format!(
                "{table}.{name} is both set and cleared"
            )));
        }
        if !out.iter().any(|u| u.path() == &path) {
            out.push(FieldUpdate::delete(path).map_err(|e| ews(name, e))?);
        }
    }
    Ok(out)
}

/// The value an update writes; `None` for an empty list, which is deleted instead.
fn update_value(
    table: Table,
    name: &str,
    value: &Value,
    zone: Tz,
) -> Result<Option<PropertyValue>, ApiError> {
    let calendar = table == Table::Appointment;
    Ok(Some(match (name, value) {
        ("Description", Value::Text(t)) => PropertyValue::Body(Body::text(t.clone())),
        ("HtmlDescription", Value::Text(t)) => PropertyValue::Body(Body::html(t.clone())),
        ("Importance", _) => {
            PropertyValue::Importance(choice(table, name, value, Importance::parse)?)
        }
        ("Sensitivity", _) => {
            PropertyValue::Sensitivity(choice(table, name, value, Sensitivity::parse)?)
        }
        (_, Value::Text(t)) => PropertyValue::Text(t.clone()),
        (_, Value::Integer(_) | Value::Decimal(_)) => {
            PropertyValue::Integer(whole(table, name, value)?)
        }
        (_, Value::Boolean(b)) => PropertyValue::Bool(*b),
        (_, Value::DateTime(_) | Value::Date(_)) => {
            PropertyValue::DateTime(instant(table, name, value, zone)?)
        }
        (_, Value::TextList(l)) if l.is_empty() => return Ok(None),
        (_, Value::TextList(l)) => PropertyValue::Strings(l.clone()),
        (_, Value::Mailbox(m)) => PropertyValue::Mailbox(mailbox(m)),
        (_, Value::MailboxList(l)) if l.is_empty() => return Ok(None),
        (_, Value::MailboxList(_)) if calendar => {
            PropertyValue::Attendees(attendees(table, name, value)?)
        }
        (_, Value::MailboxList(_)) => PropertyValue::Mailboxes(mailboxes(table, name, value)?),
        (_, Value::Recurrence(r)) => PropertyValue::Recurrence(to_ews(r)?),
        (_, Value::Duration(_) | Value::Binary(_)) => return Err(not_supported(table, name)),
    }))
}
