//! How an area of the API is declared: once, as data.
//!
//! Each area module holds one table macro (`admin_operations!`, `session_operations!`,
//! `calendar_operations!`, `table_operations!`, `directory_operations!`) that lists the area's operations: the trait method with its call
//! context, arguments and reply, and the protobuf request and reply messages that carry it in
//! `proto/mediagateway/v1/`. The table hands itself to a callback macro; `declare_area!`
//! turns it into the area's trait, and each wire adapter turns the same table into its client
//! and server, so an operation is declared in one place per side.
//!
//! A table passes to its callback, after whatever tokens the caller put in the braces:
//!
//! ```text
//! #[doc = "…"] trait AreaApi;
//! #[doc = "…"] fn method(call: CallContext, arg: ArgType, …) -> Reply = RequestMessage => ReplyMessage;
//! …
//! ```
//!
//! Arguments are taken by reference, so `id: str` is an `&str`.
//!
//! An area whose replies can be long ends its table with a `streams { … }` block of server-
//! streaming operations, each `fn method(…) -> Item = RequestMessage => ItemMessage as
//! MethodStream;`: the trait method answers an [`ApiStream`](crate::ApiStream) of `Item`s, the
//! gRPC service streams `ItemMessage`s, and `MethodStream` is the name tonic gives the
//! stream's type in the service trait.

/// Turns an area's table into its trait.
#[doc(hidden)]
#[macro_export]
macro_rules! declare_area {
    (
        $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
        $(streams {
            $($(#[$sdoc:meta])* fn $smethod:ident($scall:ident: $scall_type:ty $(, $sarg:ident: $sarg_type:ty)*)
                -> $sreply:ty = $srequest:ident => $sreply_message:ident as $sstream:ident;)*
        })?
    ) => {
        $(#[$area_doc])*
        #[$crate::__async_trait]
        pub trait $area: Send + Sync {
            $($(#[$doc])*
            async fn $method(&self, $call: &$call_type $(, $arg: &$arg_type)*)
                -> ::std::result::Result<$reply, $crate::ApiError>;)*
            $($($(#[$sdoc])*
            async fn $smethod(&self, $scall: &$scall_type $(, $sarg: &$sarg_type)*)
                -> ::std::result::Result<$crate::ApiStream<$sreply>, $crate::ApiError>;)*)?
        }
    };
}
