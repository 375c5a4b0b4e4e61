use chrono::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::tables::Table;

fn appointment() -> TableInfo {
    Table::Appointment.metadata()
}

#[test]
fn the_text_form_reads_into_a_tree() {
    let filter =
        Filter::parse(r#"Subject contains "review" and Start >= 2026-12-01T00:00:00Z"#).unwrap();
    assert_eq!(
        filter,
        Filter::And(vec![
            Filter::Contains {
                field: "Subject".into(),
                value: "review".into(),
                case_sensitive: false,
            },
            Filter::Compare {
                field: "Start".into(),
                op: Comparison::GreaterOrEqual,
                value: Literal::DateTime(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()),
            },
        ])
    );
    filter.check(&appointment()).unwrap();
    let text = r#"not (Importance = "Low" or Categories contains case-sensitive "Pri\"vate") and Location exists"#;
    let filter = Filter::parse(text).unwrap();
    assert_eq!(filter.to_string(), text);
    filter.check(&appointment()).unwrap();
    let other = Filter::parse("Size<>10 and ReminderMinutesBeforeStart ≤ 15").unwrap();
    assert_eq!(
        other.to_string(),
        "Size != 10 and ReminderMinutesBeforeStart <= 15"
    );
}

#[test]
fn malformed_text_is_a_typed_error() {
    for (text, says) in [
        ("", "ends where a test"),
        ("Subject", "ends after a field"),
        ("Subject =", "ends where a value"),
        ("Subject = \"open", "does not end"),
        ("Subject = \"a\\nb\"", "escapes"),
        ("Subject contains review", "string in quotes"),
        ("Subject starts \"x\"", "starts with"),
        ("(Subject exists", "before its ')'"),
        ("Subject exists)", "end of the filter"),
        ("Subject exists and", "ends where a test"),
        ("Subject ! 3", "lone"),
        ("Subject = 3 ; drop", "no place"),
        ("1abc = 3", "not a field name"),
        ("= 3", "a field or '('"),
        ("Sub_ject exists", "not a field name"),
    ] {
        let err = Filter::parse(text).unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidArgument { .. }) && err.to_string().contains(says),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn hostile_sizes_and_depths_are_refused_without_overflowing() {
    let deep = format!("{}Subject exists{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(Filter::parse(&deep).is_err(), "too long");
    let deep = format!("{}Subject exists{}", "(".repeat(100), ")".repeat(100));
    let err = Filter::parse(&deep).unwrap_err();
    assert!(err.to_string().contains("nested deeper"), "{err}");
    let nots = format!("{}Subject exists", "not ".repeat(1000));
    assert!(Filter::parse(&nots).is_err());
    let many = vec!["Subject exists"; MAX_NODES].join(" or ");
    let err = Filter::parse(&many).unwrap_err();
    assert!(err.to_string().contains("parts"), "{err}");
    let long = format!("Subject = \"{}\"", "x".repeat(MAX_VALUE_LEN + 1));
    assert!(Filter::parse(&long).is_err());
    let mut tree = Filter::Exists {
        field: "Subject".into(),
    };
    for _ in 0..=MAX_DEPTH {
        tree = Filter::Not(Box::new(tree));
    }
    assert!(tree.check_shape().is_err());
    assert!(Filter::And(vec![]).check_shape().is_err());
    assert!(Filter::Or(vec![Filter::Exists {
        field: "Subject".into()
    }])
    .check_shape()
    .is_err());
    let nan = Filter::Compare {
        field: "Size".into(),
        op: Comparison::Equal,
        value: Literal::Decimal(f64::NAN),
    };
    assert!(nan.check_shape().is_err());
}

#[test]
fn a_filter_must_fit_its_table() {
    let table = appointment();
    for (text, says) in [
        ("Nope exists", "no field \"Nope\""),
        ("Recurrence exists", "cannot be filtered"),
        ("Start = \"tomorrow\"", "cannot be compared"),
        ("Size > \"big\"", "cannot be compared"),
        ("IsAllDayEvent < true", "cannot be compared"),
        ("BusyStatus = \"Sleeping\"", "takes one of"),
        ("BusyStatus > \"Busy\"", "cannot be compared"),
        (
            "Start contains \"2026\"",
            "contains and starts with test text",
        ),
    ] {
        let err = Filter::parse(text).unwrap().check(&table).unwrap_err();
        assert!(err.to_string().contains(says), "{text}: {err}");
    }
    for ok in [
        "BusyStatus = \"OOF\"",
        "Categories contains \"Blue\"",
        "Organizer starts with \"alice@\"",
        "IsAllDayEvent = false",
        "ReminderMinutesBeforeStart >= 15",
    ] {
        Filter::parse(ok).unwrap().check(&table).unwrap();
    }
    let task = Table::Task.metadata();
    Filter::parse("PercentComplete >= 50 and PercentComplete < 99.5 and DueDate <= 2026-12-24")
        .unwrap()
        .check(&task)
        .unwrap();
}

fn field_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9]{0,12}".prop_filter("not a keyword", |s| {
        !["and", "or", "not"].contains(&s.as_str())
    })
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        "[^\\u{0}]{0,20}".prop_map(Literal::Text),
        any::<i64>().prop_map(Literal::Integer),
        (-1.0e9f64..1.0e9).prop_map(Literal::Decimal),
        any::<bool>().prop_map(Literal::Boolean),
        (0i64..4_000_000_000).prop_map(|s| Literal::DateTime(Utc.timestamp_opt(s, 0).unwrap())),
        (1i32..9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| Literal::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
    ]
}

fn comparison() -> impl Strategy<Value = Comparison> {
    prop_oneof![
        Just(Comparison::Equal),
        Just(Comparison::NotEqual),
        Just(Comparison::Less),
        Just(Comparison::LessOrEqual),
        Just(Comparison::Greater),
        Just(Comparison::GreaterOrEqual),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    let leaf =
        prop_oneof![
            (field_name(), comparison(), literal())
                .prop_map(|(field, op, value)| Filter::Compare { field, op, value }),
            (field_name(), "[^\\u{0}]{0,20}", any::<bool>()).prop_map(
                |(field, value, case_sensitive)| Filter::Contains {
                    field,
                    value,
                    case_sensitive
                }
            ),
            (field_name(), "[^\\u{0}]{0,20}", any::<bool>()).prop_map(
                |(field, value, case_sensitive)| Filter::StartsWith {
                    field,
                    value,
                    case_sensitive
                }
            ),
            field_name().prop_map(|field| Filter::Exists { field }),
        ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

proptest! {
    #[test]
    fn text_and_tree_round_trip(tree in filter()) {
        let text = tree.to_string();
        let back = Filter::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back, tree, "{}", text);
    }

    #[test]
    fn decimals_of_any_size_round_trip(d in any::<f64>().prop_filter("finite", |d| d.is_finite())) {
        let tree = Filter::Compare {
            field: "PercentComplete".into(),
            op: Comparison::Equal,
            value: Literal::Decimal(d),
        };
        prop_assert_eq!(Filter::parse(&tree.to_string()).unwrap(), tree);
    }

    #[test]
    fn any_text_reads_or_is_refused_without_panicking(text in "\\PC{0,200}") {
        let _ = Filter::parse(&text);
    }
}
