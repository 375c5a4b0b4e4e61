//! Queries of a table: which records (a [`Filter`]), in which order, which fields, and which
//! page.

use super::{Filter, TableInfo};
use crate::ApiError;

/// The largest page a query may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// The most sort keys a query may give.
pub const MAX_SORT_KEYS: usize = 8;
/// The most fields a query may select.
pub const MAX_SELECTED_FIELDS: usize = 128;
/// The longest page token accepted, in bytes.
pub const MAX_PAGE_TOKEN_LEN: usize = 2048;

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The field.
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

/// A query of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Which records; every record when `None`.
    pub filter: Option<Filter>,
    /// Their order, first key first; the backend's own order when empty.
    pub sort: Vec<SortKey>,
    /// The fields to return besides the keys; every field when empty.
    pub fields: Vec<String>,
    /// How many records a page holds at most: 1 to [`MAX_PAGE_SIZE`].
    pub page_size: u32,
    /// Where the page starts: the token the previous page ended with, or `None` for the first
    /// page. Tokens are the gateway's, opaque to a portal.
    pub page_token: Option<String>,
}

impl Query {
    /// The first page of `page_size` records of every record, in the backend's order.
    pub fn new(page_size: u32) -> Self {
        Self {
            filter: None,
            sort: Vec::new(),
            fields: Vec::new(),
            page_size,
            page_token: None,
        }
    }

    /// Checks the query against its table: the filter (see [`Filter::check`]), sort keys that
    /// exist and may be sorted by (each once), selected fields that exist (each once), the
    /// page size and the token's length.
    pub fn check(&self, table: &TableInfo) -> Result<(), ApiError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(ApiError::invalid(format!(
                "a page of {} records; it takes 1 to {MAX_PAGE_SIZE}",
                self.page_size
            )));
        }
        if let Some(filter) = &self.filter {
            filter.check(table)?;
        }
        if self.sort.len() > MAX_SORT_KEYS {
            return Err(ApiError::invalid(format!(
                "{} sort keys; at most {MAX_SORT_KEYS}",
                self.sort.len()
            )));
        }
        for (i, key) in self.sort.iter().enumerate() {
            let field = table.field(&key.field).ok_or_else(|| {
                ApiError::invalid(format!("{} has no field {:?}", table.table, key.field))
            })?;
            if !field.sortable {
                return Err(ApiError::invalid(format!(
                    "{}.{} cannot be sorted by",
                    table.table, key.field
                )));
            }
            if self.sort[..i].iter().any(|k| k.field == key.field) {
                return Err(ApiError::invalid(format!(
                    "{} is a sort key twice",
                    key.field
                )));
            }
        }
        super::requests::check_fields(&self.fields, table)?;
        if self
            .page_token
            .as_ref()
            .is_some_and(|t| t.is_empty() || t.len() > MAX_PAGE_TOKEN_LEN)
        {
            return Err(ApiError::invalid(format!(
                "a page token takes 1 to {MAX_PAGE_TOKEN_LEN} bytes"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::Table;

    /// What breaks a good query in one test case.
    type Breaker = Box<dyn Fn(&mut Query)>;

    fn key(field: &str) -> SortKey {
        SortKey {
            field: field.to_owned(),
            descending: false,
        }
    }

    #[test]
    fn a_query_fits_its_table() {
        let table = Table::Appointment.metadata();
        let mut query = Query::new(50);
        query.filter = Some(Filter::parse(r#"Subject contains "review""#).unwrap());
        query.sort = vec![key("Start"), key("Subject")];
        query.fields = vec!["Subject".into(), "Start".into()];
        query.check(&table).unwrap();

        let refusals: [(&str, Breaker); 9] = [
            ("1 to 1000", Box::new(|q| q.page_size = 0)),
            ("1 to 1000", Box::new(|q| q.page_size = 1001)),
            (
                "cannot be sorted",
                Box::new(|q| q.sort = vec![key("PermanentURL")]),
            ),
            ("no field", Box::new(|q| q.sort = vec![key("Nope")])),
            (
                "twice",
                Box::new(|q| q.sort = vec![key("Start"), key("Start")]),
            ),
            ("sort keys", Box::new(|q| q.sort = vec![key("Start"); 9])),
            (
                "selected twice",
                Box::new(|q| q.fields = vec!["Start".into(); 2]),
            ),
            (
                "cannot be filtered",
                Box::new(|q| {
                    q.filter = Some(Filter::parse("Recurrence exists").unwrap());
                }),
            ),
            (
                "page token",
                Box::new(|q| q.page_token = Some(String::new())),
            ),
        ];
        for (says, break_it) in refusals {
            let mut bad = query.clone();
            break_it(&mut bad);
            let err = bad.check(&table).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidArgument { .. }) && err.to_string().contains(says),
                "{says}: {err}"
            );
        }
    }
}
