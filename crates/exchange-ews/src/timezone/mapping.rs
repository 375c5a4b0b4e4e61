//! Windows time zone ids ↔ IANA zones, by CLDR's `windowsZones` table.

use super::windows_zones::{CLDR_VERSION, IANA_TO_WINDOWS, MAP_ZONES, WINDOWS_IDS};

/// The territory of a Windows id's default IANA zone.
const DEFAULT_TERRITORY: &str = "001";

/// The IANA zone CLDR gives for the Windows id in `territory` (an ISO 3166 region such as
/// `"DE"`; `None` or `"001"` for the id's default zone), or `None` for an id or territory
/// CLDR does not list.
///
/// Ids are matched case-sensitively, as Exchange matches them, after trimming white space.
///
/// ```
/// use exchange_ews::timezone::windows_to_iana;
///
/// assert_eq!(windows_to_iana("W. Europe Standard Time", None), Some("Europe/Berlin"));
/// assert_eq!(windows_to_iana("W. Europe Standard Time", Some("CH")), Some("Europe/Zurich"));
/// assert_eq!(windows_to_iana("w. europe standard time", None), None);
/// ```
pub fn windows_to_iana(windows_id: &str, territory: Option<&str>) -> Option<&'static str> {
    let key = (
        windows_id.trim(),
        territory.map_or(DEFAULT_TERRITORY, str::trim),
    );
    let index = MAP_ZONES
        .binary_search_by(|(w, t, _)| (*w, *t).cmp(&key))
        .ok()?;
    // The first zone of a territory's list is CLDR's preferred one.
    MAP_ZONES[index].2.first().copied()
}

/// The Windows id CLDR maps the IANA zone to (every zone of any `mapZone` is known, the
/// further zones of a territory's list included), or `None` for a zone CLDR does not map.
///
/// Zones are matched case-sensitively after trimming white space.
///
/// ```
/// use exchange_ews::timezone::iana_to_windows;
///
/// assert_eq!(iana_to_windows("Europe/Berlin"), Some("W. Europe Standard Time"));
/// assert_eq!(iana_to_windows("America/Detroit"), Some("Eastern Standard Time"));
/// assert_eq!(iana_to_windows("Mars/Olympus_Mons"), None);
/// ```
pub fn iana_to_windows(iana: &str) -> Option<&'static str> {
    let iana = iana.trim();
    IANA_TO_WINDOWS
        .binary_search_by(|(zone, _)| (*zone).cmp(iana))
        .ok()
        .map(|index| IANA_TO_WINDOWS[index].1)
}

/// Every Windows time zone id CLDR maps, sorted.
pub fn windows_ids() -> &'static [&'static str] {
    WINDOWS_IDS
}

/// The CLDR release the mapping comes from (`"48"`).
pub fn cldr_version() -> &'static str {
    CLDR_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_well_known_pairs_both_ways() {
        for (windows, iana) in [
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("GMT Standard Time", "Europe/London"),
            ("Romance Standard Time", "Europe/Paris"),
            ("Central Europe Standard Time", "Europe/Budapest"),
            ("Eastern Standard Time", "America/New_York"),
            ("Pacific Standard Time", "America/Los_Angeles"),
            ("Central Standard Time", "America/Chicago"),
            ("Tokyo Standard Time", "Asia/Tokyo"),
            ("China Standard Time", "Asia/Shanghai"),
            ("India Standard Time", "Asia/Calcutta"),
            ("AUS Eastern Standard Time", "Australia/Sydney"),
            ("UTC", "Etc/UTC"),
            ("Russian Standard Time", "Europe/Moscow"),
        ] {
            assert_eq!(windows_to_iana(windows, None), Some(iana), "{windows}");
            assert_eq!(
                windows_to_iana(windows, Some("001")),
                Some(iana),
                "{windows}"
            );
            assert_eq!(iana_to_windows(iana), Some(windows), "{iana}");
        }
    }

    #[test]
    fn knows_territories_and_the_further_zones_of_a_list() {
        assert_eq!(
            windows_to_iana("W. Europe Standard Time", Some("AT")),
            Some("Europe/Vienna")
        );
        assert_eq!(
            windows_to_iana("Eastern Standard Time", Some(" CA ")),
            Some("America/Toronto")
        );
        assert_eq!(windows_to_iana("W. Europe Standard Time", Some("US")), None);
        assert_eq!(
            iana_to_windows("America/Juneau"),
            Some("Alaskan Standard Time")
        );
        assert_eq!(
            iana_to_windows("Europe/Busingen"),
            Some("W. Europe Standard Time")
        );
        assert_eq!(iana_to_windows("Etc/GMT"), Some("UTC"));
    }

    #[test]
    fn every_windows_id_round_trips_through_its_default_zone() {
        assert!(windows_ids().len() > 100, "{}", windows_ids().len());
        assert!(windows_ids().windows(2).all(|w| w[0] < w[1]));
        for windows in windows_ids() {
            let iana = windows_to_iana(windows, None)
                .unwrap_or_else(|| panic!("{windows} has no default zone"));
            assert_eq!(iana_to_windows(iana), Some(*windows), "{windows} → {iana}");
        }
    }

    #[test]
    fn trims_but_keeps_case() {
        assert_eq!(
            windows_to_iana(" Tokyo Standard Time\n", None),
            Some("Asia/Tokyo")
        );
        assert_eq!(windows_to_iana("TOKYO STANDARD TIME", None), None);
        assert_eq!(
            iana_to_windows("\tAsia/Tokyo "),
            Some("Tokyo Standard Time")
        );
        assert_eq!(iana_to_windows("asia/tokyo"), None);
    }

    #[test]
    fn refuses_hostile_and_odd_input() {
        let long = "W".repeat(1 << 20);
        for bad in [
            "",
            " ",
            "\u{0}",
            "Europe/Berlin\u{0}",
            "../../etc",
            &long,
            "Europe",
        ] {
            assert_eq!(windows_to_iana(bad, None), None, "{bad:?}");
            assert_eq!(windows_to_iana(bad, Some(bad)), None, "{bad:?}");
            assert_eq!(iana_to_windows(bad), None, "{bad:?}");
        }
        assert_eq!(windows_to_iana("Tokyo Standard Time", Some("")), None);
        assert_eq!(cldr_version(), CLDR_VERSION);
        assert!(!cldr_version().is_empty());
    }
}
