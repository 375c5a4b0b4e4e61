//! What the item calls of the tables area ask: which records, where, and how a write is made.

use super::{Comparison, Filter, Literal, Query, Record, Table, TableInfo, Value, Write};
use crate::{ApiError, TimeWindow};

/// The longest id, change key or permanent key accepted, in bytes. Exchange's ids are about
/// 150 characters; the bound leaves room and keeps hostile input small.
pub const MAX_KEY_LEN: usize = 1024;
/// The most field changes one update may make.
pub const MAX_CHANGES: usize = 256;

/// How a record is named.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordKey {
    /// By `ID`, the backend's id, which a move (and on some servers an edit) replaces.
    Id(String),
    /// By `PermanentURL`, which stays across edits and moves.
    PermanentUrl(String),
}

impl RecordKey {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Id(key) | Self::PermanentUrl(key) => key,
        }
    }

    /// Checks the key's length and characters.
    pub fn check(&self) -> Result<(), ApiError> {
        check_key(self.as_str(), "a record key")
    }
}

/// A folder every mailbox has, by its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WellKnownFolder {
    /// The default calendar.
    Calendar,
    /// The default contacts folder.
    Contacts,
    /// The default tasks folder.
    Tasks,
    /// The inbox.
    Inbox,
    /// Drafts.
    Drafts,
    /// Sent items.
    SentItems,
    /// Deleted items.
    DeletedItems,
    /// The outbox.
    Outbox,
    /// Junk e-mail.
    JunkEmail,
    /// Notes.
    Notes,
    /// The top of the folders a user sees (Exchange's `msgfolderroot`).
    Top,
}

impl WellKnownFolder {
    /// Every well-known folder.
    pub const ALL: [Self; 11] = [
        Self::Calendar,
        Self::Contacts,
        Self::Tasks,
        Self::Inbox,
        Self::Drafts,
        Self::SentItems,
        Self::DeletedItems,
        Self::Outbox,
        Self::JunkEmail,
        Self::Notes,
        Self::Top,
    ];

    /// Its name (`calendar`, `sentitems`, …: EWS's distinguished folder ids, but for `Top`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Contacts => "contacts",
            Self::Tasks => "tasks",
            Self::Inbox => "inbox",
            Self::Drafts => "drafts",
            Self::SentItems => "sentitems",
            Self::DeletedItems => "deleteditems",
            Self::Outbox => "outbox",
            Self::JunkEmail => "junkemail",
            Self::Notes => "notes",
            Self::Top => "top",
        }
    }

    /// The folder called `name`, if one is.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Where records of `table` live unless a call says otherwise.
    pub fn default_for(table: Table) -> Self {
        match table {
            Table::Appointment => Self::Calendar,
            Table::Contact => Self::Contacts,
            Table::Task => Self::Tasks,
            Table::Message => Self::Inbox,
            Table::Note => Self::Notes,
            Table::Folder | Table::Attachment => Self::Top,
        }
    }
}

/// A folder: a well-known one, or one by id (the `ID` of a Folder record).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FolderRef {
    /// A well-known folder.
    WellKnown(WellKnownFolder),
    /// A folder by id.
    Id(String),
}

impl FolderRef {
    /// Checks an id's length and characters.
    pub fn check(&self) -> Result<(), ApiError> {
        match self {
            Self::WellKnown(_) => Ok(()),
            Self::Id(id) => check_key(id, "a folder id"),
        }
    }
}

/// A query of one table in one folder.
#[derive(Debug, Clone, PartialEq)]
pub struct TableQuery {
    /// The table.
    pub table: Table,
    /// The filter, sort, fields and page.
    pub query: Query,
    /// The folder searched; the table's default folder when `None` (for Folder: the whole
    /// tree under the top; for Attachment: not allowed, they are listed by item).
    pub folder: Option<FolderRef>,
    /// For Appointment only: the window whose appointments are read, with every series
    /// expanded into its occurrences.
    pub window: Option<TimeWindow>,
}

