use super::*;
use crate::directory::{AttendeeType, FreeBusyViewKind, TimeZoneTransition};
use crate::test_support::sample;
use crate::ResponseCode;
use chrono::{Duration, NaiveTime, TimeZone, Weekday};

fn pacific() -> SerializableTimeZone {
    let change = |bias, day_order, month| TimeZoneTransition {
        bias_minutes: bias,
        time: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
        day_order,
        month,
        day_of_week: Weekday::Sun,
        year: None,
    };
    SerializableTimeZone {
        bias_minutes: 480,
        standard: change(0, 5, 10),
        daylight: change(-60, 1, 4),
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2006, 10, 16, 0, 0, 0).unwrap()
}

fn request(options: FreeBusyOptions) -> Result<GetUserAvailability, EwsError> {
    let room = AvailabilityMailbox {
        address: "room<1>@contoso.test".into(),
        attendee_type: AttendeeType::Room,
        exclude_conflicts: true,
    };
    GetUserAvailability::new(
        vec![AvailabilityMailbox::required("user1@example.com"), room],
        pacific(),
        start(),
        start() + Duration::days(1),
        options,
    )
}

const VIEW: &str = r#"<FreeBusyView><FreeBusyViewType>Detailed</FreeBusyViewType><MergedFreeBusy>0120</MergedFreeBusy>
  <CalendarEventArray><CalendarEvent><StartTime>2006-10-16T06:00:00-07:00</StartTime><EndTime>2006-10-16T06:30:00Z</EndTime><BusyType>Busy</BusyType>
    <CalendarEventDetails><ID>AB</ID><Subject>S</Subject><IsMeeting>true</IsMeeting><IsPrivate>true</IsPrivate><Sensitivity>x</Sensitivity></CalendarEventDetails></CalendarEvent></CalendarEventArray>
  <NewThing>kept</NewThing></FreeBusyView>"#;

fn answer(responses: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><GetUserAvailabilityResponse xmlns="urn:m"><FreeBusyResponseArray>{responses}</FreeBusyResponseArray></GetUserAvailabilityResponse></s:Body></s:Envelope>"#
    )
}

fn success(view: &str) -> String {
    format!(
        r#"<FreeBusyResponse><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage>{view}</FreeBusyResponse>"#
    )
}

const FAILED: &str = r#"<FreeBusyResponse><ResponseMessage ResponseClass="Error"><MessageText>No mailbox.</MessageText><ResponseCode>ErrorMailRecipientNotFound</ResponseCode></ResponseMessage></FreeBusyResponse>"#;

#[test]
fn writes_zone_mailboxes_and_options() {
    let options = FreeBusyOptions {
        merged_interval_minutes: Some(60),
        requested_view: FreeBusyViewKind::DetailedMerged,
    };
    let request = request(options).unwrap();
    assert_eq!(request.mailboxes().len(), 2);
    let xml = request.to_envelope(ExchangeVersion::Exchange2010);
    assert!(xml.contains("<m:GetUserAvailabilityRequest><t:TimeZone><t:Bias>480</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime><t:DaylightTime><t:Bias>-60</t:Bias>"), "{xml}");
    assert!(xml.contains("<m:MailboxDataArray><t:MailboxData><t:Email><t:Address>user1@example.com</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType><t:ExcludeConflicts>false</t:ExcludeConflicts></t:MailboxData><t:MailboxData><t:Email><t:Address>room&lt;1&gt;@contoso.test</t:Address></t:Email><t:AttendeeType>Room</t:AttendeeType><t:ExcludeConflicts>true</t:ExcludeConflicts>"), "{xml}");
    assert!(xml.contains("<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>2006-10-16T00:00:00Z</t:StartTime><t:EndTime>2006-10-17T00:00:00Z</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>DetailedMerged</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>"), "{xml}");
    let utc = GetUserAvailability::new(
        vec![AvailabilityMailbox::required("a@b.test")],
        SerializableTimeZone::utc(),
        start(),
        start(),
        FreeBusyOptions::default(),
    )
    .unwrap()
    .to_envelope(ExchangeVersion::Exchange2016);
    assert!(
        !utc.contains("MergedFreeBusyIntervalInMinutes") && utc.contains("<t:Month>0</t:Month>"),
        "{utc}"
    );
}

