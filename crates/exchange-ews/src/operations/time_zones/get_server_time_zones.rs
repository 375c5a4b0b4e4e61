//! `GetServerTimeZones`: the time zone definitions the server knows.

use crate::operations::sans_io_methods;
use crate::soap::request_envelope;
use crate::timezone::{TimeZoneDefinition, WindowsZoneId};
use crate::{Envelope, EwsError, ExchangeVersion, Operation};

/// The most ids one request names (Exchange knows some 140 zones).
const MAX_IDS: usize = 1_000;

/// Reads time zone definitions from the server: those of the given Windows ids, or all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetServerTimeZones {
    ids: Vec<WindowsZoneId>,
    full_definitions: bool,
}

impl GetServerTimeZones {
    /// The request for the zones `ids` (all zones when empty); with `full_definitions` the
    /// answer carries periods and transitions, else only ids and names. Refuses an id
    /// [`WindowsZoneId::new`] refuses, and more than 1000 ids.
    pub fn new(ids: &[&str], full_definitions: bool) -> Result<Self, EwsError> {
        if ids.len() > MAX_IDS {
            return Err(EwsError::InvalidArgument {
                argument: "ids",
                reason: format!("{} ids are more than {MAX_IDS}", ids.len()),
            });
        }
        Ok(Self {
            ids: ids
                .iter()
                .map(|id| WindowsZoneId::new(id))
                .collect::<Result<_, _>>()?,
            full_definitions,
        })
    }

    /// The zones asked for (all when empty).
    pub fn ids(&self) -> &[WindowsZoneId] {
        &self.ids
    }
}

sans_io_methods!(GetServerTimeZones);

impl Operation for GetServerTimeZones {
    type Output = Vec<TimeZoneDefinition>;
    const NAME: &'static str = "GetServerTimeZones";

    fn envelope(&self, version: ExchangeVersion) -> String {
        let full = if self.full_definitions {
            "true"
        } else {
            "false"
        };
        request_envelope(version, |w| {
            w.start("m:GetServerTimeZones", &[("ReturnFullTimeZoneData", full)]);
            if !self.ids.is_empty() {
                w.start("m:Ids", &[]);
                for id in &self.ids {
                    w.text_element("t:Id", &[], id.as_str());
                }
                w.end();
            }
            w.end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Vec<TimeZoneDefinition>, EwsError> {
        envelope
            .single_message(Self::NAME)?
            .required_child("TimeZoneDefinitions")?
            .children()
            .iter()
            .filter(|e| e.name() == "TimeZoneDefinition")
            .map(TimeZoneDefinition::from_element)
            .collect()
    }
}

#[cfg(test)]
#[path = "get_server_time_zones_tests.rs"]
mod tests;
