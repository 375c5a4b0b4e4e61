//! Reading `TimeZoneDefinition`s: what is kept, and what is refused with which error.

use chrono::{TimeDelta, Weekday};

use super::offset::tests::{parse_one, EASTERN};
use super::*;
use crate::EwsError;

fn refusal(definition: &str) -> EwsError {
    parse_one(definition).unwrap_err()
}

/// A definition with one group holding `transition`, the periods `std` and `dlt`.
fn with_group_transition(transition: &str) -> String {
    format!(
        r#"<t:TimeZoneDefinition Id="Z"><t:Periods>
          <t:Period Bias="PT0M" Name="Standard" Id="std"/><t:Period Bias="-PT60M" Name="Daylight" Id="dlt"/>
        </t:Periods><t:TransitionsGroups><t:TransitionsGroup Id="0">{transition}</t:TransitionsGroup>
        </t:TransitionsGroups><t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition>
        </t:Transitions></t:TimeZoneDefinition>"#
    )
}

fn recurring_day(month: &str, day: &str, occurrence: &str, offset: &str) -> String {
    format!(
        r#"<t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>{offset}</t:TimeOffset>
        <t:Month>{month}</t:Month><t:DayOfWeek>{day}</t:DayOfWeek><t:Occurrence>{occurrence}</t:Occurrence>
        </t:RecurringDayTransition>"#
    )
}

#[test]
fn keeps_every_part_of_a_definition() {
    let eastern = parse_one(EASTERN).unwrap();
    assert_eq!(eastern.id, "Eastern Standard Time");
    assert_eq!(eastern.name.as_deref(), Some("(UTC-05:00) Eastern Time"));
    assert_eq!(eastern.periods.len(), 2);
    assert_eq!(eastern.periods[0].bias, TimeDelta::minutes(300));
    assert_eq!(
        eastern.periods[0].utc_offset().unwrap().local_minus_utc(),
        -5 * 3600
    );
    assert_eq!(eastern.periods[1].name, "Daylight");
    assert_eq!(eastern.transitions_groups[1].id, "new");
    assert_eq!(
        eastern.transitions_groups[1].transitions[0],
        Transition {
            to: TransitionTarget::Period("dlt".into()),
            kind: TransitionKind::RecurringDay {
                time_offset: TimeDelta::hours(2),
                month: 3,
                day_of_week: Weekday::Sun,
                occurrence: 2,
            },
        }
    );
    assert_eq!(eastern.transitions[0].kind, TransitionKind::Initial);
    assert!(matches!(
        eastern.transitions[1].kind,
        TransitionKind::AbsoluteDate(at) if at.to_rfc3339() == "2007-01-01T00:00:00+00:00"
    ));
    assert!(eastern.group("old").is_some() && eastern.group("none").is_none());
    assert!(eastern.period("std").is_some() && eastern.period("none").is_none());
}

#[test]
fn refuses_bad_ids_biases_and_targets() {
    let cases = [
        (
            r#"<t:TimeZoneDefinition Name="x"/>"#,
            "TimeZoneDefinition@Id",
        ),
        (
            r#"<t:TimeZoneDefinition Id="  "/>"#,
            "TimeZoneDefinition@Id",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Periods><t:Period Bias="60" Id="s"/></t:Periods></t:TimeZoneDefinition>"#,
            "Period@Bias",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Periods><t:Period Bias="P1D" Id="s"/></t:Periods></t:TimeZoneDefinition>"#,
            "Period@Bias",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Periods><t:Period Bias="PT0M"/></t:Periods></t:TimeZoneDefinition>"#,
            "Period@Id",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Transitions><t:Transition><t:To Kind="Period">s</t:To></t:Transition></t:Transitions></t:TimeZoneDefinition>"#,
            "To",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Transitions><t:Transition><t:To Kind="Zone">s</t:To></t:Transition></t:Transitions></t:TimeZoneDefinition>"#,
            "To@Kind",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Transitions><t:Leap><t:To Kind="Period">s</t:To></t:Leap></t:Transitions></t:TimeZoneDefinition>"#,
            "Transitions",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Periods><t:Period Bias="PT0M" Id="s"/></t:Periods><t:Transitions>
              <t:AbsoluteDateTransition><t:To Kind="Period">s</t:To><t:DateTime>soon</t:DateTime></t:AbsoluteDateTransition>
            </t:Transitions></t:TimeZoneDefinition>"#,
            "DateTime",
        ),
        (
            r#"<t:TimeZoneDefinition Id="Z"><t:Periods><t:Period Bias="PT0M" Id="s"/></t:Periods><t:Transitions>
              <t:Transition><t:To Kind="Period">s</t:To></t:Transition><t:Transition><t:To Kind="Period">s</t:To></t:Transition>
            </t:Transitions></t:TimeZoneDefinition>"#,
            "Transitions",
        ),
    ];
    for (definition, element) in cases {
        match refusal(definition) {
            EwsError::InvalidValue { element: e, .. } => assert_eq!(e, element, "{definition}"),
            other => panic!("{definition}: {other:?}"),
        }
    }
}

