use super::*;
use crate::test_support::sample;

#[test]
fn writes_the_ids_and_the_full_data_flag() {
    let request =
        GetServerTimeZones::new(&["W. Europe Standard Time", " Tokyo Standard Time "], true)
            .unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2010Sp1);
    assert!(xml.contains(concat!(
        r#"<m:GetServerTimeZones ReturnFullTimeZoneData="true"><m:Ids>"#,
        r#"<t:Id>W. Europe Standard Time</t:Id><t:Id>Tokyo Standard Time</t:Id>"#,
        "</m:Ids></m:GetServerTimeZones>"
    )));
    assert_eq!(request.ids()[1].as_str(), "Tokyo Standard Time");
    let all = GetServerTimeZones::new(&[], false).unwrap();
    assert!(all.to_envelope(ExchangeVersion::Exchange2016).contains(
        r#"<m:GetServerTimeZones ReturnFullTimeZoneData="false"></m:GetServerTimeZones>"#
    ));
    assert!(!all
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains("m:Ids"));
    let hostile = GetServerTimeZones::new(&["<&>\"'"], true).unwrap();
    assert!(hostile
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains("<t:Id>&lt;&amp;&gt;\"'</t:Id>"));
}

#[test]
fn refuses_unusable_ids() {
    for ids in [&[""][..], &["ok", " "], &["a\u{0}b"]] {
        let err = GetServerTimeZones::new(ids, true).unwrap_err();
        assert!(matches!(err, EwsError::InvalidArgument { .. }), "{ids:?}");
    }
    let many = vec!["UTC"; MAX_IDS + 1];
    let err = GetServerTimeZones::new(&many, false).unwrap_err();
    assert!(matches!(
        err,
        EwsError::InvalidArgument {
            argument: "ids",
            ..
        }
    ));
    assert!(GetServerTimeZones::new(&many[1..], false).is_ok());
}

#[test]
fn parses_the_exchange_2010_sample() {
    let Some(bytes) = sample("exl-getservertimezones-response.xml") else {
        return;
    };
    let zones = GetServerTimeZones::parse_response(&bytes).unwrap();
    assert_eq!(zones.len(), 1);
    let berlin = &zones[0];
    assert_eq!(berlin.id, "W. Europe Standard Time");
    assert_eq!(
        berlin.name.as_deref(),
        Some("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna")
    );
    assert_eq!(berlin.periods.len(), 2);
    assert_eq!(berlin.periods[1].id, "dlt");
    assert_eq!(berlin.periods[1].bias, chrono::TimeDelta::minutes(-120));
    assert_eq!(berlin.transitions_groups.len(), 1);
    assert_eq!(berlin.transitions_groups[0].transitions.len(), 2);
    assert_eq!(berlin.transitions.len(), 1);
}

const SUCCESS: &str = r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:GetServerTimeZonesResponse xmlns:m="urn:m" xmlns:t="urn:t">
<m:ResponseMessages><m:GetServerTimeZonesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
<m:TimeZoneDefinitions><t:TimeZoneDefinition Id="UTC" Name="(UTC) Coordinated Universal Time"/>
<t:TimeZoneDefinition Id="Tokyo Standard Time"/></m:TimeZoneDefinitions>
</m:GetServerTimeZonesResponseMessage></m:ResponseMessages></m:GetServerTimeZonesResponse></s:Body></s:Envelope>"#;

#[test]
fn parses_short_definitions() {
    let zones = GetServerTimeZones::parse_response(SUCCESS.as_bytes()).unwrap();
    assert_eq!(zones.len(), 2);
    assert_eq!(zones[1].id, "Tokyo Standard Time");
    assert_eq!(zones[1].name, None);
    assert!(zones[0].periods.is_empty() && zones[0].transitions.is_empty());
}

#[test]
fn reports_errors_and_refuses_broken_answers() {
    let error = SUCCESS
        .replace(r#"ResponseClass="Success""#, r#"ResponseClass="Error""#)
        .replace("NoError", "ErrorInvalidRequest");
    let err = GetServerTimeZones::parse_response(error.as_bytes()).unwrap_err();
    assert_eq!(
        err.response_code(),
        Some(&crate::ResponseCode::ErrorInvalidRequest)
    );
    let missing = SUCCESS
        .replace("<m:TimeZoneDefinitions>", "<m:Other>")
        .replace("</m:TimeZoneDefinitions>", "</m:Other>");
    let err = GetServerTimeZones::parse_response(missing.as_bytes()).unwrap_err();
    assert!(matches!(err, EwsError::MissingElement { .. }), "{err:?}");
    let wrong_operation = SUCCESS.replace("GetServerTimeZonesResponse ", "GetItemResponse ");
    assert!(GetServerTimeZones::parse_response(wrong_operation.as_bytes()).is_err());
    for cut in [0, 1, 40, SUCCESS.len() / 2, SUCCESS.len() - 1] {
        let err = GetServerTimeZones::parse_response(&SUCCESS.as_bytes()[..cut]).unwrap_err();
        assert!(
            matches!(err, EwsError::MalformedXml { .. }),
            "truncated at {cut}: {err:?}"
        );
    }
    let dtd = format!(r#"<!DOCTYPE s [<!ENTITY x "y">]>{SUCCESS}"#);
    assert!(matches!(
        GetServerTimeZones::parse_response(dtd.as_bytes()).unwrap_err(),
        EwsError::XmlRefused { .. }
    ));
    let deep = format!(
        "{}{}",
        "<t:Periods>".repeat(300),
        "</t:Periods>".repeat(300)
    );
    let nested = SUCCESS.replace(
        r#"<t:TimeZoneDefinition Id="Tokyo Standard Time"/>"#,
        &format!(r#"<t:TimeZoneDefinition Id="Tokyo Standard Time">{deep}</t:TimeZoneDefinition>"#),
    );
    assert!(matches!(
        GetServerTimeZones::parse_response(nested.as_bytes()).unwrap_err(),
        EwsError::XmlRefused { .. }
    ));
    assert!(GetServerTimeZones::parse_response(b"\xff\xfe garbage").is_err());
}

#[test]
fn survives_many_definitions() {
    let many = r#"<t:TimeZoneDefinition Id="UTC"/>"#.repeat(50_000);
    let big = SUCCESS.replace(r#"<t:TimeZoneDefinition Id="Tokyo Standard Time"/>"#, &many);
    let zones = GetServerTimeZones::parse_response(big.as_bytes()).unwrap();
    assert_eq!(zones.len(), 50_001);
}
