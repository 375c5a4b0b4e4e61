//! Hand-written, schema-valid EWS requests.

use super::generic::{
    change, create_items, delete_ids, field, folder, get_refs, id_list, update_with,
};
use super::{M, SOAP, T};

/// The attribute of requests that only save: ` MessageDisposition="SaveOnly"`.
pub(crate) const SAVE: &str = r#" MessageDisposition="SaveOnly""#;

/// Escapes text for element content and attribute values.
pub(crate) fn x(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A SOAP 1.1 envelope with `RequestServerVersion` around an operation.
pub(crate) fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="{SOAP}" xmlns:t="{T}" xmlns:m="{M}">
  <soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header>
  <soap:Body>{body}</soap:Body>
</soap:Envelope>"#
    )
}

/// A calendar item to create.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewItem {
    pub(crate) subject: String,
    /// `(BodyType, content)`.
    pub(crate) body: Option<(&'static str, String)>,
    pub(crate) uid: Option<String>,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) all_day: Option<bool>,
    pub(crate) location: Option<String>,
    /// Adds a reminder and attendees, which the fake accepts and drops.
    pub(crate) unmodelled: bool,
}

impl NewItem {
    pub(crate) fn new(subject: &str, start: &str, end: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            start: start.to_owned(),
            end: end.to_owned(),
            ..Self::default()
        }
    }

    /// `t:CalendarItem` with the properties in schema order.
    pub(crate) fn xml(&self) -> String {
        let mut out = format!(
            "<t:CalendarItem><t:Subject>{}</t:Subject>",
            x(&self.subject)
        );
        if let Some((kind, content)) = &self.body {
            out.push_str(&format!(
                "<t:Body BodyType=\"{kind}\">{}</t:Body>",
                x(content)
            ));
        }
        if self.unmodelled {
            out.push_str("<t:ReminderIsSet>true</t:ReminderIsSet><t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart>");
        }
        if let Some(uid) = &self.uid {
            out.push_str(&format!("<t:UID>{}</t:UID>", x(uid)));
        }
        out.push_str(&format!(
            "<t:Start>{}</t:Start><t:End>{}</t:End>",
            self.start, self.end
        ));
        if let Some(all_day) = self.all_day {
            out.push_str(&format!("<t:IsAllDayEvent>{all_day}</t:IsAllDayEvent>"));
        }
        if let Some(location) = &self.location {
            out.push_str(&format!("<t:Location>{}</t:Location>", x(location)));
        }
        if self.unmodelled {
            out.push_str(
                "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>guest@fabrikam.test</t:EmailAddress>\
                 </t:Mailbox></t:Attendee></t:RequiredAttendees>",
            );
        }
        out.push_str("</t:CalendarItem>");
        out
    }
}

fn calendar_folder(mailbox: Option<&str>) -> String {
    folder("calendar", mailbox)
}

/// `CreateItem` of calendar items, into the calendar of `mailbox` (own when `None`).
pub(crate) fn create(items: &[NewItem], mailbox: Option<&str>) -> String {
    create_with(items, mailbox, r#" SendMeetingInvitations="SendToNone""#)
}

/// `CreateItem` with the given attributes (` SendMeetingInvitations="…"` or nothing).
pub(crate) fn create_with(items: &[NewItem], mailbox: Option<&str>, attributes: &str) -> String {
    let items: Vec<String> = items.iter().map(NewItem::xml).collect();
    create_items(
        &items,
        Some(&calendar_folder(mailbox)),
        &format!("{SAVE}{attributes}"),
    )
}

fn additional_paths(additional: &[&str]) -> String {
    additional.iter().map(|uri| field(uri)).collect()
}

fn item_shape(base: &str, additional: &[&str]) -> String {
    let mut shape = format!("<m:ItemShape><t:BaseShape>{base}</t:BaseShape>");
    if !additional.is_empty() {
        shape.push_str(&format!(
            "<t:AdditionalProperties>{}</t:AdditionalProperties>",
            additional_paths(additional)
        ));
    }
    shape.push_str("</m:ItemShape>");
    shape
}

/// `GetItem` of item ids.
pub(crate) fn get(
    ids: &[&str],
    base: &str,
    body_type: Option<&str>,
    additional: &[&str],
) -> String {
    get_refs(
        &id_list("ItemId", ids),
        base,
        body_type,
        &additional_paths(additional),
    )
}

/// `FindItem` with a `CalendarView` on the calendar of `mailbox` (own when `None`).
pub(crate) fn find(
    start: &str,
    end: &str,
    max: Option<u32>,
    mailbox: Option<&str>,
    base: &str,
    additional: &[&str],
) -> String {
    let max = max.map_or_else(String::new, |m| format!(r#" MaxEntriesReturned="{m}""#));
    let view = format!(r#"<m:CalendarView{max} StartDate="{start}" EndDate="{end}"/>"#);
    find_with_view(&view, mailbox, base, additional)
}

/// `FindItem` with any view element (or none).
pub(crate) fn find_with_view(
    view: &str,
    mailbox: Option<&str>,
    base: &str,
    additional: &[&str],
) -> String {
    envelope(&format!(
        r#"<m:FindItem Traversal="Shallow">{}{view}<m:ParentFolderIds>{}</m:ParentFolderIds></m:FindItem>"#,
        item_shape(base, additional),
        calendar_folder(mailbox)
    ))
}

/// `DeleteItem` with `SendMeetingCancellations="SendToNone"`.
pub(crate) fn delete(ids: &[&str]) -> String {
    delete_with(ids, r#" SendMeetingCancellations="SendToNone""#)
}

/// `DeleteItem` with the given extra attributes.
pub(crate) fn delete_with(ids: &[&str], attributes: &str) -> String {
    delete_ids(
        ids,
        &format!(r#" DeleteType="MoveToDeletedItems"{attributes}"#),
    )
}

/// `UpdateItem` of one item; `attributes` holds `ConflictResolution` and the rest.
pub(crate) fn update(
    id: &str,
    change_key: Option<&str>,
    attributes: &str,
    updates: &[String],
) -> String {
    update_with(id, change_key, &format!("{SAVE}{attributes}"), updates)
}

fn calendar_item(property: &str) -> String {
    format!("<t:CalendarItem>{property}</t:CalendarItem>")
}

/// `SetItemField` of `uri` with the property element `property`.
pub(crate) fn set_field(uri: &str, property: &str) -> String {
    change("SetItemField", &field(uri), Some(&calendar_item(property)))
}

/// `AppendToItemField` of `uri` with the property element `property`.
pub(crate) fn append_field(uri: &str, property: &str) -> String {
    change(
        "AppendToItemField",
        &field(uri),
        Some(&calendar_item(property)),
    )
}

/// `DeleteItemField` of `uri`.
pub(crate) fn delete_field(uri: &str) -> String {
    change("DeleteItemField", &field(uri), None)
}
