use chrono::{NaiveDate, TimeDelta, TimeZone};

use super::*;
use crate::test_support::sample;
use crate::timezone::GetServerTimeZones;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
}

fn hours(offset: Option<FixedOffset>) -> Option<f64> {
    offset.map(|o| f64::from(o.local_minus_utc()) / 3600.0)
}

/// "W. Europe Standard Time" of the Exchange 2010 sample.
fn berlin() -> Option<TimeZoneDefinition> {
    let bytes = sample("exl-getservertimezones-response.xml")?;
    let mut zones = GetServerTimeZones::parse_response(&bytes).unwrap();
    assert_eq!(zones.len(), 1);
    Some(zones.remove(0))
}

/// A definition as the server writes one, the document around it included.
pub(in crate::timezone) fn parse_one(definition: &str) -> Result<TimeZoneDefinition, EwsError> {
    let xml = format!(
        r#"<s:Envelope xmlns:s="s"><s:Body><m:GetServerTimeZonesResponse xmlns:m="m" xmlns:t="t">
        <m:ResponseMessages><m:GetServerTimeZonesResponseMessage ResponseClass="Success">
        <m:ResponseCode>NoError</m:ResponseCode><m:TimeZoneDefinitions>{definition}
        </m:TimeZoneDefinitions></m:GetServerTimeZonesResponseMessage></m:ResponseMessages>
        </m:GetServerTimeZonesResponse></s:Body></s:Envelope>"#
    );
    GetServerTimeZones::parse_response(xml.as_bytes()).map(|mut v| v.remove(0))
}

/// US Eastern time: until 2006 from the first Sunday of April to the last of October,
/// since 2007 from the second Sunday of March to the first of November.
pub(in crate::timezone) const EASTERN: &str = r#"<t:TimeZoneDefinition Id="Eastern Standard Time" Name="(UTC-05:00) Eastern Time">
  <t:Periods>
    <t:Period Bias="PT300M" Name="Standard" Id="std"/>
    <t:Period Bias="PT240M" Name="Daylight" Id="dlt"/>
  </t:Periods>
  <t:TransitionsGroups>
    <t:TransitionsGroup Id="old">
      <t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>PT2H</t:TimeOffset>
        <t:Month>4</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence></t:RecurringDayTransition>
      <t:RecurringDayTransition><t:To Kind="Period">std</t:To><t:TimeOffset>PT2H</t:TimeOffset>
        <t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>
    </t:TransitionsGroup>
    <t:TransitionsGroup Id="new">
      <t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>PT2H</t:TimeOffset>
        <t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>2</t:Occurrence></t:RecurringDayTransition>
      <t:RecurringDayTransition><t:To Kind="Period">std</t:To><t:TimeOffset>PT2H</t:TimeOffset>
        <t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence></t:RecurringDayTransition>
    </t:TransitionsGroup>
  </t:TransitionsGroups>
  <t:Transitions>
    <t:Transition><t:To Kind="Group">old</t:To></t:Transition>
    <t:AbsoluteDateTransition><t:To Kind="Group">new</t:To><t:DateTime>2007-01-01T00:00:00</t:DateTime></t:AbsoluteDateTransition>
  </t:Transitions>
</t:TimeZoneDefinition>"#;

#[test]
fn berlin_is_one_hour_ahead_in_winter_and_two_in_summer() {
    let Some(berlin) = berlin() else { return };
    assert_eq!(berlin.id, "W. Europe Standard Time");
    assert_eq!(hours(berlin.offset_at(utc(2026, 1, 15, 12, 0))), Some(1.0));
    assert_eq!(hours(berlin.offset_at(utc(2026, 7, 15, 12, 0))), Some(2.0));
    assert_eq!(
        hours(berlin.offset_at(utc(2026, 12, 31, 23, 59))),
        Some(1.0)
    );
    assert_eq!(
        berlin
            .period_at(utc(2026, 7, 1, 0, 0))
            .map(|p| p.name.as_str()),
        Some("Daylight")
    );
}

#[test]
fn berlin_switches_at_the_right_instants_of_2026() {
    let Some(berlin) = berlin() else { return };
    let second = TimeDelta::seconds(1);
    // 29 March, 02:00 standard time = 01:00 UTC.
    let spring = utc(2026, 3, 29, 1, 0);
    assert_eq!(hours(berlin.offset_at(spring - second)), Some(1.0));
    assert_eq!(hours(berlin.offset_at(spring)), Some(2.0));
    // 25 October, 03:00 summer time = 01:00 UTC.
    let autumn = utc(2026, 10, 25, 1, 0);
    assert_eq!(hours(berlin.offset_at(autumn - second)), Some(2.0));
    assert_eq!(hours(berlin.offset_at(autumn)), Some(1.0));
    // A week earlier nothing changes.
    assert_eq!(hours(berlin.offset_at(utc(2026, 3, 22, 1, 0))), Some(1.0));
    assert_eq!(hours(berlin.offset_at(utc(2026, 10, 18, 1, 0))), Some(2.0));
}

