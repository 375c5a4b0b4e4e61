//! The connector's error.

use mediagateway_api::tables::Table;
use mediagateway_api::ApiError;
use thiserror::Error;

/// Why a connector call failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConnectorError {
    /// The data source's configuration lacks a step.
    #[error("the data source is not fully configured: {missing} is missing")]
    Incomplete {
        /// The setting that is missing.
        missing: &'static str,
    },
    /// A setting or argument is not valid.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// The setting or argument.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A record was read into the typed struct of another table.
    #[error("a {found} record cannot be read as a {expected}")]
    WrongTable {
        /// The struct's table.
        expected: Table,
        /// The record's table.
        found: Table,
    },
    /// A record has a field its typed struct does not know.
    #[error("{table} has no field {field:?}")]
    UnknownField {
        /// The table.
        table: Table,
        /// The field's name in the record.
        field: String,
    },
    /// A record's value does not fit its field's Rust type (another type, or a value that is
    /// not one of an enumeration's).
    #[error("{table}.{field} takes {expected}; the record has {found}")]
    WrongValue {
        /// The table.
        table: Table,
        /// The field.
        field: String,
        /// What the field takes.
        expected: &'static str,
        /// What the record holds (the kind of value, or an enumeration's unknown text).
        found: String,
    },
    /// A query matched more records than the caller allowed for.
    #[error("the query has more than {max} records")]
    TooManyRecords {
        /// The most records the caller took.
        max: usize,
    },
    /// The gateway call failed.
    #[error(transparent)]
    Gateway(#[from] ApiError),
}

impl ConnectorError {
    /// The gateway's error, when the failure came from a gateway call.
    pub fn gateway_error(&self) -> Option<&ApiError> {
        match self {
            Self::Gateway(e) => Some(e),
            _ => None,
        }
    }

    /// Whether a password or login was refused.
    pub fn is_authentication_failed(&self) -> bool {
        self.gateway_error()
            .is_some_and(ApiError::is_authentication_failed)
    }

    /// Whether the portal user must log in (again) first.
    pub fn is_login_required(&self) -> bool {
        matches!(self.gateway_error(), Some(ApiError::NotLoggedIn { .. }))
    }

    /// Whether the item, mailbox or data source does not exist.
    pub fn is_not_found(&self) -> bool {
        self.gateway_error().is_some_and(ApiError::is_not_found)
    }

    /// Whether the gateway or Exchange could not be reached.
    pub fn is_unreachable(&self) -> bool {
        self.gateway_error().is_some_and(ApiError::is_unreachable)
    }
}
