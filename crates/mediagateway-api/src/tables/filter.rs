//! Filters over a table's records: a tree of comparisons, containment and existence tests
//! joined by and/or/not, with typed values. It travels as a tree; portals may also write it
//! as text, which [`Filter::parse`] reads and `Display` writes back:
//!
//! ```text
//! Subject contains "review" and Start >= 2026-12-01T00:00:00Z
//! not (Importance = "Low" or Categories contains case-sensitive "Private")
//! Location exists and Size > 1000 and StartDate <= 2026-12-24
//! ```
//!
//! `contains` and `starts with` ignore case unless followed by `case-sensitive`. Strings are
//! in double quotes with `\"` and `\\` escaped; instants are RFC 3339 (`…Z` or an offset),
//! dates `YYYY-MM-DD`, numbers plain, booleans `true`/`false`.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use super::{FieldType, TableInfo};
use crate::ApiError;

/// The deepest nesting of and/or/not a filter may have.
pub const MAX_DEPTH: usize = 16;
/// The most tests and joins a filter may have.
pub const MAX_NODES: usize = 256;
/// The longest filter text, in bytes.
pub const MAX_TEXT_LEN: usize = 8 * 1024;
/// The longest string value in a filter, in bytes.
pub const MAX_VALUE_LEN: usize = 1024;

/// A value a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string (also for enumerations and mailbox addresses).
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Decimal(f64),
    /// True or false.
    Boolean(bool),
    /// An instant.
    DateTime(DateTime<Utc>),
    /// A date.
    Date(NaiveDate),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl Comparison {
    /// How the text form writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::NotEqual => "!=",
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
        }
    }
}

/// A filter over one table's records.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `field op value`.
    Compare {
        /// The field.
        field: String,
        /// The comparison.
        op: Comparison,
        /// What the field is compared with.
        value: Literal,
    },
    /// The field's text (or one entry of a list) contains `value`.
    Contains {
        /// The field.
        field: String,
        /// The text looked for.
        value: String,
        /// Whether case matters.
        case_sensitive: bool,
    },
    /// The field's text (or one entry of a list) starts with `value`.
    StartsWith {
        /// The field.
        field: String,
        /// The prefix looked for.
        value: String,
        /// Whether case matters.
        case_sensitive: bool,
    },
    /// The field has a value.
    Exists {
        /// The field.
        field: String,
    },
    /// Every part holds (at least two parts).
    And(Vec<Filter>),
    /// Some part holds (at least two parts).
    Or(Vec<Filter>),
    /// The part does not hold.
    Not(Box<Filter>),
}

