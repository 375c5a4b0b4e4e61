//! The messages that name, write, move and delete records: keys, folders, write options and
//! the requests of the item calls. UNSPECIFIED options and delete modes are the API's
//! defaults; an unspecified well-known folder is refused.

use mediagateway_api::tables::{
    Changes, ChangesRequest, CreateRecord, DeleteMode, DeleteRecord, FieldChange, FolderRef,
    GetRecord, MeetingNotice, MessageDisposition, ReadFlagChange, Record, RecordKey,
    TaskOccurrences, TransferRecord, UpdateRecord, Value, WellKnownFolder, WriteOptions,
};
use mediagateway_api::ApiError;

use super::records::{optional, required, table, unspecified, wire_enum, within};
use crate::proto;

impl From<&RecordKey> for proto::RecordKey {
    fn from(key: &RecordKey) -> Self {
        use proto::record_key::Key;
        let key = match key {
            RecordKey::Id(id) => Key::Id(id.clone()),
            RecordKey::PermanentUrl(url) => Key::PermanentUrl(url.clone()),
        };
        Self { key: Some(key) }
    }
}

impl TryFrom<proto::RecordKey> for RecordKey {
    type Error = ApiError;

    fn try_from(key: proto::RecordKey) -> Result<Self, ApiError> {
        use proto::record_key::Key;
        match key.key {
            Some(Key::Id(id)) => Ok(Self::Id(id)),
            Some(Key::PermanentUrl(url)) => Ok(Self::PermanentUrl(url)),
            None => Err(ApiError::invalid("a record key that names no key")),
        }
    }
}

impl From<WellKnownFolder> for proto::WellKnownFolder {
    fn from(folder: WellKnownFolder) -> Self {
        match folder {
            WellKnownFolder::Calendar => Self::Calendar,
            WellKnownFolder::Contacts => Self::Contacts,
            WellKnownFolder::Tasks => Self::Tasks,
            WellKnownFolder::Inbox => Self::Inbox,
            WellKnownFolder::Drafts => Self::Drafts,
            WellKnownFolder::SentItems => Self::SentItems,
            WellKnownFolder::DeletedItems => Self::DeletedItems,
            WellKnownFolder::Outbox => Self::Outbox,
            WellKnownFolder::JunkEmail => Self::JunkEmail,
            WellKnownFolder::Notes => Self::Notes,
            WellKnownFolder::Top => Self::Top,
        }
    }
}

impl TryFrom<proto::WellKnownFolder> for WellKnownFolder {
    type Error = ApiError;

    fn try_from(folder: proto::WellKnownFolder) -> Result<Self, ApiError> {
        use proto::WellKnownFolder as Wire;
        Ok(match folder {
            Wire::Calendar => Self::Calendar,
            Wire::Contacts => Self::Contacts,
            Wire::Tasks => Self::Tasks,
            Wire::Inbox => Self::Inbox,
            Wire::Drafts => Self::Drafts,
            Wire::SentItems => Self::SentItems,
            Wire::DeletedItems => Self::DeletedItems,
            Wire::Outbox => Self::Outbox,
            Wire::JunkEmail => Self::JunkEmail,
            Wire::Notes => Self::Notes,
            Wire::Top => Self::Top,
            Wire::Unspecified => return unspecified("the well-known folder"),
        })
    }
}

impl From<&FolderRef> for proto::FolderRef {
    fn from(folder: &FolderRef) -> Self {
        use proto::folder_ref::Folder;
        let folder = match folder {
            FolderRef::WellKnown(known) => {
                Folder::WellKnown(proto::WellKnownFolder::from(*known).into())
            }
            FolderRef::Id(id) => Folder::Id(id.clone()),
        };
        Self {
            folder: Some(folder),
        }
    }
}

impl TryFrom<proto::FolderRef> for FolderRef {
    type Error = ApiError;

    fn try_from(folder: proto::FolderRef) -> Result<Self, ApiError> {
        use proto::folder_ref::Folder;
        match folder.folder {
            Some(Folder::WellKnown(known)) => Ok(Self::WellKnown(
                wire_enum::<proto::WellKnownFolder>(known, "the well-known folder")?.try_into()?,
            )),
            Some(Folder::Id(id)) => Ok(Self::Id(id)),
            None => Err(ApiError::invalid("a folder that names no folder")),
        }
    }
}

impl From<&GetRecord> for proto::GetRecord {
    fn from(get: &GetRecord) -> Self {
        Self {
            table: get.table.name().to_owned(),
            key: Some((&get.key).into()),
            fields: get.fields.clone(),
        }
    }
}

impl TryFrom<proto::GetRecord> for GetRecord {
    type Error = ApiError;

    fn try_from(get: proto::GetRecord) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&get.table)?,
            key: required(get.key, "key")?,
            fields: get.fields,
        })
    }
}

