use chrono::{DateTime, NaiveDate};
use mediagateway_api::tables::{FolderRef, Table, WellKnownFolder};
use mediagateway_api::TimeWindow;
use proptest::prelude::*;
use proptest::sample::select;
use prost::Message;

use super::*;
use crate::convert::records::tests::{day, decimal, folder, instant, refused};
use crate::convert::through_wire;

fn name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9]{0,15}"
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        "\\PC{0,20}".prop_map(Literal::Text),
        any::<i64>().prop_map(Literal::Integer),
        decimal().prop_map(Literal::Decimal),
        any::<bool>().prop_map(Literal::Boolean),
        instant().prop_map(Literal::DateTime),
        day().prop_map(Literal::Date),
    ]
}

/// A filter tree within the API's bounds: at most 4 levels of 2 or 3 parts (121 nodes).
fn filter() -> impl Strategy<Value = Filter> {
    let op = select(vec![
        Comparison::Equal,
        Comparison::NotEqual,
        Comparison::Less,
        Comparison::LessOrEqual,
        Comparison::Greater,
        Comparison::GreaterOrEqual,
    ]);
    let leaf = prop_oneof![
        (name(), op, literal()).prop_map(|(field, op, value)| Filter::Compare { field, op, value }),
        (name(), "\\PC{0,20}", any::<bool>()).prop_map(|(field, value, case_sensitive)| {
            Filter::Contains {
                field,
                value,
                case_sensitive,
            }
        }),
        (name(), "\\PC{0,20}", any::<bool>()).prop_map(|(field, value, case_sensitive)| {
            Filter::StartsWith {
                field,
                value,
                case_sensitive,
            }
        }),
        name().prop_map(|field| Filter::Exists { field }),
    ];
    leaf.prop_recursive(4, 64, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::Or),
            inner.prop_map(|part| Filter::Not(Box::new(part))),
        ]
    })
}

fn query() -> impl Strategy<Value = Query> {
    (
        prop::option::of(filter()),
        prop::collection::vec((name(), any::<bool>()), 0..4),
        prop::collection::vec(name(), 0..4),
        any::<u32>(),
        prop::option::of("[a-zA-Z0-9=]{1,40}"),
    )
        .prop_map(|(filter, sort, fields, page_size, page_token)| Query {
            filter,
            sort: sort
                .into_iter()
                .map(|(field, descending)| SortKey { field, descending })
                .collect(),
            fields,
            page_size,
            page_token,
        })
}

fn window() -> impl Strategy<Value = TimeWindow> {
    (instant(), instant()).prop_map(|(a, b)| TimeWindow::new(a.min(b), a.max(b)).unwrap())
}

proptest! {
    #[test]
    fn filters_within_bounds_survive_the_wire(filter in filter()) {
        filter.check_shape().unwrap();
        prop_assert_eq!(through_wire::<_, proto::Filter>(&filter).unwrap(), filter);
    }

    #[test]
    fn table_queries_survive_the_wire(
        table in select(Table::ALL.to_vec()),
        query in query(),
        folder in prop::option::of(folder()),
        window in prop::option::of(window()),
    ) {
        let query = TableQuery { table, query, folder, window };
        prop_assert_eq!(through_wire::<_, proto::TableQuery>(&query).unwrap(), query);
    }
}

fn exists(field: &str) -> proto::Filter {
    proto::Filter {
        test: Some(Test::Exists(proto::filter::Exists {
            field: field.into(),
        })),
    }
}

/// `exists` under `depth` nots, built without recursion.
fn nested_nots(depth: usize) -> proto::Filter {
    (0..depth).fold(exists("Subject"), |part, _| proto::Filter {
        test: Some(Test::Not(Box::new(part))),
    })
}

fn join(parts: Vec<proto::Filter>) -> proto::Filter {
    proto::Filter {
        test: Some(Test::And(proto::filter::Parts { parts })),
    }
}

