//! Changes since a state: what was created, changed and deleted in a folder of an item table
//! since the state a previous call returned (Exchange's folder synchronisation).

use super::requests::{check_fields, same_table};
use super::{FolderRef, Record, Table, TableInfo};
use crate::ApiError;

/// The most changes one call returns.
pub const MAX_SYNC_CHANGES: u32 = 512;
/// The longest sync state accepted, in bytes (the gateway's sealed form of the backend's).
pub const MAX_SYNC_STATE_LEN: usize = 16 * 1024;

/// Which changes: of a table's folder, since a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesRequest {
    /// The table (an item table).
    pub table: Table,
    /// The folder; the table's default folder when `None`.
    pub folder: Option<FolderRef>,
    /// The state a previous call returned; `None` for the first call, which reports every
    /// record of the folder as created.
    pub sync_state: Option<String>,
    /// The fields of created and updated records besides the keys; every field when empty.
    pub fields: Vec<String>,
    /// The most changes returned: 1 to [`MAX_SYNC_CHANGES`].
    pub max_changes: u32,
}

impl ChangesRequest {
    /// The first call on `table`'s default folder, for at most `max_changes` changes.
    pub fn new(table: Table, max_changes: u32) -> Self {
        Self {
            table,
            folder: None,
            sync_state: None,
            fields: Vec::new(),
            max_changes,
        }
    }

    /// Checks the table (an item table), the folder, the state's length, the fields and the
    /// number of changes.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        if matches!(self.table, Table::Folder | Table::Attachment) {
            return Err(ApiError::NotSupported {
                what: format!("changes of {} records", self.table),
            });
        }
        if let Some(folder) = &self.folder {
            folder.check()?;
        }
        if self
            .sync_state
            .as_ref()
            .is_some_and(|s| s.is_empty() || s.len() > MAX_SYNC_STATE_LEN)
        {
            return Err(ApiError::invalid(format!(
                "a sync state takes 1 to {MAX_SYNC_STATE_LEN} bytes"
            )));
        }
        check_fields(&self.fields, info)?;
        if !(1..=MAX_SYNC_CHANGES).contains(&self.max_changes) {
            return Err(ApiError::invalid(format!(
                "{} changes asked for; 1 to {MAX_SYNC_CHANGES}",
                self.max_changes
            )));
        }
        Ok(())
    }
}

/// A record whose read flag changed, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFlagChange {
    /// The record's `ID`.
    pub id: String,
    /// Whether it is read now.
    pub is_read: bool,
}

/// The changes since a state, and the state after them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    /// Records created since (every record, on a first call).
    pub created: Vec<Record>,
    /// Records changed since.
    pub updated: Vec<Record>,
    /// The `ID`s of records deleted (or moved out of the folder) since.
    pub deleted: Vec<String>,
    /// Records whose read flag alone changed (messages).
    pub read_flag_changed: Vec<ReadFlagChange>,
    /// The state after these changes, for the next call: opaque, bound to the caller, the
    /// table and the folder.
    pub sync_state: String,
    /// Whether more changes wait: call again with `sync_state` at once.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_checked() {
        let info = Table::Contact.metadata();
        let good = ChangesRequest::new(Table::Contact, 100);
        good.check(&info).unwrap();
        let mut bad = good.clone();
        bad.max_changes = 0;
        assert!(bad.check(&info).is_err());
        bad.max_changes = MAX_SYNC_CHANGES + 1;
        assert!(bad.check(&info).is_err());
        let mut bad = good.clone();
        bad.sync_state = Some(String::new());
        assert!(bad.check(&info).is_err());
        bad.sync_state = Some("x".repeat(MAX_SYNC_STATE_LEN + 1));
        assert!(bad.check(&info).is_err());
        let mut bad = good.clone();
        bad.fields = vec!["Nope".into()];
        assert!(bad.check(&info).is_err());
        let mut bad = good.clone();
        bad.folder = Some(FolderRef::Id(" ".into()));
        assert!(bad.check(&info).is_err());
        assert!(good.check(&Table::Task.metadata()).is_err());
        assert!(matches!(
            ChangesRequest::new(Table::Folder, 10).check(&Table::Folder.metadata()),
            Err(ApiError::NotSupported { .. })
        ));
    }
}
