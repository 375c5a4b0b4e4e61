//! The tables area's messages.

use mediagateway_api::tables::{FieldInfo, FieldType, Table, TableInfo};
use mediagateway_api::ApiError;

use crate::proto;

/// The wire kind of a field type, and an enumeration's values.
fn kind(field_type: FieldType) -> (proto::FieldKind, &'static [&'static str]) {
    use proto::FieldKind as Kind;
    let kind = match field_type {
        FieldType::Text => Kind::Text,
        FieldType::Integer => Kind::Integer,
        FieldType::Decimal => Kind::Decimal,
        FieldType::Boolean => Kind::Boolean,
        FieldType::DateTime => Kind::DateTime,
        FieldType::Date => Kind::Date,
        FieldType::Duration => Kind::Duration,
        FieldType::Binary => Kind::Binary,
        FieldType::TextList => Kind::TextList,
        FieldType::Mailbox => Kind::Mailbox,
        FieldType::MailboxList => Kind::MailboxList,
        FieldType::Recurrence => Kind::Recurrence,
        FieldType::Enumeration(values) => return (Kind::Enumeration, values),
    };
    (kind, &[])
}

/// The field type of a wire kind. An enumeration's values are not `'static` on a client, so
/// a client keeps those of the declared field of the same name, or else refuses it.
fn field_type(table: Table, field: &proto::FieldInfo) -> Result<FieldType, ApiError> {
    use proto::FieldKind as Kind;
    let kind = Kind::try_from(field.kind)
        .map_err(|_| ApiError::invalid(format!("field {:?} has an unknown kind", field.name)))?;
    Ok(match kind {
        Kind::Text => FieldType::Text,
        Kind::Integer => FieldType::Integer,
        Kind::Decimal => FieldType::Decimal,
        Kind::Boolean => FieldType::Boolean,
        Kind::DateTime => FieldType::DateTime,
        Kind::Date => FieldType::Date,
        Kind::Duration => FieldType::Duration,
        Kind::Binary => FieldType::Binary,
        Kind::TextList => FieldType::TextList,
        Kind::Mailbox => FieldType::Mailbox,
        Kind::MailboxList => FieldType::MailboxList,
        Kind::Recurrence => FieldType::Recurrence,
        Kind::Enumeration => match table.field(&field.name).map(|f| f.field_type) {
            Some(declared @ FieldType::Enumeration(values))
                if values
                    .iter()
                    .copied()
                    .eq(field.enumeration_values.iter().map(String::as_str)) =>
            {
                declared
            }
            _ => {
                return Err(ApiError::invalid(format!(
                    "{table}.{} is an enumeration this client does not know",
                    field.name
                )))
            }
        },
        Kind::Unspecified => {
            return Err(ApiError::invalid(format!(
                "field {:?} has no kind",
                field.name
            )))
        }
    })
}

impl From<&FieldInfo> for proto::FieldInfo {
    fn from(field: &FieldInfo) -> Self {
        let (kind, values) = kind(field.field_type);
        Self {
            name: field.name.clone(),
            kind: kind as i32,
            enumeration_values: values.iter().map(|v| (*v).to_owned()).collect(),
            nullable: field.nullable,
            read_only: field.read_only,
            sortable: field.sortable,
            filterable: field.filterable,
        }
    }
}

impl From<TableInfo> for proto::TableInfo {
    fn from(info: TableInfo) -> Self {
        Self {
            table: info.table.name().to_owned(),
            fields: info.fields.iter().map(Into::into).collect(),
            primary_key: info.primary_key.to_owned(),
            stable_key: info.stable_key.unwrap_or_default().to_owned(),
            parent_key: info.parent_key.unwrap_or_default().to_owned(),
        }
    }
}

impl TryFrom<proto::TableInfo> for TableInfo {
    type Error = ApiError;

    fn try_from(info: proto::TableInfo) -> Result<Self, ApiError> {
        let table = Table::from_name(&info.table)
            .ok_or_else(|| ApiError::invalid(format!("{:?} is not a table", info.table)))?;
        let fields = info
            .fields
            .iter()
            .map(|field| {
                Ok(FieldInfo {
                    name: field.name.clone(),
                    field_type: field_type(table, field)?,
                    nullable: field.nullable,
                    read_only: field.read_only,
                    sortable: field.sortable,
                    filterable: field.filterable,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        // The keys are the model's; a reply that names others is refused.
        let model = table.metadata();
        let key = |sent: &str, known: Option<&'static str>| {
            if sent == known.unwrap_or_default() {
                Ok(known)
            } else {
                Err(ApiError::invalid(format!("{table} has no key {sent:?}")))
            }
        };
        Ok(Self {
            table,
            fields,
            primary_key: key(&info.primary_key, Some(model.primary_key))?
                .unwrap_or(model.primary_key),
            stable_key: key(&info.stable_key, model.stable_key)?,
            parent_key: key(&info.parent_key, model.parent_key)?,
        })
    }
}

impl From<Vec<TableInfo>> for proto::MetadataReply {
    fn from(tables: Vec<TableInfo>) -> Self {
        Self {
            tables: tables.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::MetadataReply> for Vec<TableInfo> {
    type Error = ApiError;

    fn try_from(reply: proto::MetadataReply) -> Result<Self, ApiError> {
        reply.tables.into_iter().map(TableInfo::try_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tables_metadata_survives_the_wire() {
        let all: Vec<TableInfo> = Table::ALL.iter().map(|t| t.metadata()).collect();
        let wire = proto::MetadataReply::from(all.clone());
        assert_eq!(Vec::<TableInfo>::try_from(wire).unwrap(), all);
    }

    #[test]
    fn unknown_tables_kinds_enumerations_and_keys_are_refused() {
        let good = proto::TableInfo::from(Table::Appointment.metadata());
        let mut bad = good.clone();
        bad.table = "Spreadsheet".into();
        assert!(TableInfo::try_from(bad).is_err());
        let mut bad = good.clone();
        bad.fields[0].kind = 99;
        assert!(TableInfo::try_from(bad).is_err());
        let mut bad = good.clone();
        let busy = bad
            .fields
            .iter_mut()
            .find(|f| f.name == "BusyStatus")
            .unwrap();
        busy.enumeration_values.push("Sleeping".into());
        assert!(TableInfo::try_from(bad).is_err());
        let mut bad = good;
        bad.stable_key = "Subject".into();
        assert!(TableInfo::try_from(bad).is_err());
    }
}