#[test]
fn filters_deeper_than_the_bound_are_refused() {
    let deepest = Filter::try_from(nested_nots(MAX_DEPTH)).unwrap();
    assert!(deepest.check_shape().is_ok());
    refused::<Filter, _>(nested_nots(MAX_DEPTH + 1), "nested deeper than 16");
    // Within prost's limit of 100 levels the message decodes, and the conversion refuses it.
    let bytes = nested_nots(60).encode_to_vec();
    let decoded = proto::Filter::decode(bytes.as_slice()).unwrap();
    refused::<Filter, _>(decoded, "nested deeper");
    // Joins nest too: an and within an and, 17 times.
    let joins = (0..=MAX_DEPTH).fold(exists("Subject"), |part, _| {
        join(vec![part, exists("Start")])
    });
    refused::<Filter, _>(joins, "nested deeper");
}

/// A length-delimited field `tag` holding `body`, as protobuf encodes an embedded message.
fn embedded(tag: u32, body: &[u8]) -> Vec<u8> {
    use prost::encoding::{encode_key, encode_varint, WireType};
    let mut field = Vec::with_capacity(body.len() + 8);
    encode_key(tag, WireType::LengthDelimited, &mut field);
    encode_varint(body.len() as u64, &mut field);
    field.extend_from_slice(body);
    field
}

#[test]
fn a_hostile_deep_filter_is_refused_without_a_crash() {
    const DEPTH: usize = 10_000;
    // Building, encoding and dropping the hostile message recurse once per level: they run on
    // a thread with room for that, as a hostile client's would. Reading it back must not.
    let filter = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| nested_nots(DEPTH).encode_to_vec())
        .unwrap()
        .join()
        .unwrap();
    assert!(filter.len() > 2 * DEPTH);
    match proto::Filter::decode(filter.as_slice()) {
        // prost stops at its recursion limit of 100 levels.
        Err(error) => assert!(error.to_string().contains("recursion limit"), "{error}"),
        Ok(filter) => refused::<Filter, _>(filter, "nested deeper"),
    }
    // The same filter in a query request: QueryRequest.query (2), TableQuery.query (2),
    // Query.filter (1).
    let query = embedded(1, &filter);
    let mut table_query = proto::TableQuery {
        table: "Task".into(),
        ..Default::default()
    }
    .encode_to_vec();
    table_query.extend(embedded(2, &query));
    let request = embedded(2, &table_query);
    match proto::QueryRequest::decode(request.as_slice()) {
        Err(error) => assert!(error.to_string().contains("recursion limit"), "{error}"),
        Ok(request) => refused::<TableQuery, _>(request.query.unwrap(), "nested deeper"),
    }
    // The wrapping is a query request's: without the depth, it reads as one.
    let mut shallow = proto::TableQuery {
        table: "Task".into(),
        ..Default::default()
    }
    .encode_to_vec();
    shallow.extend(embedded(2, &embedded(1, &nested_nots(3).encode_to_vec())));
    let request = proto::QueryRequest::decode(embedded(2, &shallow).as_slice()).unwrap();
    let query = request.query.unwrap();
    assert_eq!(query.table, "Task");
    assert!(Filter::try_from(query.query.unwrap().filter.unwrap()).is_ok());
}

#[test]
fn filters_of_more_parts_than_the_bound_are_refused() {
    let wide = join((0..=MAX_NODES).map(|_| exists("Subject")).collect());
    refused::<Filter, _>(wide, "more than 256 parts");
    // Within the bound a join of many parts is read (and its shape checked).
    let many = join((0..MAX_NODES - 1).map(|_| exists("Subject")).collect());
    assert!(Filter::try_from(many).is_ok());
    // Parts that are joins themselves are counted as they are read.
    let nested = join(
        (0..100)
            .map(|_| join(vec![exists("Subject"), exists("Start")]))
            .collect(),
    );
    refused::<Filter, _>(nested, "more than 256 parts");
    // A hundred thousand parts are refused before any is read.
    let huge = join(vec![exists("Subject"); 100_000]);
    refused::<Filter, _>(huge, "more than 256 parts");
}

