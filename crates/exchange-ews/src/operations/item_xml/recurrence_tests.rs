use chrono::{Month, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::xml::parse;

fn write(r: &Recurrence, version: ExchangeVersion) -> String {
    let mut w = XmlWriter::default();
    write_recurrence(&mut w, r, version);
    w.finish()
}

/// Reads what was written, after declaring the prefix the writer uses.
fn read_back(xml: &str) -> Result<Recurrence, EwsError> {
    let xml = xml.replacen("<t:Recurrence>", r#"<t:Recurrence xmlns:t="urn:t">"#, 1);
    read_recurrence(&parse(xml.as_bytes()).expect("the writer writes well-formed XML"))
}

fn read(inner: &str) -> Result<Recurrence, EwsError> {
    read_back(&format!("<t:Recurrence>{inner}</t:Recurrence>"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const NO_END: &str = "<t:NoEndRecurrence><t:StartDate>2024-05-01</t:StartDate></t:NoEndRecurrence>";

#[test]
fn reads_every_pattern() {
    let cases = [
        (
            "<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence>",
            RecurrencePattern::Daily { interval: 2 },
        ),
        (
            "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek> Monday  Wednesday\nFriday </t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek></t:WeeklyRecurrence>",
            RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Monday, DayOfWeek::Wednesday, DayOfWeek::Friday],
                first_day_of_week: Some(DayOfWeek::Sunday),
            },
        ),
        (
            "<t:AbsoluteMonthlyRecurrence><t:Interval>3</t:Interval><t:DayOfMonth>31</t:DayOfMonth></t:AbsoluteMonthlyRecurrence>",
            RecurrencePattern::AbsoluteMonthly { interval: 3, day_of_month: 31 },
        ),
        (
            "<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>Second</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>",
            RecurrencePattern::RelativeMonthly {
                interval: 1,
                day_of_week: DayOfWeek::Tuesday,
                index: DayOfWeekIndex::Second,
            },
        ),
        (
            "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>29</t:DayOfMonth><t:Month>February</t:Month></t:AbsoluteYearlyRecurrence>",
            RecurrencePattern::AbsoluteYearly { day_of_month: 29, month: Month::February },
        ),
        (
            "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>December</t:Month></t:RelativeYearlyRecurrence>",
            RecurrencePattern::RelativeYearly {
                day_of_week: DayOfWeek::Weekday,
                index: DayOfWeekIndex::Last,
                month: Month::December,
            },
        ),
        (
            "<t:DailyRegeneration><t:Interval>4</t:Interval></t:DailyRegeneration>",
            RecurrencePattern::DailyRegeneration { interval: 4 },
        ),
        (
            "<t:WeeklyRegeneration><t:Interval>5</t:Interval></t:WeeklyRegeneration>",
            RecurrencePattern::WeeklyRegeneration { interval: 5 },
        ),
        (
            "<t:MonthlyRegeneration><t:Interval>6</t:Interval></t:MonthlyRegeneration>",
            RecurrencePattern::MonthlyRegeneration { interval: 6 },
        ),
        (
            "<t:YearlyRegeneration><t:Interval>7</t:Interval></t:YearlyRegeneration>",
            RecurrencePattern::YearlyRegeneration { interval: 7 },
        ),
    ];
    for (xml, expected) in cases {
        let r = read(&format!("{xml}{NO_END}")).unwrap();
        assert_eq!(r.pattern, expected, "{xml}");
        assert_eq!(
            r.range,
            RecurrenceRange::NoEnd {
                start: date(2024, 5, 1)
            }
        );
    }
}

#[test]
fn reads_every_range_and_date_with_a_zone() {
    let daily = "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>";
    let cases = [
        (
            "<t:NoEndRecurrence><t:StartDate>2024-05-01-07:00</t:StartDate></t:NoEndRecurrence>",
            RecurrenceRange::NoEnd { start: date(2024, 5, 1) },
        ),
        (
            "<t:EndDateRecurrence><t:StartDate>2024-05-01Z</t:StartDate><t:EndDate>2024-06-30+02:00</t:EndDate></t:EndDateRecurrence>",
            RecurrenceRange::EndDate { start: date(2024, 5, 1), end: date(2024, 6, 30) },
        ),
        (
            "<t:NumberedRecurrence><t:StartDate> 2024-05-01 </t:StartDate><t:NumberOfOccurrences>10</t:NumberOfOccurrences></t:NumberedRecurrence>",
            RecurrenceRange::Numbered { start: date(2024, 5, 1), count: 10 },
        ),
    ];
    for (xml, expected) in cases {
        assert_eq!(
            read(&format!("{daily}{xml}")).unwrap().range,
            expected,
            "{xml}"
        );
    }
}

fn error(inner: &str) -> EwsError {
    read(inner).expect_err(inner)
}

#[test]
fn refuses_malformed_recurrences_with_typed_errors() {
    let daily = "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>";
    assert!(matches!(error(NO_END), EwsError::MissingElement { .. }));
    assert!(matches!(error(daily), EwsError::MissingElement { .. }));
    assert!(matches!(error(""), EwsError::MissingElement { .. }));
    assert!(matches!(
        error(&format!("<t:HourlyRecurrence/>{NO_END}")),
        EwsError::InvalidValue { .. }
    ));
    assert!(matches!(
        error(&format!("{daily}<t:ForeverRecurrence/>")),
        EwsError::InvalidValue { .. }
    ));
    let bad = [
        ("<t:DailyRecurrence><t:Interval>-1</t:Interval></t:DailyRecurrence>", "Interval"),
        ("<t:DailyRecurrence><t:Interval>99999999999</t:Interval></t:DailyRecurrence>", "Interval"),
        ("<t:DailyRecurrence><t:Interval/></t:DailyRecurrence>", "Interval"),
        ("<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Funday</t:DaysOfWeek></t:WeeklyRecurrence>", "DaysOfWeek"),
        ("<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>", "DaysOfWeek"),
        ("<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek><t:DayOfWeekIndex>Fifth</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>", "DayOfWeekIndex"),
        ("<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>Jan</t:Month></t:AbsoluteYearlyRecurrence>", "Month"),
        ("<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>januar</t:Month></t:AbsoluteYearlyRecurrence>", "Month"),
    ];
    for (pattern, element) in bad {
        match error(&format!("{pattern}{NO_END}")) {
            EwsError::InvalidValue { element: e, .. } => assert_eq!(e, element, "{pattern}"),
            other => panic!("{pattern}: {other:?}"),
        }
    }
    for start in [
        "2024-13-01",
        "2024-05-01T00:00:00",
        "24-05-01",
        "2024-05-01+2",
        "",
        "2024-05-01-25:00x",
    ] {
        let range =
            format!("<t:NoEndRecurrence><t:StartDate>{start}</t:StartDate></t:NoEndRecurrence>");
        assert!(
            matches!(
                error(&format!("{daily}{range}")),
                EwsError::InvalidValue { .. }
            ),
            "{start}"
        );
    }
    let missing = [
        "<t:WeeklyRecurrence><t:Interval>1</t:Interval></t:WeeklyRecurrence>",
        "<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval></t:AbsoluteMonthlyRecurrence>",
        "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Monday</t:DaysOfWeek></t:RelativeYearlyRecurrence>",
        "<t:DailyRegeneration/>",
    ];
    for pattern in missing {
        assert!(
            matches!(
                error(&format!("{pattern}{NO_END}")),
                EwsError::MissingElement { .. }
            ),
            "{pattern}"
        );
    }
    let hostile = "x".repeat(100_000);
    match error(&format!(
        "<t:DailyRecurrence><t:Interval>{hostile}</t:Interval></t:DailyRecurrence>{NO_END}"
    )) {
        EwsError::InvalidValue { value, .. } => assert!(value.len() <= 100),
        other => panic!("{other:?}"),
    }
}

#[test]
fn writes_in_schema_order_and_first_day_of_week_only_where_known() {
    let r = Recurrence {
        pattern: RecurrencePattern::Weekly {
            interval: 2,
            days: vec![DayOfWeek::Monday, DayOfWeek::Thursday],
            first_day_of_week: Some(DayOfWeek::Monday),
        },
        range: RecurrenceRange::EndDate {
            start: date(2024, 3, 4),
            end: date(2024, 6, 30),
        },
    };
    assert_eq!(
        write(&r, ExchangeVersion::Exchange2010Sp1),
        "<t:Recurrence><t:WeeklyRecurrence><t:Interval>2</t:Interval>\
         <t:DaysOfWeek>Monday Thursday</t:DaysOfWeek><t:FirstDayOfWeek>Monday</t:FirstDayOfWeek>\
         </t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>2024-03-04</t:StartDate>\
         <t:EndDate>2024-06-30</t:EndDate></t:EndDateRecurrence></t:Recurrence>"
    );
    let old = write(&r, ExchangeVersion::Exchange2010);
    assert!(!old.contains("FirstDayOfWeek"));
    let RecurrencePattern::Weekly { days, .. } = read_back(&old).unwrap().pattern else {
        panic!("not weekly");
    };
    assert_eq!(days, vec![DayOfWeek::Monday, DayOfWeek::Thursday]);
}

#[test]
fn checks_what_exchange_would_refuse() {
    let ok = |pattern| Recurrence {
        pattern,
        range: RecurrenceRange::NoEnd {
            start: date(2024, 1, 1),
        },
    };
    let refused = |r: Recurrence| match check_recurrence(&r) {
        Err(EwsError::InvalidArgument {
            argument: "recurrence",
            reason,
        }) => reason,
        other => panic!("{r:?}: {other:?}"),
    };
    assert!(check_recurrence(&ok(RecurrencePattern::Daily { interval: 1 })).is_ok());
    refused(ok(RecurrencePattern::Daily { interval: 0 }));
    refused(ok(RecurrencePattern::MonthlyRegeneration {
        interval: u32::MAX,
    }));
    refused(ok(RecurrencePattern::AbsoluteMonthly {
        interval: 1,
        day_of_month: 0,
    }));
    refused(ok(RecurrencePattern::AbsoluteYearly {
        day_of_month: 32,
        month: Month::May,
    }));
    let reason = refused(ok(RecurrencePattern::Weekly {
        interval: 1,
        days: vec![],
        first_day_of_week: None,
    }));
    assert!(reason.contains("at least one day"), "{reason}");
    let daily = RecurrencePattern::Daily { interval: 1 };
    refused(Recurrence {
        pattern: daily.clone(),
        range: RecurrenceRange::Numbered {
            start: date(2024, 1, 1),
            count: 0,
        },
    });
    refused(Recurrence {
        pattern: daily.clone(),
        range: RecurrenceRange::EndDate {
            start: date(2024, 1, 2),
            end: date(2024, 1, 1),
        },
    });
    refused(Recurrence {
        pattern: daily.clone(),
        range: RecurrenceRange::NoEnd {
            start: date(0, 1, 1),
        },
    });
    assert!(check_recurrence(&Recurrence {
        pattern: daily,
        range: RecurrenceRange::EndDate {
            start: date(2024, 1, 1),
            end: date(2024, 1, 1)
        },
    })
    .is_ok());
}

fn day() -> impl Strategy<Value = DayOfWeek> {
    proptest::sample::select(DayOfWeek::ALL)
}

fn index() -> impl Strategy<Value = DayOfWeekIndex> {
    proptest::sample::select(DayOfWeekIndex::ALL)
}

fn month_strategy() -> impl Strategy<Value = Month> {
    (0u8..12).prop_map(|m| Month::try_from(m + 1).expect("1 to 12 is a month"))
}

fn pattern() -> impl Strategy<Value = RecurrencePattern> {
    let interval = 1u32..=i32::MAX as u32;
    prop_oneof![
        interval
            .clone()
            .prop_map(|interval| RecurrencePattern::Daily { interval }),
        (
            interval.clone(),
            proptest::collection::vec(day(), 1..5),
            proptest::option::of(day())
        )
            .prop_map(
                |(interval, days, first_day_of_week)| RecurrencePattern::Weekly {
                    interval,
                    days,
                    first_day_of_week
                }
            ),
        (interval.clone(), 1u32..=31).prop_map(|(interval, day_of_month)| {
            RecurrencePattern::AbsoluteMonthly {
                interval,
                day_of_month,
            }
        }),
        (interval.clone(), day(), index()).prop_map(|(interval, day_of_week, index)| {
            RecurrencePattern::RelativeMonthly {
                interval,
                day_of_week,
                index,
            }
        }),
        (1u32..=31, month_strategy()).prop_map(|(day_of_month, month)| {
            RecurrencePattern::AbsoluteYearly {
                day_of_month,
                month,
            }
        }),
        (day(), index(), month_strategy()).prop_map(|(day_of_week, index, month)| {
            RecurrencePattern::RelativeYearly {
                day_of_week,
                index,
                month,
            }
        }),
        interval
            .clone()
            .prop_map(|interval| RecurrencePattern::DailyRegeneration { interval }),
        interval
            .clone()
            .prop_map(|interval| RecurrencePattern::WeeklyRegeneration { interval }),
        interval
            .clone()
            .prop_map(|interval| RecurrencePattern::MonthlyRegeneration { interval }),
        interval.prop_map(|interval| RecurrencePattern::YearlyRegeneration { interval }),
    ]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1i32..=9999, 1u32..=366).prop_map(|(y, d)| {
        NaiveDate::from_yo_opt(y, d)
            .or_else(|| NaiveDate::from_yo_opt(y, 365))
            .expect("day 365 exists in every year")
    })
}

fn range() -> impl Strategy<Value = RecurrenceRange> {
    prop_oneof![
        any_date().prop_map(|start| RecurrenceRange::NoEnd { start }),
        (any_date(), any_date()).prop_map(|(a, b)| RecurrenceRange::EndDate {
            start: a.min(b),
            end: a.max(b)
        }),
        (any_date(), 1u32..=i32::MAX as u32)
            .prop_map(|(start, count)| RecurrenceRange::Numbered { start, count }),
    ]
}

proptest! {
    #[test]
    fn every_valid_recurrence_round_trips(pattern in pattern(), range in range()) {
        let r = Recurrence { pattern, range };
        prop_assert!(check_recurrence(&r).is_ok());
        let back = read_back(&write(&r, ExchangeVersion::Exchange2016)).unwrap();
        prop_assert_eq!(&back, &r);
        // Before 2010 SP1 only the first day of the week is lost.
        let mut expected = r.clone();
        if let RecurrencePattern::Weekly { first_day_of_week, .. } = &mut expected.pattern {
            *first_day_of_week = None;
        }
        let back = read_back(&write(&r, ExchangeVersion::Exchange2007Sp1)).unwrap();
        prop_assert_eq!(back, expected);
    }
}
