//! The macros that declare the typed structs.

/// Declares a table's struct from its fields, `rust_name: Type = "FieldName",` each with its
/// doc, and implements [`TableRow`](super::TableRow) for it. Every field is an `Option` of its
/// type (see the module's docs); the struct needs fields `id` and `e_tag`.
macro_rules! table_row {
    (
        $(#[$doc:meta])*
        $name:ident = $table:ident {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty = $field_name:literal,)+
        }
    ) => {
        table_row! {
            @row [e_tag]
            $(#[$doc])*
            $name = $table { $($(#[$field_doc])* $field: $ty = $field_name,)+ }
        }
    };
    // A table without change keys (attachments): the struct needs no `e_tag`.
    (
        $(#[$doc:meta])*
        $name:ident = $table:ident without change keys {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty = $field_name:literal,)+
        }
    ) => {
        table_row! {
            @row []
            $(#[$doc])*
            $name = $table { $($(#[$field_doc])* $field: $ty = $field_name,)+ }
        }
    };
    (@e_tag $row:ident e_tag) => { $row.e_tag.as_deref() };
    (@e_tag $row:ident) => {{
        let _ = $row;
        None
    }};
    (
        @row [$($e_tag:ident)?]
        $(#[$doc:meta])*
        $name:ident = $table:ident {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty = $field_name:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $($(#[$field_doc])* #[doc = concat!("\n\nField `", $field_name, "`.")]
            pub $field: Option<$ty>,)+
        }

        impl $crate::records::TableRow for $name {
            const TABLE: ::mediagateway_api::tables::Table =
                ::mediagateway_api::tables::Table::$table;

            const FIELDS: &'static [&'static str] = &[$($field_name),+];

            fn from_record(
                record: ::mediagateway_api::tables::Record,
            ) -> Result<Self, $crate::ConnectorError> {
                if record.table != Self::TABLE {
                    return Err($crate::ConnectorError::WrongTable {
                        expected: Self::TABLE,
                        found: record.table,
                    });
                }
                let mut row = Self::default();
                for (field, value) in record.values {
                    match field.as_ref() {
                        $($field_name => {
                            row.$field = Some($crate::records::values::read::<$ty>(
                                Self::TABLE,
                                $field_name,
                                value,
                            )?);
                        })+
                        _ => {
                            return Err($crate::ConnectorError::UnknownField {
                                table: Self::TABLE,
                                field: field.into_owned(),
                            })
                        }
                    }
                }
                Ok(row)
            }

            fn to_record(&self) -> ::mediagateway_api::tables::Record {
                let mut record = ::mediagateway_api::tables::Record::new(Self::TABLE);
                $(if let Some(value) = &self.$field {
                    record.values.insert(
                        $field_name.into(),
                        $crate::records::values::FieldValue::to_value(value),
                    );
                })+
                record
            }

            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }

            fn e_tag(&self) -> Option<&str> {
                let row = self;
                table_row!(@e_tag row $($e_tag)?)
            }
        }
    };
}

/// Declares the struct of an item table: the fields every item table shares, then its own.
macro_rules! item_row {
    (
        $(#[$doc:meta])*
        $name:ident = $table:ident { $($own:tt)* }
    ) => {
        table_row! {
            $(#[$doc])*
            $name = $table {
                /// Exchange's item id; a move (and on some servers a change) gives a new one.
                id: String = "ID",
                /// The key that stays across edits and moves.
                permanent_url: String = "PermanentURL",
                /// The change key, for optimistic concurrency.
                e_tag: String = "ETag",
                /// The id of the folder holding the item.
                fk_id: String = "FKID",
                /// The subject.
                subject: String = "Subject",
                /// The body as text.
                description: String = "Description",
                /// The body as HTML.
                html_description: String = "HtmlDescription",
                /// The categories.
                categories: Vec<String> = "Categories",
                /// The importance.
                importance: $crate::records::Importance = "Importance",
                /// The sensitivity.
                sensitivity: $crate::records::Sensitivity = "Sensitivity",
                /// When the item was created.
                created: ::chrono::DateTime<::chrono::Utc> = "Created",
                /// When the item last changed.
                last_modified: ::chrono::DateTime<::chrono::Utc> = "LastModified",
                /// Whether the item has attachments.
                has_attachments: bool = "HasAttachments",
                /// The item's size in bytes.
                size: i64 = "Size",
                $($own)*
            }
        }
    };
}
