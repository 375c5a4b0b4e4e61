//! The gateway's limits: what one call may ask for, each refused with
//! [`ApiError::LimitExceeded`] naming the limit, and how many session-based accounts a data
//! source keeps, past which the oldest login is evicted.

use std::time::Duration;

use mediagateway_api::tables::Value;
use mediagateway_api::{ApiError, NewAppointment, TimeWindow};
use mediagateway_grpc::ServerLimits;
use serde::Deserialize;

/// Limits on counts, windows and text sizes. The TOML configuration's `[limits]` table sets
/// them (in the units of its keys' names).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Data sources a gateway holds at most (default 100).
    pub max_data_sources: usize,
    /// The longest calendar window one call may read (default 731 days, two years).
    pub max_calendar_window: Duration,
    /// The longest subject or location, in bytes (default 1 KiB).
    pub max_subject_bytes: usize,
    /// The longest body text, in bytes (default 1 MiB).
    pub max_body_bytes: usize,
    /// The largest attachment content read or written through the gateway, in bytes (default
    /// 3 MiB; at most [`Limits::MAX_ATTACHMENT_BYTES`], so that an attachment fits one
    /// message).
    pub max_attachment_bytes: usize,
    /// The most appointments one calendar read returns (default 2000): a window holding more
    /// is refused, to be asked for in shorter windows, never cut short.
    pub max_appointments_per_read: usize,
    /// Calls in flight at once over every connection of one listener (default 1024); more are
    /// refused at once.
    pub max_concurrent_calls: usize,
    /// How long one call may take (default 120 s).
    pub call_timeout: Duration,
    /// Session-based accounts one data source keeps at most (default 10 000): a login past it
    /// logs out the data source's user whose login is the oldest (expired ones first).
    pub max_sessions_per_data_source: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_data_sources: 100,
            max_calendar_window: Duration::from_secs(731 * 24 * 3600),
            max_subject_bytes: 1024,
            max_body_bytes: 1024 * 1024,
            max_attachment_bytes: 3 * 1024 * 1024,
            max_appointments_per_read: 2000,
            max_concurrent_calls: 1024,
            call_timeout: Duration::from_secs(120),
            max_sessions_per_data_source: mediagateway_vault::DEFAULT_MAX_SESSIONS_PER_DATA_SOURCE,
        }
    }
}

/// The `[limits]` table of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsFile {
    max_data_sources: Option<usize>,
    max_calendar_window_days: Option<u64>,
    max_subject_bytes: Option<usize>,
    max_body_bytes: Option<usize>,
    max_attachment_bytes: Option<usize>,
    max_appointments_per_read: Option<usize>,
    max_concurrent_calls: Option<usize>,
    call_timeout_secs: Option<u64>,
    max_sessions_per_data_source: Option<usize>,
}

impl LimitsFile {
    /// The limits of the file over the defaults; zero is refused for each.
    pub(crate) fn apply(self, limits: &mut Limits) -> Result<(), String> {
        let positive = |key: &str, value: u64| {
            if value == 0 {
                Err(format!("limits.{key} must be positive"))
            } else {
                Ok(value)
            }
        };
        let size = |key: &str, value: usize| {
            positive(key, u64::try_from(value).unwrap_or(u64::MAX)).map(|_| value)
        };
        if let Some(n) = self.max_data_sources {
            limits.max_data_sources = size("max_data_sources", n)?;
        }
        if let Some(days) = self.max_calendar_window_days {
            let days = positive("max_calendar_window_days", days)?.min(100 * 366);
            limits.max_calendar_window = Duration::from_secs(days * 24 * 3600);
        }
        if let Some(n) = self.max_subject_bytes {
            limits.max_subject_bytes = size("max_subject_bytes", n)?;
        }
        if let Some(n) = self.max_body_bytes {
            limits.max_body_bytes = size("max_body_bytes", n)?;
        }
        if let Some(n) = self.max_attachment_bytes {
            let n = size("max_attachment_bytes", n)?;
            if n > Limits::MAX_ATTACHMENT_BYTES {
                return Err(format!(
                    "limits.max_attachment_bytes must be at most {} (an attachment travels in one \
                     message of at most {} bytes)",
                    Limits::MAX_ATTACHMENT_BYTES,
                    mediagateway_grpc::MAX_MESSAGE_BYTES
                ));
            }
            limits.max_attachment_bytes = n;
        }
        if let Some(n) = self.max_appointments_per_read {
            limits.max_appointments_per_read = size("max_appointments_per_read", n)?;
        }
        if let Some(n) = self.max_concurrent_calls {
            limits.max_concurrent_calls = size("max_concurrent_calls", n)?;
        }
        if let Some(secs) = self.call_timeout_secs {
            limits.call_timeout = Duration::from_secs(positive("call_timeout_secs", secs)?);
        }
        if let Some(n) = self.max_sessions_per_data_source {
            limits.max_sessions_per_data_source = size("max_sessions_per_data_source", n)?;
        }
        Ok(())
    }
}

