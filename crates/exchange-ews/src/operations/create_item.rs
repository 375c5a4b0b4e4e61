//! `CreateItem` of one calendar item.

use super::calendar_item::item_id;
use super::{check_range, sans_io_methods, write_folder, Operation};
use crate::soap::request_envelope;
use crate::xml::{format_date_time, XmlWriter};
use crate::{
    Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, NewCalendarItem,
    SendMeetingInvitations,
};

/// The Windows time zone id of UTC, which all-day items are created in.
const UTC_TIME_ZONE: &str = "UTC";

/// Creates one calendar item in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCalendarItem {
    folder: FolderTarget,
    item: NewCalendarItem,
    invitations: SendMeetingInvitations,
}

impl CreateCalendarItem {
    /// The request to create `item` in `folder`, sending invitations as `invitations` says.
    pub fn new(
        folder: FolderTarget,
        item: NewCalendarItem,
        invitations: SendMeetingInvitations,
    ) -> Result<Self, EwsError> {
        folder.check("folder")?;
        check_calendar_item(&item)?;
        Ok(Self {
            folder,
            item,
            invitations,
        })
    }

    /// The folder the item goes to.
    pub fn folder(&self) -> &FolderTarget {
        &self.folder
    }

    /// The item to create.
    pub fn item(&self) -> &NewCalendarItem {
        &self.item
    }
}

sans_io_methods!(CreateCalendarItem);

impl Operation for CreateCalendarItem {
    type Output = ItemId;
    const NAME: &'static str = "CreateItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start(
                "m:CreateItem",
                &[("SendMeetingInvitations", self.invitations.as_str())],
            );
            w.start("m:SavedItemFolderId", &[]);
            write_folder(w, &self.folder);
            w.end().start("m:Items", &[]);
            write_calendar_item(w, version, &self.item);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<ItemId, EwsError> {
        let items = envelope
            .single_message(Self::NAME)?
            .required_child("Items")?;
        item_id(
            items
                .required_child("CalendarItem")?
                .required_child("ItemId")?,
        )
    }
}

/// Writes `t:CalendarItem` with its elements in schema order (item properties first, then
/// the calendar properties).
/// Refuses a calendar item Exchange would refuse.
pub(crate) fn check_calendar_item(item: &NewCalendarItem) -> Result<(), EwsError> {
    check_range("item times", item.start, item.end)
}