impl From<&WriteOptions> for proto::WriteOptions {
    fn from(options: &WriteOptions) -> Self {
        let meeting_notice = match options.meeting_notice {
            MeetingNotice::None => proto::MeetingNotice::None,
            MeetingNotice::All => proto::MeetingNotice::All,
            MeetingNotice::AllAndSaveCopy => proto::MeetingNotice::AllAndSaveCopy,
            MeetingNotice::ChangedOnly => proto::MeetingNotice::ChangedOnly,
        };
        let message = match options.message {
            MessageDisposition::Save => proto::MessageDisposition::Save,
            MessageDisposition::Send => proto::MessageDisposition::Send,
            MessageDisposition::SendAndSaveCopy => proto::MessageDisposition::SendAndSaveCopy,
        };
        let task_occurrences = match options.task_occurrences {
            TaskOccurrences::All => proto::TaskOccurrences::All,
            TaskOccurrences::CurrentOnly => proto::TaskOccurrences::CurrentOnly,
        };
        Self {
            meeting_notice: meeting_notice.into(),
            message: message.into(),
            task_occurrences: task_occurrences.into(),
        }
    }
}

/// Each UNSPECIFIED is the API's default.
impl TryFrom<proto::WriteOptions> for WriteOptions {
    type Error = ApiError;

    fn try_from(options: proto::WriteOptions) -> Result<Self, ApiError> {
        use proto::TaskOccurrences as Occurrences;
        use proto::{MeetingNotice as Notice, MessageDisposition as Disposition};
        Ok(Self {
            meeting_notice: match wire_enum(options.meeting_notice, "meeting_notice")? {
                Notice::Unspecified => MeetingNotice::default(),
                Notice::None => MeetingNotice::None,
                Notice::All => MeetingNotice::All,
                Notice::AllAndSaveCopy => MeetingNotice::AllAndSaveCopy,
                Notice::ChangedOnly => MeetingNotice::ChangedOnly,
            },
            message: match wire_enum(options.message, "message")? {
                Disposition::Unspecified => MessageDisposition::default(),
                Disposition::Save => MessageDisposition::Save,
                Disposition::Send => MessageDisposition::Send,
                Disposition::SendAndSaveCopy => MessageDisposition::SendAndSaveCopy,
            },
            task_occurrences: match wire_enum(options.task_occurrences, "task_occurrences")? {
                Occurrences::Unspecified => TaskOccurrences::default(),
                Occurrences::All => TaskOccurrences::All,
                Occurrences::CurrentOnly => TaskOccurrences::CurrentOnly,
            },
        })
    }
}

/// Absent options are the defaults, as options whose every value is UNSPECIFIED are.
fn options(options: Option<proto::WriteOptions>) -> Result<WriteOptions, ApiError> {
    Ok(optional(options, "options")?.unwrap_or_default())
}

impl From<&CreateRecord> for proto::CreateRecord {
    fn from(create: &CreateRecord) -> Self {
        Self {
            record: Some((&create.record).into()),
            folder: create.folder.as_ref().map(Into::into),
            options: Some((&create.options).into()),
        }
    }
}

impl TryFrom<proto::CreateRecord> for CreateRecord {
    type Error = ApiError;

    fn try_from(create: proto::CreateRecord) -> Result<Self, ApiError> {
        Ok(Self {
            record: required(create.record, "record")?,
            folder: optional(create.folder, "folder")?,
            options: options(create.options)?,
        })
    }
}

impl From<&FieldChange> for proto::FieldChange {
    fn from(change: &FieldChange) -> Self {
        use proto::field_change::Change;
        let (field, change) = match change {
            FieldChange::Set(field, value) => (field, Change::Set(value.into())),
            FieldChange::Append(field, value) => (field, Change::Append(value.into())),
            FieldChange::Clear(field) => (field, Change::Clear(proto::Empty {})),
        };
        Self {
            field: field.clone(),
            change: Some(change),
        }
    }
}

impl TryFrom<proto::FieldChange> for FieldChange {
    type Error = ApiError;

    fn try_from(change: proto::FieldChange) -> Result<Self, ApiError> {
        use proto::field_change::Change;
        let field = change.field;
        match change.change {
            Some(Change::Set(value)) => {
                let value = Value::try_from(value).map_err(within(&field))?;
                Ok(Self::Set(field, value))
            }
            Some(Change::Append(value)) => {
                let value = Value::try_from(value).map_err(within(&field))?;
                Ok(Self::Append(field, value))
            }
            Some(Change::Clear(proto::Empty {})) => Ok(Self::Clear(field)),
            None => Err(ApiError::invalid(format!(
                "the change of {field} is missing"
            ))),
        }
    }
}