#[test]
fn refuses_bad_arguments() {
    for minutes in [0, 4, 1441] {
        let options = FreeBusyOptions {
            merged_interval_minutes: Some(minutes),
            ..FreeBusyOptions::default()
        };
        assert!(request(options).is_err(), "{minutes}");
    }
    let new = |mailboxes, end| {
        GetUserAvailability::new(
            mailboxes,
            SerializableTimeZone::utc(),
            start(),
            end,
            FreeBusyOptions::default(),
        )
    };
    let one = vec![AvailabilityMailbox::required("a@b.test")];
    assert!(new(Vec::new(), start()).is_err());
    assert!(new(vec![one[0].clone(); 101], start()).is_err());
    assert!(new(vec![one[0].clone(); 100], start()).is_ok());
    assert!(new(vec![AvailabilityMailbox::required("nobody")], start()).is_err());
    assert!(new(one, start() - Duration::days(1)).is_err());
}

#[test]
fn reads_views_and_keeps_per_mailbox_errors() {
    let views =
        GetUserAvailability::parse_response(answer(&(success(VIEW) + FAILED)).as_bytes()).unwrap();
    assert_eq!(views.len(), 2);
    let view = views[0].as_ref().unwrap();
    assert_eq!(
        (view.view_type.as_str(), view.merged.as_deref()),
        ("Detailed", Some("0120"))
    );
    let event = &view.events[0];
    assert_eq!(
        event.start,
        Utc.with_ymd_and_hms(2006, 10, 16, 13, 0, 0).unwrap()
    );
    assert_eq!(event.busy_type, "Busy");
    let details = event.details.as_ref().unwrap();
    assert_eq!(
        (
            details.id.as_deref(),
            details.subject.as_deref(),
            details.location.as_deref()
        ),
        (Some("AB"), Some("S"), None)
    );
    assert!(details.is_meeting && details.is_private && !details.is_recurring);
    assert_eq!(details.other[0].name(), "Sensitivity");
    assert_eq!(view.other[0].text(), "kept");
    assert!(view.working_hours.is_none());
    let error = views[1].as_ref().unwrap_err();
    assert_eq!(
        error.response_code().map(ResponseCode::as_str),
        Some("ErrorMailRecipientNotFound")
    );
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let whole = answer(&success(VIEW));
    for cut in [1, whole.len() / 2, whole.len() - 5] {
        assert!(
            GetUserAvailability::parse_response(&whole.as_bytes()[..cut])
                .unwrap_err()
                .is_malformed_response()
        );
    }
    for bad in [
        VIEW.replace("2006-10-16T06:00:00-07:00", "yesterday"),
        VIEW.replace(
            "<IsMeeting>true</IsMeeting>",
            "<IsMeeting>often</IsMeeting>",
        ),
        VIEW.replace("<EndTime>2006-10-16T06:30:00Z</EndTime>", ""),
        VIEW.replace(
            "</CalendarEventArray>",
            "</CalendarEventArray><WorkingHours/>",
        ),
    ] {
        let views = GetUserAvailability::parse_response(answer(&success(&bad)).as_bytes()).unwrap();
        assert!(
            views[0].as_ref().unwrap_err().is_malformed_response(),
            "{bad}"
        );
    }
    let no_view = answer(&success(""));
    assert!(GetUserAvailability::parse_response(no_view.as_bytes()).unwrap()[0].is_err());
    let no_array = whole.replace("FreeBusyResponseArray", "Other");
    assert!(GetUserAvailability::parse_response(no_array.as_bytes()).is_err());
    let wrong = whole.replace("GetUserAvailabilityResponse", "GetItemResponse");
    assert!(GetUserAvailability::parse_response(wrong.as_bytes()).is_err());
    let hostile = format!("<!DOCTYPE s [<!ENTITY x \"y\">]>{whole}");
    assert!(GetUserAvailability::parse_response(hostile.as_bytes()).is_err());
    let merged = "2".repeat(1 << 20);
    let oversized = answer(&success(&VIEW.replace("0120", &merged)));
    let views = GetUserAvailability::parse_response(oversized.as_bytes()).unwrap();
    assert_eq!(
        views[0].as_ref().unwrap().merged.as_ref().map(String::len),
        Some(1 << 20)
    );
    let deep = answer(&format!(
        "{}{}",
        "<x>".repeat(50_000),
        "</x>".repeat(50_000)
    ));
    assert!(GetUserAvailability::parse_response(deep.as_bytes()).is_err());
}

