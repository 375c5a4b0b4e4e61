//! Schema versions a request asks for, and the server version a response reports.

use std::fmt;
use std::str::FromStr;

use crate::EwsError;

/// The EWS schema version a request is written against (`RequestServerVersion`).
///
/// Exchange answers in the schema of the requested version, so a client asks for the oldest
/// version that has everything it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ExchangeVersion {
    /// Exchange 2007 Service Pack 1.
    Exchange2007Sp1,
    /// Exchange 2010 (the default).
    #[default]
    Exchange2010,
    /// Exchange 2010 Service Pack 1.
    Exchange2010Sp1,
    /// Exchange 2010 Service Pack 2.
    Exchange2010Sp2,
    /// Exchange 2013.
    Exchange2013,
    /// Exchange 2013 Service Pack 1.
    Exchange2013Sp1,
    /// Exchange 2016 (also Exchange 2019 and Exchange Online).
    Exchange2016,
}

impl ExchangeVersion {
    /// Every version, oldest first.
    pub const ALL: [ExchangeVersion; 7] = [
        Self::Exchange2007Sp1,
        Self::Exchange2010,
        Self::Exchange2010Sp1,
        Self::Exchange2010Sp2,
        Self::Exchange2013,
        Self::Exchange2013Sp1,
        Self::Exchange2016,
    ];

    /// The value of `RequestServerVersion/@Version` (`Exchange2010_SP1`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exchange2007Sp1 => "Exchange2007_SP1",
            Self::Exchange2010 => "Exchange2010",
            Self::Exchange2010Sp1 => "Exchange2010_SP1",
            Self::Exchange2010Sp2 => "Exchange2010_SP2",
            Self::Exchange2013 => "Exchange2013",
            Self::Exchange2013Sp1 => "Exchange2013_SP1",
            Self::Exchange2016 => "Exchange2016",
        }
    }

    /// Whether this version knows the Exchange 2010 time zone elements (`StartTimeZone`,
    /// `EndTimeZone`); Exchange 2007 only knows `MeetingTimeZone`.
    pub fn has_time_zone_definitions(self) -> bool {
        self >= Self::Exchange2010
    }
}

impl fmt::Display for ExchangeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExchangeVersion {
    type Err = EwsError;

    /// Parses the schema spelling (`Exchange2010_SP1`); case and the underscore are optional
    /// (`exchange2010sp1` works too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted: String = s
            .trim()
            .chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().replace('_', "").to_lowercase() == wanted)
            .ok_or_else(|| EwsError::InvalidArgument {
                argument: "version",
                reason: format!("{s:?} is not a known Exchange version"),
            })
    }
}

/// The server's build, from the `ServerVersionInfo` SOAP header of a response.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ServerVersionInfo {
    /// Major version (8 = 2007, 14 = 2010, 15 = 2013 and later).
    pub major: u16,
    /// Minor version (15.1 = 2016, 15.2 = 2019; Exchange Online reports 15.20).
    pub minor: u16,
    /// Major build number.
    pub build: u16,
    /// Minor build number.
    pub revision: u16,
    /// The schema version the server answered in (`V2017_07_11`, `Exchange2013`), when sent.
    pub version: Option<String>,
}

impl ServerVersionInfo {
    /// The newest request version this server understands, judged by its build.
    pub fn supported_version(&self) -> ExchangeVersion {
        match (self.major, self.minor) {
            (0..=13, _) => ExchangeVersion::Exchange2007Sp1,
            (14, 0) => ExchangeVersion::Exchange2010,
            (14, 1) => ExchangeVersion::Exchange2010Sp1,
            (14, _) => ExchangeVersion::Exchange2010Sp2,
            (15, 0) if self.build < 847 => ExchangeVersion::Exchange2013,
            (15, 0) => ExchangeVersion::Exchange2013Sp1,
            _ => ExchangeVersion::Exchange2016,
        }
    }
}

impl fmt::Display for ServerVersionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}",
            self.major, self.minor, self.build, self.revision
        )?;
        if let Some(v) = &self.version {
            write!(f, " ({v})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_versions_as_the_schema_does() {
        assert_eq!(
            ExchangeVersion::Exchange2007Sp1.as_str(),
            "Exchange2007_SP1"
        );
        assert_eq!(
            ExchangeVersion::Exchange2010Sp2.to_string(),
            "Exchange2010_SP2"
        );
        assert_eq!(ExchangeVersion::default(), ExchangeVersion::Exchange2010);
    }

    #[test]
    fn parses_every_version_back() {
        for v in ExchangeVersion::ALL {
            assert_eq!(v.as_str().parse::<ExchangeVersion>().unwrap(), v);
        }
        assert_eq!(
            "exchange2013sp1".parse::<ExchangeVersion>().unwrap(),
            ExchangeVersion::Exchange2013Sp1
        );
        assert_eq!(
            " Exchange2016 ".parse::<ExchangeVersion>().unwrap(),
            ExchangeVersion::Exchange2016
        );
    }

    #[test]
    fn refuses_unknown_versions() {
        for bad in [
            "",
            "Exchange2007",
            "Exchange2019",
            "V2016_10_10",
            "\u{0}",
            "Exchange2010_SP9",
        ] {
            let err = bad.parse::<ExchangeVersion>().unwrap_err();
            assert!(
                matches!(err, EwsError::InvalidArgument { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn maps_builds_to_versions() {
        let v = |major, minor, build| ServerVersionInfo {
            major,
            minor,
            build,
            ..Default::default()
        };
        assert_eq!(
            v(8, 0, 685).supported_version(),
            ExchangeVersion::Exchange2007Sp1
        );
        assert_eq!(
            v(14, 2, 1).supported_version(),
            ExchangeVersion::Exchange2010Sp2
        );
        assert_eq!(
            v(15, 0, 731).supported_version(),
            ExchangeVersion::Exchange2013
        );
        assert_eq!(
            v(15, 0, 893).supported_version(),
            ExchangeVersion::Exchange2013Sp1
        );
        assert_eq!(
            v(15, 20, 8769).supported_version(),
            ExchangeVersion::Exchange2016
        );
        assert_eq!(v(15, 1, 2507).to_string(), "15.1.2507.0");
    }
}
