//! `GetItem` of one calendar item, body included.

use super::write_item_shape;
use crate::calendar::CalendarItem;
use crate::operations::item_xml::calendar::calendar_item;
use crate::operations::{sans_io_methods, write_item_id};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// Reads one calendar item with its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetCalendarItem {
    id: ItemId,
}

impl GetCalendarItem {
    /// The request for the item `id`.
    pub fn new(id: ItemId) -> Result<Self, EwsError> {
        id.check("item id")?;
        Ok(Self { id })
    }

    /// The item asked for.
    pub fn id(&self) -> &ItemId {
        &self.id
    }
}

sans_io_methods!(GetCalendarItem);

impl Operation for GetCalendarItem {
    type Output = CalendarItem;
    const NAME: &'static str = "GetItem";

    fn parse_envelope(bytes: &[u8]) -> Result<Envelope, EwsError> {
        crate::operations::item_xml::calendar::envelope_for_calendar_items(bytes)
    }

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:GetItem", &[]);
            write_item_shape(w, version, true);
            w.start("m:ItemIds", &[]);
            write_item_id(w, "t:ItemId", &self.id);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<CalendarItem, EwsError> {
        let items = envelope
            .single_message(Self::NAME)?
            .required_child("Items")?;
        // An id of a message or contact comes back as another element: not a calendar item.
        calendar_item(items.required_child("CalendarItem")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;
    use chrono::{TimeZone, Utc};

    #[test]
    fn writes_the_id_and_asks_for_the_body() {
        let request = GetCalendarItem::new(ItemId::new("AAMk<").with_change_key("Dw'")).unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2013);
        assert!(xml
            .contains(r#"<m:ItemIds><t:ItemId Id="AAMk&lt;" ChangeKey="Dw&apos;"/></m:ItemIds>"#));
        assert!(xml.contains(
            r#"<t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties></m:ItemShape>"#
        ));
        let plain = GetCalendarItem::new(ItemId::new("AAMk")).unwrap();
        assert!(plain
            .to_envelope(ExchangeVersion::Exchange2013)
            .contains(r#"<t:ItemId Id="AAMk"/>"#));
        assert_eq!(plain.id(), &ItemId::new("AAMk"));
    }

    #[test]
    fn refuses_empty_ids() {
        assert!(GetCalendarItem::new(ItemId::new("")).is_err());
    }

    #[test]
    fn parses_the_full_calendar_sample() {
        let Some(bytes) = sample("ms-getitem-calendar-response-full.xml") else {
            return;
        };
        let item = GetCalendarItem::parse_response(&bytes).unwrap();
        assert_eq!(item.id, ItemId::new("ASUAdT").with_change_key("otlIqB=="));
        assert_eq!(item.item_class.as_deref(), Some("IPM.Appointment"));
        assert_eq!(
            item.start,
            Utc.with_ymd_and_hms(2006, 6, 16, 0, 30, 0).unwrap()
        );
        assert_eq!(
            item.end,
            Utc.with_ymd_and_hms(2006, 6, 16, 1, 0, 0).unwrap()
        );
        assert_eq!(item.body, Some(crate::items::Body::text("")));
        assert_eq!(item.calendar_item_type.as_deref(), Some("Single"));
        assert_eq!(item.my_response_type.as_deref(), Some("Organizer"));
        assert_eq!(item.free_busy_status.as_deref(), Some("Busy"));
        assert!(!item.is_all_day && !item.is_meeting && !item.is_cancelled && !item.is_recurring);
        let organizer = item.organizer.unwrap();
        assert_eq!(organizer.name.as_deref(), Some("Bob"));
        assert_eq!(organizer.email.as_deref(), Some("someone@example.com"));
        // The conflicting meetings nested inside must not be taken for the item itself.
        assert_eq!(item.subject, "");
    }

    #[test]
    fn parses_the_recurring_master_sample() {
        let Some(bytes) = sample("ms-recurring-meeting-getitem-response.xml") else {
            return;
        };
        // The sample asked only for the recurrence, so the master's own times are missing.
        let err = GetCalendarItem::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response has no <Start> in <CalendarItem>"
        );
    }

    #[test]
    fn refuses_items_that_are_no_calendar_items() {
        let Some(bytes) = sample("ewsjava-getitem-meetingresponse-exchange2016.xml") else {
            return;
        };
        let err = GetCalendarItem::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response has no <CalendarItem> in <Items>"
        );
    }
}