impl Filter {
    /// Reads the text form; a typed [`ApiError::InvalidArgument`] names where it went wrong.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        if text.len() > MAX_TEXT_LEN {
            return Err(ApiError::invalid(format!(
                "a filter of {} bytes; at most {MAX_TEXT_LEN}",
                text.len()
            )));
        }
        let tokens = lex(text)?;
        let mut parser = Parser { tokens, at: 0 };
        let filter = parser.or(0)?;
        if let Some(token) = parser.tokens.get(parser.at) {
            return Err(unexpected(token, "the end of the filter"));
        }
        filter.check_shape()?;
        Ok(filter)
    }

    /// Checks the tree's shape: depth, size, joins of at least two parts, bounded values.
    /// Trees that come from a wire are checked with this before anything else.
    pub fn check_shape(&self) -> Result<(), ApiError> {
        let mut nodes = 0;
        self.walk(0, &mut nodes)
    }

    fn walk(&self, depth: usize, nodes: &mut usize) -> Result<(), ApiError> {
        *nodes += 1;
        if *nodes > MAX_NODES {
            return Err(ApiError::invalid(format!(
                "a filter of more than {MAX_NODES} parts"
            )));
        }
        if depth > MAX_DEPTH {
            return Err(ApiError::invalid(format!(
                "a filter nested deeper than {MAX_DEPTH}"
            )));
        }
        match self {
            Self::And(parts) | Self::Or(parts) => {
                if parts.len() < 2 {
                    return Err(ApiError::invalid("an and/or of fewer than two parts"));
                }
                parts.iter().try_for_each(|p| p.walk(depth + 1, nodes))
            }
            Self::Not(part) => part.walk(depth + 1, nodes),
            Self::Compare { field, value, .. } => {
                check_name(field)?;
                match value {
                    Literal::Text(text) => check_value(text),
                    Literal::Decimal(d) if !d.is_finite() => {
                        Err(ApiError::invalid("a decimal that is not a finite number"))
                    }
                    _ => Ok(()),
                }
            }
            Self::Contains { field, value, .. } | Self::StartsWith { field, value, .. } => {
                check_name(field)?;
                check_value(value)
            }
            Self::Exists { field } => check_name(field),
        }
    }

    /// Checks the filter against a table: every field exists and may be filtered on, and
    /// every value fits its field's type (an enumeration's value is one of its values).
    pub fn check(&self, table: &TableInfo) -> Result<(), ApiError> {
        self.check_shape()?;
        self.check_fields(table)
    }

    fn check_fields(&self, table: &TableInfo) -> Result<(), ApiError> {
        let field = |name: &str| {
            let field = table.field(name).ok_or_else(|| {
                ApiError::invalid(format!("{} has no field {name:?}", table.table))
            })?;
            if field.filterable {
                Ok(field)
            } else {
                Err(ApiError::invalid(format!(
                    "{}.{name} cannot be filtered on",
                    table.table
                )))
            }
        };
        match self {
            Self::And(parts) | Self::Or(parts) => {
                parts.iter().try_for_each(|p| p.check_fields(table))
            }
            Self::Not(part) => part.check_fields(table),
            Self::Exists { field: name } => field(name).map(drop),
            Self::Contains { field: name, .. } | Self::StartsWith { field: name, .. } => {
                let info = field(name)?;
                match info.field_type {
                    FieldType::Text
                    | FieldType::TextList
                    | FieldType::Mailbox
                    | FieldType::MailboxList => Ok(()),
                    other => Err(ApiError::invalid(format!(
                        "{}.{name} is {other:?}: contains and starts with test text",
                        table.table
                    ))),
                }
            }
            Self::Compare {
                field: name,
                op,
                value,
            } => {
                let info = field(name)?;
                let ordered = !matches!(op, Comparison::Equal | Comparison::NotEqual);
                let fits = match (info.field_type, value) {
                    (FieldType::Enumeration(values), Literal::Text(v)) => {
                        if !values.contains(&v.as_str()) {
                            return Err(ApiError::invalid(format!(
                                "{}.{name} takes one of {}",
                                table.table,
                                values.join(", ")
                            )));
                        }
                        !ordered
                    }
                    (FieldType::Text | FieldType::Mailbox, Literal::Text(_))
                    | (FieldType::Integer, Literal::Integer(_))
                    | (FieldType::Decimal, Literal::Integer(_) | Literal::Decimal(_))
                    | (FieldType::DateTime, Literal::DateTime(_))
                    | (FieldType::Date, Literal::Date(_)) => true,
                    (FieldType::Boolean, Literal::Boolean(_)) => !ordered,
                    _ => false,
                };
                if fits {
                    Ok(())
                } else {
                    Err(ApiError::invalid(format!(
                        "{}.{name} is {:?}: it cannot be compared with {} {}",
                        table.table,
                        info.field_type,
                        op.symbol(),
                        LiteralText(value)
                    )))
                }
            }
        }
    }
}

fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "{:?} is not a field name",
            name.chars().take(70).collect::<String>()
        )))
    }
}

fn check_value(value: &str) -> Result<(), ApiError> {
    if value.len() > MAX_VALUE_LEN {
        return Err(ApiError::invalid(format!(
            "a filter value of {} bytes; at most {MAX_VALUE_LEN}",
            value.len()
        )));
    }
    Ok(())
}