fn exceeded(what: String) -> ApiError {
    ApiError::LimitExceeded { what }
}

impl Limits {
    /// The limits a gRPC server applies.
    pub fn server(&self) -> ServerLimits {
        ServerLimits::default()
            .max_concurrent_calls(self.max_concurrent_calls)
            .call_timeout(self.call_timeout)
    }

    /// The largest [`max_attachment_bytes`](Self::max_attachment_bytes) accepted: a message's
    /// size less 64 KiB for the rest of the message.
    pub const MAX_ATTACHMENT_BYTES: usize = mediagateway_grpc::MAX_MESSAGE_BYTES - 64 * 1024;

    /// Attachment content of `len` bytes, within the limit.
    pub(crate) fn attachment(&self, len: usize) -> Result<(), ApiError> {
        if len > self.max_attachment_bytes {
            return Err(exceeded(format!(
                "an attachment of at most {} bytes (this one has {len})",
                self.max_attachment_bytes
            )));
        }
        Ok(())
    }

    /// A calendar read of `count` appointments, within the limit.
    pub(crate) fn appointments(&self, count: usize) -> Result<(), ApiError> {
        if count > self.max_appointments_per_read {
            return Err(exceeded(format!(
                "at most {} appointments in one read: ask for a shorter window",
                self.max_appointments_per_read
            )));
        }
        Ok(())
    }

    /// A calendar window no longer than the limit.
    pub(crate) fn window(&self, window: &TimeWindow) -> Result<(), ApiError> {
        let span = (window.end() - window.start()).to_std().unwrap_or_default();
        if span > self.max_calendar_window {
            return Err(exceeded(format!(
                "a calendar window of at most {} days",
                self.max_calendar_window.as_secs() / 86_400
            )));
        }
        Ok(())
    }

    /// An appointment whose texts fit the limits.
    pub(crate) fn appointment(&self, appointment: &NewAppointment) -> Result<(), ApiError> {
        let texts = [
            (
                "subject",
                Some(&appointment.subject),
                self.max_subject_bytes,
            ),
            (
                "location",
                appointment.location.as_ref(),
                self.max_subject_bytes,
            ),
            ("body", appointment.body.as_ref(), self.max_body_bytes),
        ];
        for (what, text, max) in texts {
            if let Some(text) = text.filter(|t| t.len() > max) {
                return Err(exceeded(format!(
                    "a {what} of at most {max} bytes (this one has {})",
                    text.len()
                )));
            }
        }
        Ok(())
    }

