use super::*;
use crate::dom;

fn recurrence(inner: &str) -> Result<Recurrence, String> {
    let xml = format!("<t:Recurrence xmlns:t=\"{TYPES}\">{inner}</t:Recurrence>");
    parse(&dom::parse(xml.as_bytes()).unwrap())
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn days(r: &Recurrence, until: &str) -> Vec<String> {
    r.dates(date(until), MAX_OCCURRENCES)
        .into_iter()
        .map(|(_, d)| d.to_string())
        .collect()
}

#[test]
fn daily_and_weekly_patterns() {
    let r = recurrence(
        "<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence>\
         <t:NumberedRecurrence><t:StartDate>2024-05-01</t:StartDate>\
         <t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence>",
    )
    .unwrap();
    assert_eq!(
        days(&r, "2030-01-01"),
        ["2024-05-01", "2024-05-03", "2024-05-05"]
    );
    let r = recurrence(
        "<t:WeeklyRecurrence><t:Interval>2</t:Interval><t:DaysOfWeek>Monday Thursday</t:DaysOfWeek>\
         </t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>2024-05-01Z</t:StartDate>\
         <t:EndDate>2024-05-20</t:EndDate></t:EndDateRecurrence>",
    )
    .unwrap();
    assert_eq!(
        days(&r, "2030-01-01"),
        ["2024-05-02", "2024-05-13", "2024-05-16"]
    );
    assert!(r.ends());
}

#[test]
fn monthly_and_yearly_patterns() {
    let r = recurrence(
        "<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>31</t:DayOfMonth>\
         </t:AbsoluteMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         </t:NoEndRecurrence>",
    )
    .unwrap();
    assert_eq!(
        days(&r, "2024-04-01"),
        ["2024-01-31", "2024-02-29", "2024-03-31"]
    );
    assert!(!r.ends());
    let r = recurrence(
        "<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Weekday</t:DaysOfWeek>\
         <t:DayOfWeekIndex>Last</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>\
         <t:NoEndRecurrence><t:StartDate>2024-06-01</t:StartDate></t:NoEndRecurrence>",
    )
    .unwrap();
    assert_eq!(days(&r, "2024-08-01"), ["2024-06-28", "2024-07-31"]);
    let r = recurrence(
        "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>29</t:DayOfMonth><t:Month>February</t:Month>\
         </t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         </t:NoEndRecurrence>",
    )
    .unwrap();
    assert_eq!(days(&r, "2026-01-01"), ["2024-02-29", "2025-02-28"]);
    let r = recurrence(
        "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Thursday</t:DaysOfWeek>\
         <t:DayOfWeekIndex>Fourth</t:DayOfWeekIndex><t:Month>November</t:Month>\
         </t:RelativeYearlyRecurrence><t:NumberedRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         <t:NumberOfOccurrences>2</t:NumberOfOccurrences></t:NumberedRecurrence>",
    )
    .unwrap();
    assert_eq!(days(&r, "2099-01-01"), ["2024-11-28", "2025-11-27"]);
}

#[test]
fn broken_recurrences_say_what_is_wrong() {
    for inner in [
        "",
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>",
        "<t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:DailyRecurrence/><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Funday</t:DaysOfWeek></t:WeeklyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek> </t:DaysOfWeek></t:WeeklyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>01/01/2024</t:StartDate></t:NoEndRecurrence>",
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2024-01-01</t:StartDate><t:NumberOfOccurrences>1000</t:NumberOfOccurrences></t:NumberedRecurrence>",
        "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>Smarch</t:Month></t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        "<t:DailyRegeneration><t:Interval>1</t:Interval></t:DailyRegeneration><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
    ] {
        assert!(recurrence(inner).is_err(), "{inner}");
    }
    assert_eq!(parse_date("2024-05-01+02:00"), Some(date("2024-05-01")));
    assert_eq!(parse_date("2024-05-01T00:00"), None);
    assert_eq!(parse_date("2024"), None);
    assert_eq!(parse_date("2024-05-0é"), None);
}

#[test]
fn expansion_is_capped() {
    let r = recurrence(
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>\
         <t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
    )
    .unwrap();
    assert_eq!(r.dates(date("2099-01-01"), 10).len(), 10);
    assert_eq!(r.dates(date("2024-01-01"), 10).len(), 0);
    let sparse = recurrence(
        "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>January</t:Month>\
         </t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-02</t:StartDate>\
         </t:NoEndRecurrence>",
    )
    .unwrap();
    assert!(sparse.dates(NaiveDate::MAX, MAX_OCCURRENCES).len() <= 61);
}