impl fmt::Display for Filter {
    /// The text form, which [`Filter::parse`] reads back to the same tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |f: &mut fmt::Formatter<'_>, p: &Filter| match p {
            Self::And(_) | Self::Or(_) => write!(f, "({p})"),
            _ => write!(f, "{p}"),
        };
        match self {
            Self::Compare { field, op, value } => {
                write!(f, "{field} {} {}", op.symbol(), LiteralText(value))
            }
            Self::Contains {
                field,
                value,
                case_sensitive,
            } => {
                let case = if *case_sensitive {
                    " case-sensitive"
                } else {
                    ""
                };
                write!(f, "{field} contains{case} {}", Quoted(value))
            }
            Self::StartsWith {
                field,
                value,
                case_sensitive,
            } => {
                let case = if *case_sensitive {
                    " case-sensitive"
                } else {
                    ""
                };
                write!(f, "{field} starts with{case} {}", Quoted(value))
            }
            Self::Exists { field } => write!(f, "{field} exists"),
            Self::And(parts) | Self::Or(parts) => {
                let join = if matches!(self, Self::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(join)?;
                    }
                    part(f, p)?;
                }
                Ok(())
            }
            Self::Not(inner) => {
                f.write_str("not ")?;
                match **inner {
                    Self::And(_) | Self::Or(_) => write!(f, "({inner})"),
                    _ => write!(f, "{inner}"),
                }
            }
        }
    }
}

/// A string in the text form's quotes.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// A literal in the text form.
struct LiteralText<'a>(&'a Literal);

impl fmt::Display for LiteralText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Literal::Text(text) => write!(f, "{}", Quoted(text)),
            Literal::Integer(n) => write!(f, "{n}"),
            // `{:?}` keeps a fraction (`1.0`), so the number reads back as a decimal.
            Literal::Decimal(d) => write!(f, "{d:?}"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::DateTime(t) => write!(
                f,
                "{}",
                t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            Literal::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// A token of the text form, with its byte offset.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Value(Literal),
    Op(Comparison),
    Open,
    Close,
}

fn lex(text: &str) -> Result<Vec<(usize, Token)>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let token = match c {
            '(' => {
                chars.next();
                Token::Open
            }
            ')' => {
                chars.next();
                Token::Close
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, e @ ('"' | '\\'))) => value.push(e),
                            _ => {
                                return Err(ApiError::invalid(format!(
                                    "at {at}: only \\\" and \\\\ are escapes in a string"
                                )))
                            }
                        },
                        Some((_, c)) => value.push(c),
                        None => {
                            return Err(ApiError::invalid(format!(
                                "at {at}: a string that does not end"
                            )))
                        }
                    }
                }
                Token::Str(value)
            }
            '=' | '<' | '>' | '!' | '≠' | '≤' | '≥' => {
                chars.next();
                let next = chars.peek().map(|&(_, n)| n);
                let (op, two) = match (c, next) {
                    ('=', _) => (Comparison::Equal, false),
                    ('!', Some('=')) | ('<', Some('>')) => (Comparison::NotEqual, true),
                    ('<', Some('=')) => (Comparison::LessOrEqual, true),
                    ('<', _) => (Comparison::Less, false),
                    ('>', Some('=')) => (Comparison::GreaterOrEqual, true),
                    ('>', _) => (Comparison::Greater, false),
                    ('≠', _) => (Comparison::NotEqual, false),
                    ('≤', _) => (Comparison::LessOrEqual, false),
                    ('≥', _) => (Comparison::GreaterOrEqual, false),
                    _ => return Err(ApiError::invalid(format!("at {at}: a lone '!'"))),
                };
                if two {
                    chars.next();
                }
                Token::Op(op)
            }
            c if c.is_ascii_alphanumeric() || c == '-' || c == '+' => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | ':' | '.' | '_') {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                literal(&word).map_or(Token::Word(word), Token::Value)
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "at {at}: {other:?} has no place in a filter"
                )))
            }
        };
        tokens.push((at, token));
    }
    Ok(tokens)
}

