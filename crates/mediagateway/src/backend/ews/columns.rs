//! The queries of the item tables over EWS: the stable keys, filters as restrictions, sort
//! keys as sort orders, and the shapes that read the selected fields.
//!
//! Dates (`Date` fields) are the data source's local dates: a date in a filter is the span
//! from that day's local midnight to the next one in the data source's zone.

use base64::Engine as _;
use chrono::{DateTime, Days, NaiveDate, TimeZone as _, Utc};
use chrono_tz::Tz;
use exchange_ews::items::{
    BaseShape, BodyFormat, ContainmentComparison, ContainmentMode, DistinguishedPropertySet,
    ItemKind, ItemShape, MapiPropertyType, PropertyPath, Restriction, SortDirection, SortOrder,
};
use mediagateway_api::tables::{Comparison, Field, Filter, Literal, SortKey, Table};
use mediagateway_api::ApiError;

use super::tables::property;

/// The name of the named property the connector stamps its stable key in.
pub(crate) const STABLE_KEY_NAME: &str = "ExchangeConnectorPermanentURL";
/// `PR_SEARCH_KEY`.
const SEARCH_KEY_TAG: u16 = 0x300B;
/// How a permanent URL built from a search key starts.
pub(crate) const SEARCH_KEY_PREFIX: &str = "sk-";
/// The longest permanent URL looked up, in bytes.
pub(crate) const MAX_PERMANENT_URL_LEN: usize = 256;

/// The stamped stable key: a named string extended property in the PublicStrings set, name
/// "ExchangeConnectorPermanentURL".
pub(crate) fn stable_key_path() -> PropertyPath {
    PropertyPath::named(
        DistinguishedPropertySet::PublicStrings,
        STABLE_KEY_NAME,
        MapiPropertyType::String,
    )
}

/// PR_SEARCH_KEY (tag 0x300B, Binary): the fallback stable key of items the connector did not
/// create.
pub(crate) fn search_key_path() -> PropertyPath {
    PropertyPath::tagged(SEARCH_KEY_TAG, MapiPropertyType::Binary)
}