#[test]
fn a_weekly_series_keeps_its_local_time_across_the_march_change() {
    let Some(berlin) = berlin() else { return };
    let series = berlin
        .weekly_occurrences(local(2026, 3, 16, 9, 0), 4)
        .unwrap();
    assert_eq!(
        series,
        [
            utc(2026, 3, 16, 8, 0),
            utc(2026, 3, 23, 8, 0),
            utc(2026, 3, 30, 7, 0),
            utc(2026, 4, 6, 7, 0),
        ]
    );
    for (at, day) in series.iter().zip([16, 23, 30, 6]) {
        let offset = berlin.offset_at(*at).unwrap();
        let back = at.with_timezone(&offset).naive_local();
        assert_eq!(
            (back.day(), back.time()),
            (day, local(2026, 1, 1, 9, 0).time())
        );
    }
    assert!(berlin
        .weekly_occurrences(local(2026, 3, 16, 9, 0), 0)
        .unwrap()
        .is_empty());
}

#[test]
fn local_times_in_gaps_move_forward_and_repeated_ones_take_the_first() {
    let Some(berlin) = berlin() else { return };
    assert_eq!(
        berlin.local_to_utc(local(2026, 3, 29, 2, 30)),
        Some(utc(2026, 3, 29, 1, 30))
    );
    assert_eq!(
        berlin.local_to_utc(local(2026, 10, 25, 2, 30)),
        Some(utc(2026, 10, 25, 0, 30))
    );
    assert_eq!(
        berlin.local_to_utc(local(2026, 10, 25, 3, 0)),
        Some(utc(2026, 10, 25, 2, 0))
    );
}

#[test]
fn absolute_transitions_switch_between_groups() {
    let eastern = parse_one(EASTERN).unwrap();
    // 2006: daylight time from 2 April to 29 October.
    assert_eq!(
        hours(eastern.offset_at(utc(2006, 3, 20, 12, 0))),
        Some(-5.0)
    );
    assert_eq!(hours(eastern.offset_at(utc(2006, 4, 2, 6, 59))), Some(-5.0));
    assert_eq!(hours(eastern.offset_at(utc(2006, 4, 2, 7, 0))), Some(-4.0));
    assert_eq!(
        hours(eastern.offset_at(utc(2006, 10, 29, 5, 59))),
        Some(-4.0)
    );
    assert_eq!(
        hours(eastern.offset_at(utc(2006, 10, 29, 6, 0))),
        Some(-5.0)
    );
    // 2026: from 8 March to 1 November.
    assert_eq!(hours(eastern.offset_at(utc(2026, 3, 8, 6, 59))), Some(-5.0));
    assert_eq!(hours(eastern.offset_at(utc(2026, 3, 8, 7, 0))), Some(-4.0));
    assert_eq!(
        hours(eastern.offset_at(utc(2026, 11, 1, 5, 59))),
        Some(-4.0)
    );
    assert_eq!(hours(eastern.offset_at(utc(2026, 11, 1, 6, 0))), Some(-5.0));
    assert_eq!(
        hours(eastern.offset_at(utc(2026, 3, 20, 12, 0))),
        Some(-4.0)
    );
}

#[test]
fn finds_nth_and_last_weekdays() {
    let day = |y, m, w, n| nth_weekday(y, m, w, n).map(|d| d.day());
    // March 2026 starts on a Sunday and has five Sundays: 1, 8, 15, 22, 29.
    assert_eq!(day(2026, 3, Weekday::Sun, 1), Some(1));
    assert_eq!(day(2026, 3, Weekday::Sun, 2), Some(8));
    assert_eq!(day(2026, 3, Weekday::Sun, 5), Some(29));
    assert_eq!(day(2026, 3, Weekday::Sun, -1), Some(29));
    assert_eq!(day(2026, 3, Weekday::Sun, -5), Some(1));
    // February 2026 has four Sundays: 1, 8, 15, 22.
    assert_eq!(day(2026, 2, Weekday::Sun, 5), Some(22));
    assert_eq!(day(2026, 2, Weekday::Sun, -5), Some(1));
    assert_eq!(day(2026, 2, Weekday::Sat, -1), Some(28));
    assert_eq!(day(2024, 2, Weekday::Thu, -1), Some(29));
    assert_eq!(day(2026, 3, Weekday::Sun, 0), None);
    assert_eq!(day(2026, 3, Weekday::Sun, -128), None);
    assert_eq!(day(2026, 3, Weekday::Sun, 6), None);
    assert_eq!(last_day(2024, 2), Some(29));
    assert_eq!(day(2026, 0, Weekday::Sun, 1), None);
    assert_eq!(day(2026, 13, Weekday::Sun, -1), None);
    assert_eq!(last_day(2024, 13), None);
    assert_eq!(last_day(2026, 12), Some(31));
}