/// A word that is a value: a boolean, a number, an instant or a date.
fn literal(word: &str) -> Option<Literal> {
    match word {
        "true" => return Some(Literal::Boolean(true)),
        "false" => return Some(Literal::Boolean(false)),
        _ => {}
    }
    let numeric = word.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    if !numeric {
        return None;
    }
    if let Ok(n) = word.parse::<i64>() {
        return Some(Literal::Integer(n));
    }
    if word.len() == 10 {
        if let Ok(d) = NaiveDate::parse_from_str(word, "%Y-%m-%d") {
            return Some(Literal::Date(d));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(word) {
        return Some(Literal::DateTime(t.with_timezone(&Utc)));
    }
    word.parse::<f64>()
        .ok()
        .filter(|d| d.is_finite() && word.contains(['.', 'e', 'E']))
        .map(Literal::Decimal)
}

/// The error of a token where `wanted` was expected.
fn unexpected((at, token): &(usize, Token), wanted: &str) -> ApiError {
    ApiError::invalid(format!("at {at}: {wanted} was expected, not {token:?}"))
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<(usize, Token)> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some((_, Token::Word(w))) if w == word)
    }

    fn too_deep(depth: usize) -> Result<(), ApiError> {
        if depth > MAX_DEPTH {
            Err(ApiError::invalid(format!(
                "a filter nested deeper than {MAX_DEPTH}"
            )))
        } else {
            Ok(())
        }
    }

    fn or(&mut self, depth: usize) -> Result<Filter, ApiError> {
        Self::too_deep(depth)?;
        let mut parts = vec![self.and(depth)?];
        while self.peek_word("or") {
            self.at += 1;
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Or(parts)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Filter, ApiError> {
        let mut parts = vec![self.unary(depth)?];
        while self.peek_word("and") {
            self.at += 1;
            parts.push(self.unary(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::And(parts)
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Filter, ApiError> {
        Self::too_deep(depth + 1)?;
        if self.peek_word("not") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.unary(depth + 1)?)));
        }
        match self.next() {
            Some((_, Token::Open)) => {
                let inner = self.or(depth + 1)?;
                match self.next() {
                    Some((_, Token::Close)) => Ok(inner),
                    Some(other) => Err(unexpected(&other, "')'")),
                    None => Err(ApiError::invalid("the filter ends before its ')'")),
                }
            }
            Some((_, Token::Word(field))) => self.test(field),
            Some(other) => Err(unexpected(&other, "a field or '('")),
            None => Err(ApiError::invalid(
                "the filter ends where a test was expected",
            )),
        }
    }

    fn case(&mut self) -> bool {
        let sensitive = self.peek_word("case-sensitive");
        if sensitive {
            self.at += 1;
        }
        sensitive
    }

    fn string(&mut self) -> Result<String, ApiError> {
        match self.next() {
            Some((_, Token::Str(value))) => Ok(value),
            Some(other) => Err(unexpected(&other, "a string in quotes")),
            None => Err(ApiError::invalid(
                "the filter ends where a string was expected",
            )),
        }
    }

    fn test(&mut self, field: String) -> Result<Filter, ApiError> {
        check_name(&field)?;
        match self.next() {
            Some((_, Token::Op(op))) => {
                let value = match self.next() {
                    Some((_, Token::Str(text))) => Literal::Text(text),
                    Some((_, Token::Value(value))) => value,
                    Some(other) => return Err(unexpected(&other, "a value")),
                    None => {
                        return Err(ApiError::invalid(
                            "the filter ends where a value was expected",
                        ))
                    }
                };
                Ok(Filter::Compare { field, op, value })
            }
            Some((_, Token::Word(word))) if word == "contains" => {
                let case_sensitive = self.case();
                Ok(Filter::Contains {
                    field,
                    value: self.string()?,
                    case_sensitive,
                })
            }
            Some((at, Token::Word(word))) if word == "starts" => {
                if !self.peek_word("with") {
                    return Err(ApiError::invalid(format!(
                        "at {at}: 'starts with' was expected"
                    )));
                }
                self.at += 1;
                let case_sensitive = self.case();
                Ok(Filter::StartsWith {
                    field,
                    value: self.string()?,
                    case_sensitive,
                })
            }
            Some((_, Token::Word(word))) if word == "exists" => Ok(Filter::Exists { field }),
            Some(other) => Err(unexpected(
                &other,
                "a comparison, contains, starts with or exists",
            )),
            None => Err(ApiError::invalid("the filter ends after a field name")),
        }
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