impl TableQuery {
    /// A query of `table` in its default folder.
    pub fn new(table: Table, query: Query) -> Self {
        Self {
            table,
            query,
            folder: None,
            window: None,
        }
    }

    /// Checks the query against `info` (the table's metadata as the backend serves it), the
    /// folder and the window's table.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        self.query.check(info)?;
        if let Some(folder) = &self.folder {
            folder.check()?;
        }
        if self.window.is_some() && self.table != Table::Appointment {
            return Err(ApiError::invalid(format!(
                "a calendar window is for Appointment, not {}",
                self.table
            )));
        }
        if self.table == Table::Attachment {
            if self.folder.is_some() {
                return Err(ApiError::invalid(
                    "attachments are listed by their item (FKItemID), not by folder",
                ));
            }
            let item = self.parent_item().ok_or_else(|| {
                ApiError::invalid(
                    "a query of attachments needs FKItemID = \"<item id>\" in its filter \
                     (alone, or as a part of a top-level AND)",
                )
            })?;
            check_key(item, "an item id")?;
        }
        Ok(())
    }

    /// The item whose attachments a query of Attachment lists: the text of the filter's
    /// `FKItemID = "…"`, when the filter is that equality or an AND with it as one part.
    pub fn parent_item(&self) -> Option<&str> {
        fn equality(filter: &Filter) -> Option<&str> {
            match filter {
                Filter::Compare {
                    field,
                    op: Comparison::Equal,
                    value: Literal::Text(id),
                } if field == "FKItemID" => Some(id),
                _ => None,
            }
        }
        let filter = self.query.filter.as_ref()?;
        match filter {
            Filter::And(parts) => parts.iter().find_map(equality),
            other => equality(other),
        }
    }
}

/// Records of a query as they arrive: a run of records, and after the page's last one the
/// token of the next page, when there is one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordChunk {
    /// Records, in the query's order.
    pub records: Vec<Record>,
    /// The token that continues the query after this page; only on a page's last chunk, and
    /// only when more records follow.
    pub next_page_token: Option<String>,
}

/// One record by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetRecord {
    /// The table.
    pub table: Table,
    /// Which record.
    pub key: RecordKey,
    /// The fields to return besides the keys; every field when empty.
    pub fields: Vec<String>,
}

impl GetRecord {
    /// Checks the key and the fields against `info`.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        self.key.check()?;
        check_fields(&self.fields, info)
    }
}

/// Whom a write of a meeting tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MeetingNotice {
    /// No one (the default): the calendar changes, no invitation or cancellation goes out.
    #[default]
    None,
    /// Every attendee.
    All,
    /// Every attendee, and a copy is kept in Sent Items.
    AllAndSaveCopy,
    /// On updates, only attendees added or removed by the change.
    ChangedOnly,
}

/// What becomes of a message that is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageDisposition {
    /// Saved (a draft when new). The default.
    #[default]
    Save,
    /// Sent, without a copy.
    Send,
    /// Sent, with a copy in Sent Items.
    SendAndSaveCopy,
}

/// Which occurrences of a recurring task a delete affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TaskOccurrences {
    /// The whole series (the default).
    #[default]
    All,
    /// The current occurrence only.
    CurrentOnly,
}

/// The options Exchange has for writes; each applies where it means something (meetings,
/// messages, recurring tasks) and is ignored elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WriteOptions {
    /// Invitations, updates and cancellations of meetings.
    pub meeting_notice: MeetingNotice,
    /// Draft, send, or send and keep a copy.
    pub message: MessageDisposition,
    /// Which occurrences of a recurring task a delete affects.
    pub task_occurrences: TaskOccurrences,
}

/// A new record.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRecord {
    /// The record: its table and values.
    pub record: Record,
    /// The folder it goes in; the table's default folder when `None`.
    pub folder: Option<FolderRef>,
    /// Exchange's options.
    pub options: WriteOptions,
}

impl CreateRecord {
    /// A new `record` in its table's default folder, with the default options.
    pub fn new(record: Record) -> Self {
        Self {
            record,
            folder: None,
            options: WriteOptions::default(),
        }
    }