/// Writes a `t:CalendarItem` to create, its properties in schema order.
pub(crate) fn write_calendar_item(
    w: &mut XmlWriter,
    version: ExchangeVersion,
    item: &NewCalendarItem,
) {
    w.start("t:CalendarItem", &[])
        .text_element("t:Subject", &[], &item.subject);
    if let Some(body) = &item.body {
        w.text_element("t:Body", &[("BodyType", body.kind.as_str())], &body.content);
    }
    w.text_element("t:Start", &[], &format_date_time(item.start))
        .text_element("t:End", &[], &format_date_time(item.end))
        .text_element(
            "t:IsAllDayEvent",
            &[],
            if item.is_all_day { "true" } else { "false" },
        );
    if let Some(location) = &item.location {
        w.text_element("t:Location", &[], location);
    }
    // Exchange moves an all-day item's bounds to midnight of the item's time zone; naming
    // UTC keeps the UTC bounds the caller gave.
    if item.is_all_day {
        if version.has_time_zone_definitions() {
            w.empty("t:StartTimeZone", &[("Id", UTC_TIME_ZONE)])
                .empty("t:EndTimeZone", &[("Id", UTC_TIME_ZONE)]);
        } else {
            w.start("t:MeetingTimeZone", &[("TimeZoneName", UTC_TIME_ZONE)])
                .text_element("t:BaseOffset", &[], "PT0H")
                .end();
        }
    }
    w.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;
    use crate::{Body, DistinguishedFolder};
    use chrono::{TimeZone, Utc};

    fn new_item() -> NewCalendarItem {
        NewCalendarItem {
            subject: "Plan <Q3> & \"more\"".into(),
            start: Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap(),
            is_all_day: false,
            location: Some("Room 1".into()),
            body: Some(Body::html("<p>Hi</p>")),
        }
    }

    fn calendar() -> FolderTarget {
        DistinguishedFolder::Calendar.into()
    }

    #[test]
    fn writes_the_item_in_schema_order() {
        let request =
            CreateCalendarItem::new(calendar(), new_item(), SendMeetingInvitations::SendToNone)
                .unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2010Sp2);
        assert!(xml.contains(r#"<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId>"#));
        assert!(xml.contains(concat!(
            r#"<t:CalendarItem><t:Subject>Plan &lt;Q3&gt; &amp; "more"</t:Subject>"#,
            r#"<t:Body BodyType="HTML">&lt;p&gt;Hi&lt;/p&gt;</t:Body>"#,
            r#"<t:Start>2024-05-01T08:00:00Z</t:Start><t:End>2024-05-01T09:00:00Z</t:End>"#,
            r#"<t:IsAllDayEvent>false</t:IsAllDayEvent><t:Location>Room 1</t:Location></t:CalendarItem>"#
        )));
        assert!(!xml.contains("TimeZone"));
        assert_eq!(request.item(), &new_item());
        assert_eq!(request.folder(), &calendar());
    }

    #[test]
    fn leaves_out_absent_fields() {
        let item = NewCalendarItem {
            location: None,
            body: None,
            ..new_item()
        };
        let xml = CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendOnlyToAll)
            .unwrap()
            .to_envelope(ExchangeVersion::Exchange2016);
        assert!(!xml.contains("t:Body") && !xml.contains("t:Location"));
        assert!(xml.contains(r#"SendMeetingInvitations="SendOnlyToAll""#));
    }

    #[test]
    fn names_utc_for_all_day_items() {
        let item = NewCalendarItem {
            is_all_day: true,
            ..new_item()
        };
        let request = CreateCalendarItem::new(
            calendar(),
            item,
            SendMeetingInvitations::SendToAllAndSaveCopy,
        )
        .unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2013);
        assert!(xml.contains(r#"<t:IsAllDayEvent>true</t:IsAllDayEvent>"#));
        assert!(xml
            .contains(r#"<t:StartTimeZone Id="UTC"/><t:EndTimeZone Id="UTC"/></t:CalendarItem>"#));
        let xml = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
        assert!(xml.contains(r#"<t:MeetingTimeZone TimeZoneName="UTC"><t:BaseOffset>PT0H</t:BaseOffset></t:MeetingTimeZone></t:CalendarItem>"#));
    }

    #[test]
    fn refuses_items_that_end_before_they_start() {
        let item = NewCalendarItem {
            end: new_item().start - chrono::Duration::seconds(1),
            ..new_item()
        };
        let err = CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendToNone)
            .unwrap_err();
        assert!(
            matches!(
                err,
                EwsError::InvalidArgument {
                    argument: "item times",
                    ..
                }
            ),
            "{err}"
        );
        let other = FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, String::new());
        assert!(
            CreateCalendarItem::new(other, new_item(), SendMeetingInvitations::SendToNone).is_err()
        );
    }

    #[test]
    fn parses_the_create_sample() {
        let Some(bytes) = sample("ms-createitem-calendar-response.xml") else {
            return;
        };
        let id = CreateCalendarItem::parse_response(&bytes).unwrap();
        assert_eq!(id, ItemId::new("AAAlAFV").with_change_key("DwAAABYA"));
    }

    #[test]
    fn refuses_an_answer_without_the_item() {
        let Some(bytes) = sample("exl-createitem-bulk-no-result-response.xml") else {
            return;
        };
        let err = CreateCalendarItem::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response has no <CalendarItem> in <Items>"
        );
    }
}