    /// A record's values within the text limits: the bodies (`Description`,
    /// `HtmlDescription`) within the body limit, every other text within the subject limit,
    /// and a text list's entries together within the body limit.
    pub(crate) fn record_values<'a>(
        &self,
        values: impl IntoIterator<Item = (&'a str, &'a Value)>,
    ) -> Result<(), ApiError> {
        for (field, value) in values {
            let (len, max) = match value {
                Value::Text(text) if matches!(field, "Description" | "HtmlDescription") => {
                    (text.len(), self.max_body_bytes)
                }
                Value::Text(text) => (text.len(), self.max_subject_bytes),
                Value::TextList(list) => (list.iter().map(String::len).sum(), self.max_body_bytes),
                _ => continue,
            };
            if len > max {
                return Err(exceeded(format!(
                    "{field} of at most {max} bytes (this one has {len})"
                )));
            }
        }
        Ok(())
    }

    /// Room for one more data source besides `existing`.
    pub(crate) fn another_data_source(&self, existing: usize) -> Result<(), ApiError> {
        if existing >= self.max_data_sources {
            return Err(exceeded(format!(
                "at most {} data sources",
                self.max_data_sources
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn each_limit_refuses_just_past_it() {
        let limits = Limits::default();
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let two_years = TimeWindow::new(start, start + chrono::Duration::days(731)).unwrap();
        assert!(limits.window(&two_years).is_ok());
        let longer = TimeWindow::new(start, start + chrono::Duration::days(732)).unwrap();
        assert!(matches!(
            limits.window(&longer),
            Err(ApiError::LimitExceeded { .. })
        ));
        let mut appointment = NewAppointment {
            subject: "s".repeat(1024),
            start,
            end: start,
            is_all_day: false,
            location: Some("l".repeat(1024)),
            body: Some("b".repeat(1024 * 1024)),
        };
        assert!(limits.appointment(&appointment).is_ok());
        appointment.location = Some("l".repeat(1025));
        let err = limits.appointment(&appointment).unwrap_err();
        assert!(err.to_string().contains("location"), "{err}");
        appointment.location = None;
        appointment.body = Some("b".repeat(1024 * 1024 + 1));
        assert!(limits.appointment(&appointment).is_err());
        assert!(limits.another_data_source(99).is_ok());
        assert!(limits.another_data_source(100).is_err());
    }

    #[test]
    fn the_file_sets_limits_and_refuses_zero() {
        let mut limits = Limits::default();
        let file: LimitsFile = toml::from_str(
            "max_data_sources = 3\nmax_calendar_window_days = 7\nmax_sessions_per_data_source = 5",
        )
        .unwrap();
        assert_eq!(Limits::default().max_sessions_per_data_source, 10_000);
        file.apply(&mut limits).unwrap();
        assert_eq!(limits.max_data_sources, 3);
        assert_eq!(limits.max_sessions_per_data_source, 5);
        assert_eq!(limits.max_calendar_window, Duration::from_secs(7 * 86_400));
        let server: LimitsFile =
            toml::from_str("max_concurrent_calls = 8\ncall_timeout_secs = 30").unwrap();
        server.apply(&mut limits).unwrap();
        assert_eq!(
            limits.server(),
            ServerLimits::default()
                .max_concurrent_calls(8)
                .call_timeout(Duration::from_secs(30))
        );
        for zero in ["max_body_bytes = 0", "max_sessions_per_data_source = 0"] {
            let zero: LimitsFile = toml::from_str(zero).unwrap();
            assert!(zero.apply(&mut limits).is_err());
        }
        assert!(toml::from_str::<LimitsFile>("max_pages = 1").is_err());
    }

    #[test]
    fn an_attachment_fits_one_message_and_reads_are_counted() {
        let mut limits = Limits::default();
        assert!(limits.attachment(3 * 1024 * 1024).is_ok());
        assert!(limits.attachment(3 * 1024 * 1024 + 1).is_err());
        assert!(limits.appointments(2000).is_ok());
        assert!(limits.appointments(2001).is_err());
        let most = format!("max_attachment_bytes = {}", Limits::MAX_ATTACHMENT_BYTES);
        let file: LimitsFile = toml::from_str(&most).unwrap();
        file.apply(&mut limits).unwrap();
        assert_eq!(limits.max_attachment_bytes, Limits::MAX_ATTACHMENT_BYTES);
        let more = format!(
            "max_attachment_bytes = {}",
            Limits::MAX_ATTACHMENT_BYTES + 1
        );
        let err = toml::from_str::<LimitsFile>(&more)
            .unwrap()
            .apply(&mut limits)
            .unwrap_err();
        assert!(
            err.contains("max_attachment_bytes must be at most"),
            "{err}"
        );
        for text in ["max_attachment_bytes = 0", "max_appointments_per_read = 0"] {
            let zero: LimitsFile = toml::from_str(text).unwrap();
            assert!(zero.apply(&mut limits).is_err(), "{text}");
        }
    }
}