#[test]
fn reads_working_hours_and_refuses_bad_ones() {
    let hours = |zone: &str, period: &str| {
        let view = VIEW.replace(
            "<NewThing>",
            &format!("<WorkingHours><TimeZone>{zone}</TimeZone><WorkingPeriodArray><WorkingPeriod>{period}</WorkingPeriod></WorkingPeriodArray></WorkingHours><NewThing>"),
        );
        GetUserAvailability::parse_response(answer(&success(&view)).as_bytes())
            .unwrap()
            .remove(0)
    };
    let zone = "<Bias>-60</Bias><StandardTime><Bias>0</Bias><Time>03:00:00</Time><DayOrder>5</DayOrder><Month>10</Month><DayOfWeek>Sunday</DayOfWeek></StandardTime><DaylightTime><Bias>-60</Bias><Time>02:00:00</Time><DayOrder>5</DayOrder><Month>3</Month><DayOfWeek>Sunday</DayOfWeek><Year>2024</Year></DaylightTime>";
    let period = "<DayOfWeek>Monday Friday</DayOfWeek><StartTimeInMinutes>480</StartTimeInMinutes><EndTimeInMinutes>1020</EndTimeInMinutes>";
    let view = hours(zone, period).unwrap();
    let working = view.working_hours.unwrap();
    assert_eq!(working.time_zone.bias_minutes, -60);
    assert_eq!(working.time_zone.daylight.year.as_deref(), Some("2024"));
    assert_eq!(working.periods[0].days, ["Monday", "Friday"]);
    assert_eq!(
        (
            working.periods[0].start_minutes,
            working.periods[0].end_minutes
        ),
        (480, 1020)
    );
    for (zone, period) in [
        (zone.replace("03:00:00", "3 o'clock"), period.to_owned()),
        (
            zone.replace(
                "<DayOfWeek>Sunday</DayOfWeek></StandardTime>",
                "<DayOfWeek>Funday</DayOfWeek></StandardTime>",
            ),
            period.to_owned(),
        ),
        (
            zone.replace(
                "<Bias>-60</Bias><StandardTime>",
                "<Bias>lots</Bias><StandardTime>",
            ),
            period.to_owned(),
        ),
        (
            zone.replace("<Month>10</Month>", "<Month>99999</Month>"),
            period.to_owned(),
        ),
        (zone.to_owned(), period.replace("1020", "1441")),
        (zone.to_owned(), period.replace("480", "-1")),
        (
            zone.to_owned(),
            period.replace("<StartTimeInMinutes>480</StartTimeInMinutes>", ""),
        ),
    ] {
        assert!(
            hours(&zone, &period).unwrap_err().is_malformed_response(),
            "{zone} {period}"
        );
    }
}

#[test]
fn parses_the_samples() {
    let Some(bytes) = sample("ms-getuseravailability-response.xml") else {
        return;
    };
    let views = GetUserAvailability::parse_response(&bytes).unwrap();
    assert_eq!(views.len(), 2);
    let first = views[0].as_ref().unwrap();
    assert_eq!(first.view_type, "DetailedMerged");
    assert_eq!(first.merged.as_deref(), Some("000002220220000000000000"));
    assert_eq!(first.events.len(), 3);
    assert_eq!(
        first.events[2]
            .details
            .as_ref()
            .unwrap()
            .location
            .as_deref(),
        Some("Kirkland")
    );
    let hours = first.working_hours.as_ref().unwrap();
    assert_eq!(hours.time_zone, pacific());
    assert_eq!(hours.periods[0].days.len(), 5);
    let second = views[1].as_ref().unwrap();
    assert_eq!(
        (
            second.events[0].busy_type.as_str(),
            second.events[0].details.is_none()
        ),
        ("Tentative", true)
    );
    // The zone of the request sample is the one this crate writes.
    let request = String::from_utf8(sample("ms-getuseravailability-request.xml").unwrap()).unwrap();
    let zone = crate::xml::parse(request.as_bytes()).unwrap();
    let zone = zone.child("Body").unwrap().children()[0]
        .child("TimeZone")
        .unwrap();
    assert_eq!(
        super::super::availability_xml::time_zone(zone).unwrap(),
        pacific()
    );
}