#[test]
fn recurring_dates_clamp_to_the_end_of_the_month() {
    let zone = parse_one(
        r#"<t:TimeZoneDefinition Id="Dated">
          <t:Periods><t:Period Bias="PT0M" Name="S" Id="s"/><t:Period Bias="-PT60M" Name="D" Id="d"/></t:Periods>
          <t:TransitionsGroups><t:TransitionsGroup Id="g">
            <t:RecurringDateTransition><t:To Kind="Period">d</t:To><t:TimeOffset>PT0M</t:TimeOffset><t:Month>2</t:Month><t:Day>31</t:Day></t:RecurringDateTransition>
            <t:RecurringDateTransition><t:To Kind="Period">s</t:To><t:TimeOffset>PT0M</t:TimeOffset><t:Month>9</t:Month><t:Day>1</t:Day></t:RecurringDateTransition>
          </t:TransitionsGroup></t:TransitionsGroups>
          <t:Transitions><t:Transition><t:To Kind="Group">g</t:To></t:Transition></t:Transitions>
        </t:TimeZoneDefinition>"#,
    )
    .unwrap();
    assert_eq!(hours(zone.offset_at(utc(2026, 2, 27, 23, 59))), Some(0.0));
    assert_eq!(hours(zone.offset_at(utc(2026, 2, 28, 0, 0))), Some(1.0));
    assert_eq!(hours(zone.offset_at(utc(2026, 8, 31, 22, 59))), Some(1.0));
    assert_eq!(hours(zone.offset_at(utc(2026, 8, 31, 23, 0))), Some(0.0));
}

#[test]
fn definitions_changed_after_parsing_give_no_offset_instead_of_panicking() {
    let mut eastern = parse_one(EASTERN).unwrap();
    eastern.periods[0].bias = TimeDelta::days(3);
    assert_eq!(eastern.periods[0].utc_offset(), None);
    assert_eq!(eastern.offset_at(utc(2026, 1, 15, 0, 0)), None);
    let mut eastern = parse_one(EASTERN).unwrap();
    eastern.periods[1].bias = TimeDelta::MAX;
    assert_eq!(eastern.offset_at(utc(2026, 7, 15, 0, 0)), None);
    let mut eastern = parse_one(EASTERN).unwrap();
    for group in &mut eastern.transitions_groups {
        for transition in &mut group.transitions {
            if let TransitionKind::RecurringDay {
                occurrence,
                time_offset,
                ..
            } = &mut transition.kind
            {
                *occurrence = 0;
                *time_offset = TimeDelta::MAX;
            }
        }
    }
    assert_eq!(eastern.offset_at(utc(2026, 7, 15, 0, 0)), None);
}

#[test]
fn short_definitions_and_range_ends_give_no_offset() {
    let short =
        parse_one(r#"<t:TimeZoneDefinition Id="UTC" Name="(UTC) Coordinated Universal Time"/>"#)
            .unwrap();
    assert_eq!(short.offset_at(utc(2026, 1, 1, 0, 0)), None);
    assert_eq!(short.local_to_utc(local(2026, 1, 1, 0, 0)), None);
    let err = short
        .weekly_occurrences(local(2026, 1, 1, 0, 0), 2)
        .unwrap_err();
    assert!(matches!(
        err,
        EwsError::InvalidArgument {
            argument: "first",
            ..
        }
    ));
    let eastern = parse_one(EASTERN).unwrap();
    assert_eq!(
        hours(eastern.offset_at(DateTime::<Utc>::MAX_UTC)),
        Some(-5.0)
    );
    assert_eq!(
        hours(eastern.offset_at(DateTime::<Utc>::MIN_UTC)),
        Some(-5.0)
    );
    assert_eq!(eastern.local_to_utc(NaiveDateTime::MAX), None);
    assert_eq!(eastern.local_to_utc(NaiveDateTime::MIN), None);
    let near_end = NaiveDateTime::MAX - TimeDelta::days(10);
    let err = eastern.weekly_occurrences(near_end, 3).unwrap_err();
    assert!(matches!(
        err,
        EwsError::InvalidArgument {
            argument: "first",
            ..
        }
    ));
    let err = eastern
        .weekly_occurrences(local(2026, 1, 1, 0, 0), MAX_WEEKLY_OCCURRENCES + 1)
        .unwrap_err();
    assert!(matches!(
        err,
        EwsError::InvalidArgument {
            argument: "count",
            ..
        }
    ));
    assert_eq!(
        eastern
            .weekly_occurrences(local(2026, 1, 1, 0, 0), MAX_WEEKLY_OCCURRENCES)
            .unwrap()
            .len(),
        MAX_WEEKLY_OCCURRENCES
    );
}