    /// Checks the record as a new one of `info`, and the folder.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.record.table, info)?;
        self.record.check_write(info, Write::Create)?;
        if let Some(folder) = &self.folder {
            folder.check()?;
        }
        if self.record.table == Table::Attachment {
            if self.folder.is_some() {
                return Err(ApiError::invalid(
                    "an attachment goes in its item (FKItemID), not in a folder",
                ));
            }
            for key in ["FKItemID", "ItemID"] {
                if let Some(Value::Text(id)) = self.record.get(key) {
                    check_key(id, "an item id")?;
                }
            }
            let (file, item) = (
                self.record.get("Value").is_some(),
                self.record.get("ItemID").is_some(),
            );
            if file == item {
                return Err(ApiError::invalid(
                    "a new attachment has either Value (a file) or ItemID (an item), not both",
                ));
            }
        }
        Ok(())
    }
}

/// One change to one field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldChange {
    /// The field takes `value`.
    Set(String, Value),
    /// `value` is added to the field (a body, recipients, categories), where the backend can.
    Append(String, Value),
    /// The field loses its value.
    Clear(String),
}

impl FieldChange {
    /// The field changed.
    pub fn field(&self) -> &str {
        match self {
            Self::Set(field, _) | Self::Append(field, _) | Self::Clear(field) => field,
        }
    }
}

/// Changes to a record.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRecord {
    /// The table.
    pub table: Table,
    /// The record's `ID`.
    pub id: String,
    /// The change key (`ETag`) the caller read: a stale one fails with
    /// [`ApiError::Conflict`] and changes nothing. `None` writes whatever the record holds
    /// now (last writer wins).
    pub change_key: Option<String>,
    /// The changes, at most [`MAX_CHANGES`], each field once.
    pub changes: Vec<FieldChange>,
    /// Exchange's options.
    pub options: WriteOptions,
}

impl UpdateRecord {
    /// Checks the id, the change key and every change against `info`: fields that exist and
    /// are writable, values that fit, no field twice, and no required field cleared.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        if self.table == Table::Attachment {
            return Err(ApiError::NotSupported {
                what: "an attachment is not changed: delete it and add another".into(),
            });
        }
        check_key(&self.id, "a record id")?;
        if let Some(change_key) = &self.change_key {
            check_key(change_key, "a change key")?;
        }
        if self.changes.is_empty() || self.changes.len() > MAX_CHANGES {
            return Err(ApiError::invalid(format!(
                "an update makes 1 to {MAX_CHANGES} changes"
            )));
        }
        let mut set = Record::new(self.table);
        for (i, change) in self.changes.iter().enumerate() {
            let name = change.field();
            if self.changes[..i].iter().any(|c| c.field() == name) {
                return Err(ApiError::invalid(format!("{name} is changed twice")));
            }
            match change {
                FieldChange::Set(_, value) | FieldChange::Append(_, value) => {
                    set.set(name, value.clone());
                }
                FieldChange::Clear(_) => {
                    let field = info.field(name).ok_or_else(|| {
                        ApiError::invalid(format!("{} has no field {name:?}", info.table))
                    })?;
                    if field.read_only || !field.nullable {
                        return Err(ApiError::invalid(format!(
                            "{}.{name} cannot be cleared",
                            info.table
                        )));
                    }
                }
            }
        }
        set.check_write(info, Write::Update)
    }
}

/// How a record is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeleteMode {
    /// Gone for good.
    Hard,
    /// Gone from its folder, recoverable by the mailbox's owner for a while.
    Soft,
    /// Moved to Deleted Items (the default, as a user's delete does).
    #[default]
    MoveToDeletedItems,
}

/// A record to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRecord {
    /// The table.
    pub table: Table,
    /// The record's `ID`.
    pub id: String,
    /// How.
    pub mode: DeleteMode,
    /// Exchange's options (cancellations, task occurrences).
    pub options: WriteOptions,
}

impl DeleteRecord {
    /// Checks the id and the table.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        check_key(&self.id, "a record id")
    }
}

