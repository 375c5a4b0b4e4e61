//! `FindItem` with a `CalendarView`: the calendar items of a time range.

use chrono::{DateTime, Utc};

use super::write_item_shape;
use crate::calendar::CalendarView;
use crate::items::ItemShape;
use crate::operations::item_xml::calendar::calendar_item;
use crate::operations::{check_range, sans_io_methods, write_folder};
use crate::soap::{cut, request_envelope};
use crate::xml::{format_date_time, parse_bool};
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Operation};

/// Finds the calendar items of a folder that overlap a time range; recurring series come back
/// expanded into their occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCalendarItems {
    folder: FolderTarget,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    max_entries: Option<u32>,
    shape: Option<ItemShape>,
}

impl FindCalendarItems {
    /// The request for the items of `folder` between `start` and `end`, at most
    /// `max_entries` of them.
    pub fn new(
        folder: FolderTarget,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        max_entries: Option<u32>,
    ) -> Result<Self, EwsError> {
        folder.check("folder")?;
        check_range("time range", start, end)?;
        if let Some(n) = max_entries {
            if n == 0 || n > i32::MAX as u32 {
                return Err(EwsError::InvalidArgument {
                    argument: "max_entries",
                    reason: format!("{n} is not between 1 and {}", i32::MAX),
                });
            }
        }
        Ok(Self {
            folder,
            start,
            end,
            max_entries,
            shape: None,
        })
    }

    /// The request with `shape` instead of the calendar properties this crate reads by
    /// default; bodies cannot be asked for. The answer is still read into
    /// [`CalendarItem`](crate::calendar::CalendarItem)s, with the properties the shape asked
    /// for (extended ones included).
    pub fn with_shape(mut self, shape: ItemShape) -> Result<Self, EwsError> {
        crate::operations::items::check_find_shape(&shape)?;
        self.shape = Some(shape);
        Ok(self)
    }

    /// The shape, when not the default.
    pub fn shape(&self) -> Option<&ItemShape> {
        self.shape.as_ref()
    }

    /// The folder searched.
    pub fn folder(&self) -> &FolderTarget {
        &self.folder
    }

    /// The start of the range.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The end of the range.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// The most items asked for.
    pub fn max_entries(&self) -> Option<u32> {
        self.max_entries
    }
}

sans_io_methods!(FindCalendarItems);

impl Operation for FindCalendarItems {
    type Output = CalendarView;
    const NAME: &'static str = "FindItem";

    fn parse_envelope(bytes: &[u8]) -> Result<Envelope, EwsError> {
        crate::operations::item_xml::calendar::envelope_for_calendar_items(bytes)
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        match &self.shape {
            Some(shape) => shape.check(version),
            None => Ok(()),
        }
    }

