//! The tables area: what a data source's tables hold, for portals that design with them, and
//! the records of a portal user's mailbox in them.

/// The tables area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! table_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Calls about a data source's tables (with its portal key) and on the records of
            /// a portal user's mailbox.
            trait TablesApi;
            /// The metadata of every table as the data source's servers have it: fields, types,
            /// flags and keys.
            fn metadata(call: $crate::PortalCall) -> ::std::vec::Vec<$crate::tables::TableInfo>
                = MetadataRequest => MetadataReply;
            /// One record by `ID` or `PermanentURL`.
            fn get_record(call: $crate::UserCall, get: $crate::tables::GetRecord)
                -> $crate::tables::Record
                = GetRecordRequest => Record;
            /// Creates a record and returns it as stored, keys included.
            fn create_record(call: $crate::UserCall, create: $crate::tables::CreateRecord)
                -> $crate::tables::Record
                = CreateRecordRequest => Record;
            /// Changes fields of a record; a stale change key is a `Conflict` and changes
            /// nothing. Returns the record as stored.
            fn update_record(call: $crate::UserCall, update: $crate::tables::UpdateRecord)
                -> $crate::tables::Record
                = UpdateRecordRequest => Record;
            /// Deletes a record: for good, softly, or into Deleted Items.
            fn delete_record(call: $crate::UserCall, delete: $crate::tables::DeleteRecord) -> ()
                = DeleteRecordRequest => Empty;
            /// Moves or copies a record to another folder; returns it (or the copy) there.
            fn transfer_record(call: $crate::UserCall, transfer: $crate::tables::TransferRecord)
                -> $crate::tables::Record
                = TransferRecordRequest => Record;
            /// What was created, changed and deleted in a table's folder since a state,
            /// and the state after it.
            fn changes(call: $crate::UserCall, request: $crate::tables::ChangesRequest)
                -> $crate::tables::Changes
                = ChangesRequest => RecordChanges;
            streams {
                /// The records of a table that match a query, as they arrive: runs of records,
                /// the last one of a page with the next page's token.
                fn query(call: $crate::UserCall, query: $crate::tables::TableQuery)
                    -> $crate::tables::RecordChunk
                    = QueryRequest => RecordChunk as QueryStream;
            }
        }
    };
}

use crate::declare_area;

crate::table_operations!(declare_area! {});