impl From<&UpdateRecord> for proto::UpdateRecord {
    fn from(update: &UpdateRecord) -> Self {
        Self {
            table: update.table.name().to_owned(),
            id: update.id.clone(),
            change_key: update.change_key.clone(),
            changes: update.changes.iter().map(Into::into).collect(),
            options: Some((&update.options).into()),
        }
    }
}

impl TryFrom<proto::UpdateRecord> for UpdateRecord {
    type Error = ApiError;

    fn try_from(update: proto::UpdateRecord) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&update.table)?,
            id: update.id,
            change_key: update.change_key,
            changes: update
                .changes
                .into_iter()
                .map(FieldChange::try_from)
                .collect::<Result<_, _>>()?,
            options: options(update.options)?,
        })
    }
}

impl From<DeleteMode> for proto::DeleteMode {
    fn from(mode: DeleteMode) -> Self {
        match mode {
            DeleteMode::Hard => Self::Hard,
            DeleteMode::Soft => Self::Soft,
            DeleteMode::MoveToDeletedItems => Self::MoveToDeletedItems,
        }
    }
}

/// UNSPECIFIED is the API's default.
impl From<proto::DeleteMode> for DeleteMode {
    fn from(mode: proto::DeleteMode) -> Self {
        match mode {
            proto::DeleteMode::Unspecified => Self::default(),
            proto::DeleteMode::Hard => Self::Hard,
            proto::DeleteMode::Soft => Self::Soft,
            proto::DeleteMode::MoveToDeletedItems => Self::MoveToDeletedItems,
        }
    }
}

impl From<&DeleteRecord> for proto::DeleteRecord {
    fn from(delete: &DeleteRecord) -> Self {
        Self {
            table: delete.table.name().to_owned(),
            id: delete.id.clone(),
            mode: proto::DeleteMode::from(delete.mode).into(),
            options: Some((&delete.options).into()),
        }
    }
}

impl TryFrom<proto::DeleteRecord> for DeleteRecord {
    type Error = ApiError;

    fn try_from(delete: proto::DeleteRecord) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&delete.table)?,
            id: delete.id,
            mode: wire_enum::<proto::DeleteMode>(delete.mode, "mode")?.into(),
            options: options(delete.options)?,
        })
    }
}

impl From<&TransferRecord> for proto::TransferRecord {
    fn from(transfer: &TransferRecord) -> Self {
        Self {
            table: transfer.table.name().to_owned(),
            id: transfer.id.clone(),
            folder: Some((&transfer.folder).into()),
            copy: transfer.copy,
        }
    }
}

impl TryFrom<proto::TransferRecord> for TransferRecord {
    type Error = ApiError;

    fn try_from(transfer: proto::TransferRecord) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&transfer.table)?,
            id: transfer.id,
            folder: required(transfer.folder, "folder")?,
            copy: transfer.copy,
        })
    }
}

impl From<&ChangesRequest> for proto::ChangesQuery {
    fn from(request: &ChangesRequest) -> Self {
        Self {
            table: request.table.name().to_owned(),
            folder: request.folder.as_ref().map(Into::into),
            sync_state: request.sync_state.clone(),
            fields: request.fields.clone(),
            max_changes: request.max_changes,
        }
    }
}

impl TryFrom<proto::ChangesQuery> for ChangesRequest {
    type Error = ApiError;

    fn try_from(request: proto::ChangesQuery) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&request.table)?,
            folder: optional(request.folder, "folder")?,
            sync_state: request.sync_state,
            fields: request.fields,
            max_changes: request.max_changes,
        })
    }
}

impl From<Changes> for proto::RecordChanges {
    fn from(changes: Changes) -> Self {
        Self {
            created: changes.created.into_iter().map(Into::into).collect(),
            updated: changes.updated.into_iter().map(Into::into).collect(),
            deleted: changes.deleted,
            read_flag_changed: changes
                .read_flag_changed
                .into_iter()
                .map(|c| proto::ReadFlagChange {
                    id: c.id,
                    is_read: c.is_read,
                })
                .collect(),
            sync_state: changes.sync_state,
            more: changes.more,
        }
    }
}

impl TryFrom<proto::RecordChanges> for Changes {
    type Error = ApiError;

    fn try_from(changes: proto::RecordChanges) -> Result<Self, ApiError> {
        let records = |list: Vec<proto::Record>, field: &str| {
            list.into_iter()
                .map(|r| Record::try_from(r).map_err(within(field)))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            created: records(changes.created, "created")?,
            updated: records(changes.updated, "updated")?,
            deleted: changes.deleted,
            read_flag_changed: changes
                .read_flag_changed
                .into_iter()
                .map(|c| ReadFlagChange {
                    id: c.id,
                    is_read: c.is_read,
                })
                .collect(),
            sync_state: changes.sync_state,
            more: changes.more,
        })
    }
}