#[test]
fn malformed_filters_are_refused() {
    let compare = |op: i32, value: Option<proto::Literal>| proto::Filter {
        test: Some(Test::Compare(proto::filter::Compare {
            field: "Size".into(),
            op,
            value,
        })),
    };
    let ten = Some(proto::Literal::from(&Literal::Integer(10)));
    assert!(Filter::try_from(compare(proto::Comparison::Greater as i32, ten.clone())).is_ok());
    refused::<Filter, _>(
        compare(0, ten.clone()),
        "Size: the comparison is unspecified",
    );
    refused::<Filter, _>(compare(7, ten.clone()), "the comparison: 7");
    refused::<Filter, _>(compare(1, None), "Size: the value compared with is missing");
    refused::<Filter, _>(
        compare(1, Some(proto::Literal { kind: None })),
        "Size: a value of no type",
    );
    let literal = |kind| Some(proto::Literal { kind: Some(kind) });
    refused::<Filter, _>(
        compare(1, literal(proto::literal::Kind::Decimal(f64::NAN))),
        "not a finite number",
    );
    refused::<Filter, _>(
        compare(
            1,
            literal(proto::literal::Kind::Date(proto::Date {
                year: 2026,
                month: 4,
                day: 31,
            })),
        ),
        "not a date",
    );
    refused::<Filter, _>(
        compare(1, literal(proto::literal::Kind::DateTimeMs(i64::MAX))),
        "out of range",
    );
    refused::<Filter, _>(proto::Filter { test: None }, "tests nothing");
    refused::<Filter, _>(join(vec![exists("Subject")]), "fewer than two parts");
    refused::<Filter, _>(exists("Not a name"), "not a field name");
    let within = proto::Filter {
        test: Some(Test::Or(proto::filter::Parts {
            parts: vec![exists("Subject"), proto::Filter { test: None }],
        })),
    };
    refused::<Filter, _>(within, "tests nothing");
}

#[test]
fn malformed_table_queries_are_refused() {
    let good = proto::TableQuery::from(&TableQuery {
        table: Table::Appointment,
        query: Query::new(50),
        folder: Some(FolderRef::WellKnown(WellKnownFolder::Calendar)),
        window: None,
    });
    assert!(TableQuery::try_from(good.clone()).is_ok());
    refused::<TableQuery, _>(
        proto::TableQuery {
            table: "Calendar".into(),
            ..good.clone()
        },
        "not a table",
    );
    refused::<TableQuery, _>(
        proto::TableQuery {
            query: None,
            ..good.clone()
        },
        "query is missing",
    );
    refused::<TableQuery, _>(
        proto::TableQuery {
            folder: Some(proto::FolderRef {
                folder: Some(proto::folder_ref::Folder::WellKnown(42)),
            }),
            ..good.clone()
        },
        "folder: the well-known folder: 42",
    );
    refused::<TableQuery, _>(
        proto::TableQuery {
            window: Some(proto::TimeWindow {
                start_ms: 10,
                end_ms: 5,
            }),
            ..good.clone()
        },
        "window",
    );
    let mut bad = good;
    bad.query.as_mut().unwrap().filter = Some(nested_nots(MAX_DEPTH + 1));
    refused::<TableQuery, _>(bad, "query: filter: a filter nested deeper");
    let date = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    let dated = Filter::Compare {
        field: "StartDate".into(),
        op: Comparison::LessOrEqual,
        value: Literal::Date(date),
    };
    assert_eq!(through_wire::<_, proto::Filter>(&dated).unwrap(), dated);
    let instant = Literal::DateTime(DateTime::from_timestamp_millis(1_765_000_000_123).unwrap());
    assert_eq!(
        through_wire::<_, proto::Literal>(&instant).unwrap(),
        instant
    );
}