#[test]
fn refuses_bad_yearly_transitions() {
    let cases = [
        (recurring_day("13", "Sunday", "1", "PT2H"), "Month"),
        (recurring_day("0", "Sunday", "1", "PT2H"), "Month"),
        (recurring_day("x", "Sunday", "1", "PT2H"), "Month"),
        (recurring_day("3", "Weekday", "1", "PT2H"), "DayOfWeek"),
        (recurring_day("3", "sunday", "1", "PT2H"), "DayOfWeek"),
        (recurring_day("3", "Sunday", "0", "PT2H"), "Occurrence"),
        (recurring_day("3", "Sunday", "6", "PT2H"), "Occurrence"),
        (recurring_day("3", "Sunday", "-128", "PT2H"), "Occurrence"),
        (recurring_day("3", "Sunday", "99999", "PT2H"), "Occurrence"),
        (recurring_day("3", "Sunday", "1", "-PT2H"), "TimeOffset"),
        (recurring_day("3", "Sunday", "1", "P2D"), "TimeOffset"),
        (
            r#"<t:RecurringDateTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>PT0M</t:TimeOffset>
            <t:Month>2</t:Month><t:Day>32</t:Day></t:RecurringDateTransition>"#
                .into(),
            "Day",
        ),
        (
            r#"<t:RecurringDayTransition><t:To Kind="Group">0</t:To><t:TimeOffset>PT0M</t:TimeOffset>
            <t:Month>2</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence></t:RecurringDayTransition>"#
                .into(),
            "To",
        ),
        (
            r#"<t:AbsoluteDateTransition><t:To Kind="Period">dlt</t:To><t:DateTime>2026-01-01T00:00:00Z</t:DateTime></t:AbsoluteDateTransition>"#
                .into(),
            "TransitionsGroup",
        ),
        (
            format!(
                r#"<t:Transition><t:To Kind="Period">std</t:To></t:Transition>{}"#,
                recurring_day("3", "Sunday", "1", "PT2H")
            ),
            "TransitionsGroup",
        ),
        (String::new(), "TransitionsGroup"),
        (
            r#"<t:Transition><t:To Kind="Period">nowhere</t:To></t:Transition>"#.into(),
            "To",
        ),
    ];
    for (transition, element) in cases {
        match refusal(&with_group_transition(&transition)) {
            EwsError::InvalidValue { element: e, .. } => assert_eq!(e, element, "{transition}"),
            other => panic!("{transition}: {other:?}"),
        }
    }
    let missing = refusal(&with_group_transition(
        r#"<t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:Month>3</t:Month></t:RecurringDayTransition>"#,
    ));
    assert!(
        matches!(missing, EwsError::MissingElement { .. }),
        "{missing:?}"
    );
    let no_target = refusal(&with_group_transition("<t:Transition/>"));
    assert!(
        matches!(no_target, EwsError::MissingElement { .. }),
        "{no_target:?}"
    );
    assert!(parse_one(&with_group_transition(&recurring_day(
        "3", "Sunday", "-5", "PT24H"
    )))
    .is_ok());
}

#[test]
fn refuses_oversized_lists() {
    let period = r#"<t:Period Bias="PT0M" Name="S" Id="s"/>"#;
    let at_limit = format!(
        r#"<t:TimeZoneDefinition Id="Z"><t:Periods>{}</t:Periods></t:TimeZoneDefinition>"#,
        period.repeat(1_000)
    );
    assert_eq!(parse_one(&at_limit).unwrap().periods.len(), 1_000);
    let over = at_limit.replace("<t:Periods>", &format!("<t:Periods>{period}"));
    match refusal(&over) {
        EwsError::InvalidValue { element, value, .. } => {
            assert_eq!(
                (element.as_str(), value.as_str()),
                ("Periods", "1001 entries")
            );
        }
        other => panic!("{other:?}"),
    }
    for count in [25, 1_001] {
        let many = recurring_day("3", "Sunday", "1", "PT2H").repeat(count);
        assert!(matches!(
            refusal(&with_group_transition(&many)),
            EwsError::InvalidValue { element, .. } if element == "TransitionsGroup"
        ));
    }
    let yearly = recurring_day("3", "Sunday", "1", "PT2H").repeat(24);
    assert!(parse_one(&with_group_transition(&yearly)).is_ok());
}

#[test]
fn cuts_hostile_values_in_errors() {
    let huge = "x".repeat(100_000);
    let err = refusal(&with_group_transition(&recurring_day(
        "3", &huge, "1", "PT2H",
    )));
    match err {
        EwsError::InvalidValue { value, .. } => assert_eq!(value.len(), 100),
        other => panic!("{other:?}"),
    }
}
