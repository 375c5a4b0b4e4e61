//! Test kit of the exchange-connector workspace (not published).
//!
//! - [`schema`]: validation of EWS documents against Microsoft's schema with `xmllint`.

pub mod schema;
