use std::collections::HashSet;

use super::*;

/// The original connector's documented non-sortable fields.
const NOT_SORTABLE: &[&str] = &[
    "Bcc",
    "ETag",
    "FKID",
    "FKItemID",
    "FKUserMailboxE-Mail",
    "HasSubfolders",
    "HRef",
    "HtmlDescription",
    "ItemLink",
    "ParentName",
    "PermanentURL",
    "Read",
    "ReplicationUID",
    "ResourceTag",
    "UnicodeSubject",
    "VisibleCount",
    "UnreadCount",
    "Value",
];

#[test]
fn every_table_has_its_keys_and_unique_pascal_case_names() {
    for table in Table::ALL {
        assert_eq!(Table::from_name(table.name()), Some(table));
        let info = table.metadata();
        let id = info.field("ID").expect("every table has ID");
        assert!(id.read_only && !id.nullable, "{table}");
        if let Some(stable) = info.stable_key {
            let stable = info.field(stable).expect("the stable key is a field");
            assert!(
                stable.read_only && !stable.nullable && stable.filterable,
                "{table}"
            );
        }
        if let Some(parent) = info.parent_key {
            assert!(info.field(parent).is_some(), "{table}");
        }
        let mut names = HashSet::new();
        for field in table.fields() {
            assert!(names.insert(field.name), "{table}.{} twice", field.name);
            let found = table.field(field.name).expect("found by its name");
            assert!(std::ptr::eq(found, field), "{table}.{}", field.name);
            assert!(matches!(
                table.field_name(field.name),
                FieldName::Borrowed(_)
            ));
            let first = field.name.chars().next().unwrap();
            assert!(first.is_ascii_uppercase(), "{table}.{}", field.name);
            assert!(
                field.name.chars().all(|c| c.is_ascii_alphanumeric()),
                "{table}.{}",
                field.name
            );
        }
    }
    assert_eq!(Table::from_name("appointment"), None, "names are exact");
    for name in ["", "subject", "Subjec", "Subjectt", "ZZZ", "\u{0}"] {
        assert!(Table::Appointment.field(name).is_none(), "{name:?}");
        assert_eq!(
            Table::Appointment.field_name(name),
            FieldName::Owned(name.to_owned())
        );
    }
    assert_eq!(Table::Attachment.metadata().stable_key, None);
}

#[test]
fn the_documented_non_sortable_fields_that_exist_are_not_sortable() {
    let mut seen = 0;
    for table in Table::ALL {
        for field in table.fields() {
            if NOT_SORTABLE.contains(&field.name) {
                assert!(!field.sortable, "{table}.{} is sortable", field.name);
                seen += 1;
            }
        }
    }
    assert!(seen >= 10, "only {seen} of the documented fields exist");
}

#[test]
fn lists_and_binaries_are_never_sort_keys() {
    for table in Table::ALL {
        for field in table.fields() {
            let list = matches!(
                field.field_type,
                FieldType::TextList
                    | FieldType::MailboxList
                    | FieldType::Binary
                    | FieldType::Recurrence
            );
            assert!(!(list && field.sortable), "{table}.{}", field.name);
        }
    }
}

#[test]
fn a_backend_can_leave_fields_out_but_never_the_keys() {
    let info = Table::Attachment.metadata().without(|f| f.name != "Name");
    let names: Vec<&str> = info.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ID", "FKItemID", "Name"]);
}