/// A fresh stable key value: 32 lowercase hex characters from the operating system's CSPRNG.
pub(crate) fn new_stable_key() -> String {
    let mut bytes = [0u8; 16];
    // The system's random source failing is a broken host, not a request error.
    getrandom::fill(&mut bytes).expect("the system's random number generator works");
    hex(&bytes)
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The restriction that finds the item whose PermanentURL is `value`: equality on the
/// stamped property, or, for a value of the form "sk-<lowercase hex>", equality on
/// PR_SEARCH_KEY with those bytes (a base64 constant).
pub(crate) fn permanent_url_restriction(value: &str) -> Result<Restriction, ApiError> {
    if value.is_empty() || value.len() > MAX_PERMANENT_URL_LEN {
        return Err(ApiError::invalid(format!(
            "a PermanentURL has 1 to {MAX_PERMANENT_URL_LEN} bytes, not {}",
            value.len()
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "a PermanentURL has no control characters",
        ));
    }
    let Some(digits) = value.strip_prefix(SEARCH_KEY_PREFIX) else {
        return Ok(Restriction::is_equal_to(stable_key_path(), value));
    };
    let bytes = unhex(digits).ok_or_else(|| {
        ApiError::invalid(format!(
            "a PermanentURL starting with {SEARCH_KEY_PREFIX} is followed by pairs of \
             lowercase hex digits"
        ))
    })?;
    let constant = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(Restriction::is_equal_to(search_key_path(), constant))
}

/// The bytes of non-empty lowercase hex.
fn unhex(digits: &str) -> Option<Vec<u8>> {
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .as_bytes()
        .chunks(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// The declared field `name` of `table`.
pub(crate) fn field(table: Table, name: &str) -> Result<&'static Field, ApiError> {
    table
        .field(name)
        .ok_or_else(|| ApiError::invalid(format!("{table} has no field {name:?}")))
}

fn not_supported(table: Table, name: &str, what: &str) -> ApiError {
    ApiError::NotSupported {
        what: format!("{what} {table}.{name} over EWS"),
    }
}

/// The path of a field Exchange can restrict on: every declared property but lists of
/// mailboxes and recurrences, which Exchange does not search.
fn restrictable(table: Table, name: &str) -> Result<PropertyPath, ApiError> {
    let declared = field(table, name)?;
    let searchable = !matches!(
        declared.field_type,
        mediagateway_api::tables::FieldType::MailboxList
            | mediagateway_api::tables::FieldType::Recurrence
            | mediagateway_api::tables::FieldType::Binary
    );
    property(table, declared)
        .filter(|_| searchable)
        .ok_or_else(|| not_supported(table, name, "a filter on"))
}

/// The start of `date` in `zone`: its local midnight, or the first instant of the day when a
/// change of offset skips midnight.
pub(crate) fn local_midnight(date: NaiveDate, zone: Tz) -> Result<DateTime<Utc>, ApiError> {
    let day = date.and_time(chrono::NaiveTime::MIN);
    (0..=180)
        .step_by(15)
        .find_map(|minutes| {
            zone.from_local_datetime(&(day + chrono::Duration::minutes(minutes)))
                .earliest()
        })
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| ApiError::invalid(format!("{date} has no start in {zone}")))
}

/// The local date in `zone` of `instant`.
pub(crate) fn local_date(instant: DateTime<Utc>, zone: Tz) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// Filter tree → EWS restriction (see the module documentation for dates).
pub(crate) fn restriction(
    table: Table,
    filter: &Filter,
    zone: Tz,
) -> Result<Restriction, ApiError> {
    Ok(match filter {
        Filter::Compare { field, op, value } if field == "PermanentURL" => {
            let Literal::Text(text) = value else {
                return Err(ApiError::invalid("PermanentURL is compared with text"));
            };
            match op {
                Comparison::Equal => permanent_url_restriction(text)?,
                Comparison::NotEqual => Restriction::not(permanent_url_restriction(text)?),
                _ => return Err(not_supported(table, field, "an ordered comparison of")),
            }
        }
        Filter::Compare { field, op, value } => {
            let path = restrictable(table, field)?;
            compare(path, *op, value, zone)?
        }
        Filter::Contains {
            field,
            value,
            case_sensitive,
        }
        | Filter::StartsWith {
            field,
            value,
            case_sensitive,
        } => {
            if field == "PermanentURL" {
                return Err(not_supported(table, field, "a text search in"));
            }
            let mode = if matches!(filter, Filter::Contains { .. }) {
                ContainmentMode::Substring
            } else {
                ContainmentMode::Prefixed
            };
            let comparison = if *case_sensitive {
                ContainmentComparison::Exact
            } else {
                ContainmentComparison::IgnoreCase
            };
            Restriction::contains(restrictable(table, field)?, value.clone(), mode, comparison)
        }
        Filter::Exists { field } if field == "PermanentURL" => Restriction::or(vec![
            Restriction::exists(stable_key_path()),
            Restriction::exists(search_key_path()),
        ]),
        Filter::Exists { field } => Restriction::exists(restrictable(table, field)?),
        Filter::And(parts) => Restriction::and(
            parts
                .iter()
                .map(|p| restriction(table, p, zone))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Or(parts) => Restriction::or(
            parts
                .iter()
                .map(|p| restriction(table, p, zone))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Not(part) => Restriction::not(restriction(table, part, zone)?),
    })
}

/// One comparison; a date is the span of its local day.
fn compare(
    path: PropertyPath,
    op: Comparison,
    value: &Literal,
    zone: Tz,
) -> Result<Restriction, ApiError> {
    let constant = match value {
        Literal::Date(date) => return compare_day(path, op, *date, zone),
        Literal::Text(text) => text.clone(),
        Literal::Integer(n) => n.to_string(),
        Literal::Decimal(d) => d.to_string(),
        Literal::Boolean(b) => b.to_string(),
        Literal::DateTime(t) => return Ok(comparison(path, op, *t)),
    };
    Ok(comparison(path, op, constant))
}

fn comparison(
    path: PropertyPath,
    op: Comparison,
    operand: impl Into<exchange_ews::items::Operand>,
) -> Restriction {
    match op {
        Comparison::Equal => Restriction::is_equal_to(path, operand),
        Comparison::NotEqual => Restriction::is_not_equal_to(path, operand),
        Comparison::Less => Restriction::is_less_than(path, operand),
        Comparison::LessOrEqual => Restriction::is_less_than_or_equal_to(path, operand),
        Comparison::Greater => Restriction::is_greater_than(path, operand),
        Comparison::GreaterOrEqual => Restriction::is_greater_than_or_equal_to(path, operand),
    }
}

/// A comparison with the local day `date`: from its midnight to the next one.
fn compare_day(
    path: PropertyPath,
    op: Comparison,
    date: NaiveDate,
    zone: Tz,
) -> Result<Restriction, ApiError> {
    let start = local_midnight(date, zone)?;
    let next = date
        .checked_add_days(Days::new(1))
        .ok_or_else(|| ApiError::invalid(format!("{date} has no next day")))?;
    let end = local_midnight(next, zone)?;
    Ok(match op {
        Comparison::Equal => Restriction::and(vec![
            Restriction::is_greater_than_or_equal_to(path.clone(), start),
            Restriction::is_less_than(path, end),
        ]),
        Comparison::NotEqual => Restriction::or(vec![
            Restriction::is_less_than(path.clone(), start),
            Restriction::is_greater_than_or_equal_to(path, end),
        ]),
        Comparison::Less => Restriction::is_less_than(path, start),
        Comparison::LessOrEqual => Restriction::is_less_than(path, end),
        Comparison::Greater => Restriction::is_greater_than_or_equal_to(path, end),
        Comparison::GreaterOrEqual => Restriction::is_greater_than_or_equal_to(path, start),
    })
}

/// Sort keys → SortOrder (None when empty); a key without an EWS path is not supported.
pub(crate) fn sort_order(table: Table, keys: &[SortKey]) -> Result<Option<SortOrder>, ApiError> {
    if keys.is_empty() {
        return Ok(None);
    }
    let keys = keys
        .iter()
        .map(|key| {
            let declared = field(table, &key.field)?;
            let path = property(table, declared)
                .ok_or_else(|| not_supported(table, &key.field, "sorting by"))?;
            let direction = if key.descending {
                SortDirection::Descending
            } else {
                SortDirection::Ascending
            };
            Ok((path, direction))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    SortOrder::new(keys)
        .map(Some)
        .map_err(|e| ApiError::invalid(e.to_string()))
}

/// The properties `FindItem` does not return: bodies, recipients and attendees, recurrences.
/// They are read by `GetItem`.
const GET_ITEM_ONLY: &[&str] = &[
    "item:Body",
    "message:ToRecipients",
    "message:CcRecipients",
    "message:BccRecipients",
    "message:ReplyTo",
    "calendar:RequiredAttendees",
    "calendar:OptionalAttendees",
    "calendar:Resources",
    "calendar:Recurrence",
    "task:Recurrence",
];

fn get_item_only(path: &PropertyPath) -> bool {
    matches!(path, PropertyPath::Field(uri) if GET_ITEM_ONLY.contains(&uri.as_ref()))
}

/// The selected fields (every field of the table when none is) with their paths.
fn selected(table: Table, fields: &[String]) -> Vec<(&'static str, PropertyPath)> {
    table
        .fields()
        .iter()
        .filter(|f| fields.is_empty() || fields.iter().any(|name| name == f.name))
        .filter_map(|f| property(table, f).map(|path| (f.name, path)))
        .collect()
}

/// IdOnly, the keys, and what a typed item of the table needs (a calendar item's start and
/// end).
fn base_shape(table: Table) -> ItemShape {
    let mut shape = ItemShape::new(BaseShape::IdOnly)
        .with(stable_key_path())
        .with(search_key_path());
    match table {
        // Without its times the EWS crate cannot type a calendar item.
        Table::Appointment => {
            shape = shape
                .with(PropertyPath::field("calendar:Start"))
                .with(PropertyPath::field("calendar:End"));
        }
        // Notes are messages of class IPM.StickyNote: the class tells them apart.
        Table::Message | Table::Note => shape = shape.with(PropertyPath::field("item:ItemClass")),
        _ => {}
    }
    shape
}

fn add(shape: &mut ItemShape, path: PropertyPath) {
    if !shape.additional.contains(&path) {
        shape.additional.push(path);
    }
}

/// The shape for reading `fields` (empty = every field of the table) by FindItem: IdOnly plus
/// each selected field's path but those FindItem cannot return (see [`GET_ITEM_ONLY`]), plus
/// the stable and search keys; and whether a `GetItem` pass ([`get_shape`]) is needed for
/// the rest.
pub(crate) fn find_shape(table: Table, fields: &[String]) -> (ItemShape, bool) {
    let mut shape = base_shape(table);
    let mut needs_get = false;
    for (_, path) in selected(table, fields) {
        if get_item_only(&path) {
            needs_get = true;
        } else {
            add(&mut shape, path);
        }
    }
    (shape, needs_get)
}

/// The shape for reading `fields` by GetItem, bodies included. `Description` is the text
/// body and `HtmlDescription` the HTML one; when both are selected the body is asked for as
/// HTML, and [`record_of`](super::read::record_of) then leaves `Description` out (Exchange
/// sends one body per item).
pub(crate) fn get_shape(table: Table, fields: &[String]) -> ItemShape {
    let mut shape = base_shape(table);
    let chosen = selected(table, fields);
    let has = |name: &str| chosen.iter().any(|(n, _)| *n == name);
    if has("HtmlDescription") {
        shape = shape.with_body_type(BodyFormat::Html);
    } else if has("Description") {
        shape = shape.with_body_type(BodyFormat::Text);
    }
    for (_, path) in chosen {
        add(&mut shape, path);
    }
    shape
}

/// The EWS item kind of a table, for ItemChange.
pub(crate) fn item_kind(table: Table) -> ItemKind {
    match table {
        Table::Appointment => ItemKind::CalendarItem,
        Table::Contact => ItemKind::Contact,
        Table::Task => ItemKind::Task,
        // Notes are messages of class IPM.StickyNote.
        Table::Message | Table::Note => ItemKind::Message,
        Table::Folder | Table::Attachment => ItemKind::Item,
    }
}