/// A record to move or copy to another folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRecord {
    /// The table.
    pub table: Table,
    /// The record's `ID`.
    pub id: String,
    /// Where it goes.
    pub folder: FolderRef,
    /// Copy (a new record with its own `ID` and `PermanentURL`) instead of moving (a new `ID`,
    /// the same `PermanentURL`).
    pub copy: bool,
}

impl TransferRecord {
    /// Checks the id, the folder and the table.
    pub fn check(&self, info: &TableInfo) -> Result<(), ApiError> {
        same_table(self.table, info)?;
        check_key(&self.id, "a record id")?;
        self.folder.check()?;
        match self.table {
            Table::Attachment => {
                return Err(ApiError::NotSupported {
                    what: "attachments are not moved or copied: they stay with their item".into(),
                })
            }
            Table::Folder if self.copy => {
                return Err(ApiError::NotSupported {
                    what: "folders are moved, not copied".into(),
                })
            }
            _ => {}
        }
        Ok(())
    }
}

pub(super) fn same_table(table: Table, info: &TableInfo) -> Result<(), ApiError> {
    if table == info.table {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "a call on {table} checked against {}",
            info.table
        )))
    }
}

/// Checks an id or key: 1 to [`MAX_KEY_LEN`] bytes, no control characters or spaces.
fn check_key(key: &str, what: &str) -> Result<(), ApiError> {
    if key.is_empty()
        || key.len() > MAX_KEY_LEN
        || key.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(ApiError::invalid(format!(
            "{what} takes 1 to {MAX_KEY_LEN} bytes without spaces or control characters"
        )));
    }
    Ok(())
}