    fn envelope(&self, version: ExchangeVersion) -> String {
        let start = format_date_time(self.start);
        let end = format_date_time(self.end);
        let max = self.max_entries.map(|n| n.to_string());
        request_envelope(version, |w| {
            w.start("m:FindItem", &[("Traversal", "Shallow")]);
            match &self.shape {
                Some(shape) => shape.write(w),
                None => write_item_shape(w, version, false),
            }
            match &max {
                Some(max) => w.empty(
                    "m:CalendarView",
                    &[
                        ("MaxEntriesReturned", max),
                        ("StartDate", &start),
                        ("EndDate", &end),
                    ],
                ),
                None => w.empty(
                    "m:CalendarView",
                    &[("StartDate", &start), ("EndDate", &end)],
                ),
            };
            w.start("m:ParentFolderIds", &[]);
            write_folder(w, &self.folder);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<CalendarView, EwsError> {
        let root = envelope
            .single_message(Self::NAME)?
            .required_child("RootFolder")?;
        let includes_last_item_in_range = match root.attribute("IncludesLastItemInRange") {
            None => true,
            Some(v) => parse_bool(v).ok_or_else(|| EwsError::InvalidValue {
                element: "RootFolder@IncludesLastItemInRange".into(),
                value: cut(v),
                expected: "an xs:boolean",
            })?,
        };
        let items = match root.child("Items") {
            Some(items) => items
                .children()
                .iter()
                .filter(|e| e.name() == "CalendarItem")
                .map(calendar_item)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(CalendarView {
            items,
            includes_last_item_in_range,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;
    use crate::{DistinguishedFolder, ItemId};

    #[test]
    fn a_shape_replaces_the_default_properties_and_may_not_ask_for_bodies() {
        use chrono::TimeZone as _;

        use crate::items::{BaseShape, PropertyPath};
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let request = FindCalendarItems::new(
            FolderTarget::Distinguished(DistinguishedFolder::Calendar),
            start,
            start + chrono::Duration::days(7),
            Some(10),
        )
        .unwrap();
        let shaped = request
            .clone()
            .with_shape(
                ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("calendar:Location")),
            )
            .unwrap();
        let xml = shaped
            .checked_envelope(ExchangeVersion::Exchange2010)
            .unwrap();
        assert!(
            xml.contains("<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI=\"calendar:Location\"/></t:AdditionalProperties>"),
            "{xml}"
        );
        assert!(!xml.contains("calendar:Start\""), "{xml}");
        let body = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:Body"));
        assert!(request.clone().with_shape(body).is_err());
        let too_new =
            ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("calendar:StartTimeZone"));
        let shaped = request.with_shape(too_new).unwrap();
        assert!(shaped
            .checked_envelope(ExchangeVersion::Exchange2007Sp1)
            .is_err());
    }
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, day, hour, 0, 0).unwrap()
    }

    fn calendar() -> FolderTarget {
        FolderTarget::Distinguished(DistinguishedFolder::Calendar)
    }

    #[test]
    fn writes_the_calendar_view() {
        let request = FindCalendarItems::new(calendar(), at(1, 0), at(8, 0), Some(50)).unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2010);
        assert!(xml.contains(
            r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape>"#
        ));
        assert!(xml.contains(r#"<t:FieldURI FieldURI="calendar:Start"/>"#));
        assert!(!xml.contains("item:Body"), "FindItem cannot return bodies");
        assert!(xml.contains(
            r#"<m:CalendarView MaxEntriesReturned="50" StartDate="2024-05-01T00:00:00Z" EndDate="2024-05-08T00:00:00Z"/>"#
        ));
        assert!(xml.contains(
            r#"<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>"#
        ));
        let unbounded = FindCalendarItems::new(calendar(), at(1, 0), at(8, 0), None).unwrap();
        assert!(!unbounded
            .to_envelope(ExchangeVersion::Exchange2010)
            .contains("MaxEntriesReturned"));
    }

    #[test]
    fn writes_delegate_and_id_folders() {
        let other =
            FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into());
        let xml = FindCalendarItems::new(other, at(1, 0), at(2, 0), None)
            .unwrap()
            .to_envelope(ExchangeVersion::Exchange2007Sp1);
        assert!(xml.contains(r#"<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>"#));
        let by_id = FolderTarget::Id("AQMk&\"=".into());
        let xml = FindCalendarItems::new(by_id, at(1, 0), at(2, 0), None)
            .unwrap()
            .to_envelope(ExchangeVersion::Exchange2016);
        assert!(xml.contains(r#"<t:FolderId Id="AQMk&amp;&quot;="/>"#));
    }

    #[test]
    fn refuses_bad_arguments() {
        let invalid = |r: Result<FindCalendarItems, EwsError>| {
            assert!(matches!(r, Err(EwsError::InvalidArgument { .. })), "{r:?}");
        };
        invalid(FindCalendarItems::new(calendar(), at(8, 0), at(1, 0), None));
        invalid(FindCalendarItems::new(
            calendar(),
            at(1, 0),
            at(8, 0),
            Some(0),
        ));
        invalid(FindCalendarItems::new(
            calendar(),
            at(1, 0),
            at(8, 0),
            Some(u32::MAX),
        ));
        invalid(FindCalendarItems::new(
            FolderTarget::Id(String::new()),
            at(1, 0),
            at(8, 0),
            None,
        ));
        let ok = FindCalendarItems::new(calendar(), at(1, 0), at(1, 0), Some(1)).unwrap();
        assert_eq!(
            (ok.start(), ok.end(), ok.max_entries()),
            (at(1, 0), at(1, 0), Some(1))
        );
        assert_eq!(ok.folder(), &calendar());
    }

    #[test]
    fn parses_the_calendar_view_sample() {
        let Some(bytes) = sample("ms-calendarview-finditem-response.xml") else {
            return;
        };
        let view = FindCalendarItems::parse_response(&bytes).unwrap();
        assert!(!view.includes_last_item_in_range);
        assert_eq!(view.items.len(), 5);
        let first = &view.items[0];
        assert_eq!(first.id, ItemId::new("AAMk").with_change_key("DwAA"));
        assert_eq!(first.subject, "Contoso devs team meeting");
        assert_eq!(
            first.start,
            Utc.with_ymd_and_hms(2013, 8, 21, 19, 30, 0).unwrap()
        );
        assert_eq!(
            first.end,
            Utc.with_ymd_and_hms(2013, 8, 21, 20, 0, 0).unwrap()
        );
        assert_eq!(view.items[4].subject, "Online training webcast");
    }

    #[test]
    fn parses_the_error_sample() {
        let Some(bytes) = sample("ms-finditem-error-response.xml") else {
            return;
        };
        let err = FindCalendarItems::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.response_code(),
            Some(&crate::ResponseCode::ErrorInvalidIdMalformed)
        );
    }

    #[test]
    fn needs_start_and_end_of_every_item() {
        // The delegate sample asked for other properties, so its item has no Start.
        let Some(bytes) = sample("ms-delegate-calendar-finditem-response.xml") else {
            return;
        };
        let err = FindCalendarItems::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response has no <Start> in <CalendarItem>"
        );
    }

    #[test]
    fn reads_an_empty_view() {
        let xml = br#"<s:Envelope xmlns:s="urn:s"><s:Body><m:FindItemResponse xmlns:m="urn:m" xmlns:t="urn:t">
            <m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
            <m:RootFolder TotalItemsInView="0"><t:Items/></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages>
            </m:FindItemResponse></s:Body></s:Envelope>"#;
        let view = FindCalendarItems::parse_response(xml).unwrap();
        assert!(view.items.is_empty());
        assert!(view.includes_last_item_in_range);
        let bad = String::from_utf8_lossy(xml).replace(
            "TotalItemsInView=\"0\"",
            "IncludesLastItemInRange=\"perhaps\"",
        );
        assert!(matches!(
            FindCalendarItems::parse_response(bad.as_bytes()),
            Err(EwsError::InvalidValue { .. })
        ));
        let no_root = String::from_utf8_lossy(xml).replace("RootFolder", "Other");
        assert!(matches!(
            FindCalendarItems::parse_response(no_root.as_bytes()),
            Err(EwsError::MissingElement { .. })
        ));
    }
}
