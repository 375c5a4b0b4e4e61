//! The tables over EWS: each declared field's EWS property path, and the metadata of a table
//! for the EWS version of an Exchange generation.

use exchange_ews::items::PropertyPath;
use mediagateway_api::tables::{EwsColumn, Field, Table, TableInfo};
use mediagateway_api::ExchangeGeneration;

use super::ews_version;

/// The EWS item property of a declared field of `table`; `None` for one the backend derives
/// itself, and for the folder table, whose properties the folder operations name (the EWS
/// client's property paths are those of items).
pub(crate) fn property(table: Table, field: &Field) -> Option<PropertyPath> {
    if table == Table::Folder {
        return None;
    }
    match field.ews {
        EwsColumn::Field(uri) => Some(PropertyPath::field(uri)),
        EwsColumn::Indexed(uri, key) => Some(PropertyPath::indexed(uri, key)),
        EwsColumn::Derived => None,
    }
}

/// The metadata of `table` on servers of `generation`: the declared fields but those whose
/// property the generation's EWS version does not know.
pub(crate) fn metadata(table: Table, generation: ExchangeGeneration) -> TableInfo {
    let version = ews_version(generation);
    table.metadata().without(|info| {
        table
            .field(&info.name)
            .and_then(|field| property(table, field))
            .is_some_and(|path| path.check(version).is_err())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_property_is_one_the_ews_client_knows() {
        let mut checked = 0;
        for table in Table::ALL {
            for field in table.fields() {
                if let Some(path) = property(table, field) {
                    path.check_shape()
                        .unwrap_or_else(|e| panic!("{table}.{}: {e}", field.name));
                    checked += 1;
                }
            }
        }
        assert!(checked > 80, "{checked}");
    }

    #[test]
    fn an_older_generation_lacks_the_newer_properties_only() {
        let newer = metadata(Table::Appointment, ExchangeGeneration::Exchange2010To2019);
        let older = metadata(Table::Appointment, ExchangeGeneration::Exchange2007);
        assert_eq!(newer.fields.len(), Table::Appointment.fields().len());
        let lost: Vec<&str> = newer
            .fields
            .iter()
            .filter(|f| older.field(&f.name).is_none())
            .map(|f| f.name.as_str())
            .collect();
        assert!(lost.contains(&"TimeZone"), "{lost:?}");
        assert!(!lost.contains(&"Start") && older.field("ID").is_some());
    }
}