/// Checks selected fields: each exists, once, at most [`MAX_SELECTED_FIELDS`](super::MAX_SELECTED_FIELDS).
pub(crate) fn check_fields(fields: &[String], info: &TableInfo) -> Result<(), ApiError> {
    if fields.len() > super::MAX_SELECTED_FIELDS {
        return Err(ApiError::invalid(format!(
            "{} fields selected; at most {}",
            fields.len(),
            super::MAX_SELECTED_FIELDS
        )));
    }
    for (i, name) in fields.iter().enumerate() {
        if info.field(name).is_none() {
            return Err(ApiError::invalid(format!(
                "{} has no field {name:?}",
                info.table
            )));
        }
        if fields[..i].contains(name) {
            return Err(ApiError::invalid(format!("{name} is selected twice")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    fn update(changes: Vec<FieldChange>) -> UpdateRecord {
        UpdateRecord {
            table: Table::Contact,
            id: "AAMk1".into(),
            change_key: Some("CQAA".into()),
            changes,
            options: WriteOptions::default(),
        }
    }

    #[test]
    fn updates_change_writable_fields_once_and_clear_only_nullable_ones() {
        let info = Table::Contact.metadata();
        update(vec![
            FieldChange::Set("Surname".into(), text("Lovelace")),
            FieldChange::Clear("JobTitle".into()),
            FieldChange::Append("Categories".into(), Value::TextList(vec!["x".into()])),
        ])
        .check(&info)
        .unwrap();
        for (changes, says) in [
            (vec![], "1 to"),
            (
                vec![
                    FieldChange::Set("Surname".into(), text("a")),
                    FieldChange::Clear("Surname".into()),
                ],
                "twice",
            ),
            (vec![FieldChange::Clear("ID".into())], "cannot be cleared"),
            (vec![FieldChange::Clear("Nope".into())], "no field"),
            (
                vec![FieldChange::Set("ETag".into(), text("x"))],
                "read-only",
            ),
            (
                vec![FieldChange::Set("Birthday".into(), text("soon"))],
                "Date",
            ),
        ] {
            let err = update(changes).check(&info).unwrap_err();
            assert!(err.to_string().contains(says), "{says}: {err}");
        }
        let mut bad_key = update(vec![FieldChange::Clear("JobTitle".into())]);
        bad_key.change_key = Some("with space".into());
        assert!(bad_key.check(&info).is_err());
        bad_key.change_key = Some("x".repeat(MAX_KEY_LEN + 1));
        assert!(bad_key.check(&info).is_err());
        assert!(update(vec![FieldChange::Clear("JobTitle".into())])
            .check(&Table::Task.metadata())
            .is_err());
    }

    #[test]
    fn queries_keep_windows_to_appointments_and_attachments_to_their_items() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let window = TimeWindow::new(start, start + chrono::Duration::days(7)).unwrap();
        let mut query = TableQuery::new(Table::Appointment, Query::new(10));
        query.window = Some(window);
        query.check(&Table::Appointment.metadata()).unwrap();
        query.table = Table::Contact;
        let err = query.check(&Table::Contact.metadata()).unwrap_err();
        assert!(err.to_string().contains("window"), "{err}");
        let info = Table::Attachment.metadata();
        let mut attachments = TableQuery::new(Table::Attachment, Query::new(10));
        assert!(attachments.check(&info).is_err());
        for (filter, item) in [
            (r#"FKItemID = "AAMk1""#, Some("AAMk1")),
            (r#"FKItemID = "AAMk1" and IsInline = false"#, Some("AAMk1")),
            (r#"FKItemID != "AAMk1""#, None),
            (r#"FKItemID = "AAMk1" or IsInline = false"#, None),
            (r#"not FKItemID = "AAMk1""#, None),
            (r#"Name = "a.txt""#, None),
        ] {
            attachments.query.filter = Some(Filter::parse(filter).unwrap());
            assert_eq!(attachments.parent_item(), item, "{filter}");
            assert_eq!(attachments.check(&info).is_ok(), item.is_some(), "{filter}");
        }
        attachments.query.filter = Some(Filter::parse(r#"FKItemID = "AAMk1""#).unwrap());
        attachments.folder = Some(FolderRef::WellKnown(WellKnownFolder::Inbox));
        assert!(attachments.check(&info).is_err());
        let mut hostile = TableQuery::new(Table::Contact, Query::new(10));
        hostile.folder = Some(FolderRef::Id("\u{0}".into()));
        assert!(hostile.check(&Table::Contact.metadata()).is_err());
        assert!(TableQuery::new(Table::Contact, Query::new(10))
            .check(&Table::Task.metadata())
            .is_err());
    }

    #[test]
    fn well_known_folders_have_names_and_defaults() {
        for folder in WellKnownFolder::ALL {
            assert_eq!(WellKnownFolder::from_name(folder.name()), Some(folder));
        }
        assert_eq!(
            WellKnownFolder::default_for(Table::Note),
            WellKnownFolder::Notes
        );
        let get = GetRecord {
            table: Table::Task,
            key: RecordKey::PermanentUrl(String::new()),
            fields: vec![],
        };
        assert!(get.check(&Table::Task.metadata()).is_err());
        let info = Table::Attachment.metadata();
        assert!(CreateRecord::new(Record::new(Table::Attachment))
            .check(&info)
            .is_err());
        let file = Record::new(Table::Attachment)
            .with("FKItemID", Value::Text("AAMk1".into()))
            .with("Name", Value::Text("a.txt".into()))
            .with("Value", Value::Binary(b"hello".to_vec()));
        CreateRecord::new(file.clone()).check(&info).unwrap();
        let both = file.clone().with("ItemID", Value::Text("AAMk2".into()));
        assert!(CreateRecord::new(both).check(&info).is_err());
        let mut item = file.clone().with("ItemID", Value::Text("AAMk2".into()));
        item.values.remove("Value");
        CreateRecord::new(item).check(&info).unwrap();
        let mut in_folder = CreateRecord::new(file);
        in_folder.folder = Some(FolderRef::WellKnown(WellKnownFolder::Inbox));
        assert!(in_folder.check(&info).is_err());
        let update = UpdateRecord {
            table: Table::Attachment,
            id: "AAMk1".into(),
            change_key: None,
            changes: vec![FieldChange::Set("Name".into(), text("b.txt"))],
            options: WriteOptions::default(),
        };
        assert!(matches!(
            update.check(&info),
            Err(ApiError::NotSupported { .. })
        ));
    }
}
