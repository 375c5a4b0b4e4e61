//! `GetUserAvailability`: the free/busy views of mailboxes over a time window.

use chrono::{DateTime, Utc};

use super::availability_xml::{free_busy_view, write_time_zone};
use crate::directory::{AvailabilityMailbox, FreeBusyOptions, FreeBusyView, SerializableTimeZone};
use crate::operations::{check_range, sans_io_methods};
use crate::soap::{check_message, request_envelope};
use crate::xml::{format_date_time, Element};
use crate::{Envelope, EwsError, ExchangeVersion, Operation};

/// The most mailboxes one request may name (Exchange's limit).
const MAX_MAILBOXES: usize = 100;

/// The allowed merged free/busy intervals in minutes.
const INTERVALS: std::ops::RangeInclusive<u32> = 5..=1440;

/// Asks for the free/busy views of mailboxes.
///
/// The window is sent in UTC; `time_zone` is the zone the server reports relative to (use
/// [`SerializableTimeZone::utc`] unless the caller's zone matters for the merged string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetUserAvailability {
    mailboxes: Vec<AvailabilityMailbox>,
    time_zone: SerializableTimeZone,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    options: FreeBusyOptions,
}

impl GetUserAvailability {
    /// The request for `mailboxes` (1 to 100) over `start`..`end`.
    pub fn new(
        mailboxes: Vec<AvailabilityMailbox>,
        time_zone: SerializableTimeZone,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        options: FreeBusyOptions,
    ) -> Result<Self, EwsError> {
        if mailboxes.is_empty() || mailboxes.len() > MAX_MAILBOXES {
            return Err(EwsError::InvalidArgument {
                argument: "mailboxes",
                reason: format!(
                    "{} mailboxes; 1 to {MAX_MAILBOXES} are allowed",
                    mailboxes.len()
                ),
            });
        }
        if let Some(m) = mailboxes.iter().find(|m| !m.address.contains('@')) {
            return Err(EwsError::InvalidArgument {
                argument: "mailboxes",
                reason: format!("{:?} is not an SMTP address", m.address),
            });
        }
        check_range("time window", start, end)?;
        if let Some(minutes) = options.merged_interval_minutes {
            if !INTERVALS.contains(&minutes) {
                return Err(EwsError::InvalidArgument {
                    argument: "merged free/busy interval",
                    reason: format!("{minutes} minutes is outside 5 to 1440"),
                });
            }
        }
        Ok(Self {
            mailboxes,
            time_zone,
            start,
            end,
            options,
        })
    }

    /// The mailboxes asked about, in the order of the answer.
    pub fn mailboxes(&self) -> &[AvailabilityMailbox] {
        &self.mailboxes
    }
}

sans_io_methods!(GetUserAvailability);

impl Operation for GetUserAvailability {
    /// One result per mailbox, in the order asked: its view or the error of its message.
    type Output = Vec<Result<FreeBusyView, EwsError>>;
    const NAME: &'static str = "GetUserAvailability";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:GetUserAvailabilityRequest", &[]);
            write_time_zone(w, &self.time_zone);
            w.start("m:MailboxDataArray", &[]);
            for mailbox in &self.mailboxes {
                let exclude = if mailbox.exclude_conflicts {
                    "true"
                } else {
                    "false"
                };
                w.start("t:MailboxData", &[])
                    .start("t:Email", &[])
                    .text_element("t:Address", &[], mailbox.address.trim())
                    .end()
                    .text_element("t:AttendeeType", &[], mailbox.attendee_type.as_str())
                    .text_element("t:ExcludeConflicts", &[], exclude)
                    .end();
            }
            w.end()
                .start("t:FreeBusyViewOptions", &[])
                .start("t:TimeWindow", &[])
                .text_element("t:StartTime", &[], &format_date_time(self.start))
                .text_element("t:EndTime", &[], &format_date_time(self.end))
                .end();
            if let Some(minutes) = self.options.merged_interval_minutes {
                w.text_element(
                    "t:MergedFreeBusyIntervalInMinutes",
                    &[],
                    &minutes.to_string(),
                );
            }
            w.text_element("t:RequestedView", &[], self.options.requested_view.as_str())
                .end()
                .end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        let body = envelope.body();
        if body.name() != "GetUserAvailabilityResponse" {
            return Err(EwsError::MissingElement {
                element: "GetUserAvailabilityResponse".into(),
                parent: "Body".into(),
            });
        }
        Ok(body
            .required_child("FreeBusyResponseArray")?
            .children()
            .iter()
            .map(mailbox_view)
            .collect())
    }
}

fn mailbox_view(response: &Element) -> Result<FreeBusyView, EwsError> {
    check_message(response.required_child("ResponseMessage")?)?;
    free_busy_view(response.required_child("FreeBusyView")?)
}

#[cfg(test)]
#[path = "get_user_availability_tests.rs"]
mod tests;
