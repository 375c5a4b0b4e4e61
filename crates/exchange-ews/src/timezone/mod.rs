//! Time zones: Windows ids ↔ IANA zones, the `TimeZoneContext` header, and the time zone
//! definitions of `GetServerTimeZones` with the offsets they imply.
//!
//! Exchange names time zones with Windows ids (`W. Europe Standard Time`); most other
//! software uses IANA zones (`Europe/Berlin`). [`windows_to_iana`] and [`iana_to_windows`]
//! translate between them by CLDR's `windowsZones` table, which
//! `scripts/gen-windows-zones.py` turns into Rust (the data is Unicode's, licence
//! Unicode-3.0).
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use exchange_ews::timezone::{GetServerTimeZones, iana_to_windows, windows_to_iana};
//!
//! assert_eq!(iana_to_windows("Europe/Berlin"), Some("W. Europe Standard Time"));
//! assert_eq!(windows_to_iana("Pacific Standard Time", None), Some("America/Los_Angeles"));
//!
//! let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:GetServerTimeZonesResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages>
//!     <m:GetServerTimeZonesResponseMessage ResponseClass="Success">
//!       <m:ResponseCode>NoError</m:ResponseCode>
//!       <m:TimeZoneDefinitions>
//!         <t:TimeZoneDefinition Id="Tokyo Standard Time" Name="(UTC+09:00) Osaka, Tokyo">
//!           <t:Periods><t:Period Bias="-PT540M" Name="Standard" Id="std"/></t:Periods>
//!           <t:Transitions><t:Transition><t:To Kind="Period">std</t:To></t:Transition></t:Transitions>
//!         </t:TimeZoneDefinition>
//!       </m:TimeZoneDefinitions>
//!     </m:GetServerTimeZonesResponseMessage>
//!   </m:ResponseMessages></m:GetServerTimeZonesResponse>
//! </s:Body></s:Envelope>"#;
//! let zones = GetServerTimeZones::parse_response(answer)?;
//! let tokyo = &zones[0];
//! let now = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
//! assert_eq!(tokyo.offset_at(now).map(|o| o.local_minus_utc()), Some(9 * 3600));
//! let nine = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
//! assert_eq!(tokyo.local_to_utc(nine), Some(now));
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```

mod context;
mod definition;
mod duration;
mod mapping;
mod offset;
mod windows_zones;

pub use context::{TimeZoneContext, WindowsZoneId};
pub use definition::{
    Period, TimeZoneDefinition, Transition, TransitionKind, TransitionTarget, TransitionsGroup,
};
pub use mapping::{cldr_version, iana_to_windows, windows_ids, windows_to_iana};
pub use offset::MAX_WEEKLY_OCCURRENCES;

pub use crate::operations::GetServerTimeZones;

pub(crate) use duration::parse_duration;

#[cfg(test)]
mod definition_tests;
