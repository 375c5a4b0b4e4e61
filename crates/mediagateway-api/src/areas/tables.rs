//! The tables area: what a data source's tables hold, for portals that design with them.

/// The tables area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! table_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Calls about a data source's tables, made with its portal key.
            trait TablesApi;
            /// The metadata of every table as the data source's servers have it: fields, types,
            /// flags and keys.
            fn metadata(call: $crate::PortalCall) -> ::std::vec::Vec<$crate::tables::TableInfo>
                = MetadataRequest => MetadataReply;
        }
    };
}

use crate::declare_area;

crate::table_operations!(declare_area! {});
