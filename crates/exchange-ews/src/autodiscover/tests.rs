//! Tests of the Autodiscover request builders and parsers, on the published samples and on
//! hostile input.

use super::*;
use crate::test_support::sample;
use crate::xml::{self, Element};
use exchange_auth::{Basic, UserCredentials};
use secrecy::SecretString;
use std::sync::Arc;

fn names(element: &Element) -> Vec<&str> {
    element.children().iter().map(Element::name).collect()
}

#[test]
fn parses_the_microsoft_soap_sample() {
    let Some(bytes) = sample("ms-soap-autodiscover-getusersettings-response.xml") else {
        return;
    };
    let user = GetUserSettings::parse_response(&bytes).unwrap();
    assert_eq!(user.error_code, AutodiscoverCode::NoError);
    assert_eq!(user.error_message, "No error.");
    assert_eq!(user.redirect_target, None);
    assert_eq!(user.settings.len(), 8);
    assert_eq!(user.setting("CasVersion"), Some("14.00.0478.000"));
    assert_eq!(
        user.setting("EwsSupportedSchemas"),
        Some("Exchange2007, Exchange2010")
    );
    // This documentation sample has no EWS URL setting.
    assert_eq!(user.ews_url(), None);
}

#[test]
fn parses_the_library_soap_samples() {
    let Some(found) = sample("exl-soap-autodiscover-getusersettings-response.xml") else {
        return;
    };
    let user = GetUserSettings::parse_response(&found).unwrap();
    assert_eq!(user.error_code, AutodiscoverCode::NoError);
    assert_eq!(
        user.ews_url(),
        Some("https://expr.example.com/EWS/Exchange.asmx")
    );
    assert_eq!(
        user.setting("AutoDiscoverSMTPAddress"),
        Some("john@example.com")
    );

    let Some(address) = sample("exl-soap-autodiscover-redirectaddress-response.xml") else {
        return;
    };
    let user = GetUserSettings::parse_response(&address).unwrap();
    assert_eq!(user.error_code, AutodiscoverCode::RedirectAddress);
    assert_eq!(user.redirect_target.as_deref(), Some("john@example.com"));
    assert!(user.settings.is_empty());

    let Some(url) = sample("exl-soap-autodiscover-redirecturl-response.xml") else {
        return;
    };
    let user = GetUserSettings::parse_response(&url).unwrap();
    assert_eq!(user.error_code, AutodiscoverCode::RedirectUrl);
    assert_eq!(
        user.redirect_target.as_deref(),
        Some("https://redirected.example.com/autodiscover/autodiscover.svc")
    );
}

#[test]
fn parses_the_pox_samples() {
    let Some(bytes) = sample("ms-pox-autodiscover-response.xml") else {
        return;
    };
    let PoxResponse::Settings(settings) = PoxAutodiscover::parse_response(&bytes).unwrap() else {
        panic!("expected settings");
    };
    assert_eq!(settings.display_name.as_deref(), Some("First Last"));
    let kinds: Vec<&str> = settings.protocols.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["EXCH", "EXPR", "WEB"]);
    assert_eq!(
        settings.protocols[0].as_url.as_deref(),
        Some("https://mail.contoso.com/ews/exchange.asmx")
    );
    // The documentation sample has no EwsUrl element.
    assert_eq!(settings.ews_url(), None);

    let Some(bytes) = sample("ms-pox-autodiscover-error-response.xml") else {
        return;
    };
    assert_eq!(
        PoxAutodiscover::parse_response(&bytes).unwrap(),
        PoxResponse::Error {
            code: "600".into(),
            message: "Invalid Request".into()
        }
    );
}

#[test]
fn the_soap_request_has_the_structure_of_the_sample() {
    let Some(bytes) = sample("ms-soap-autodiscover-getusersettings-request.xml") else {
        return;
    };
    let theirs = xml::parse(&bytes).unwrap();
    let to = "https://myserver.contoso.com/autodiscover/autodiscover.svc";
    let ours = GetUserSettings::new("UserName@domain.contoso.com")
        .unwrap()
        .to_envelope(to);
    let ours_tree = xml::parse(ours.as_bytes()).unwrap();
    assert_eq!(names(&ours_tree), names(&theirs));
    let (our_header, their_header) = (
        ours_tree.child("Header").unwrap(),
        theirs.child("Header").unwrap(),
    );
    assert_eq!(names(our_header), names(their_header));
    assert_eq!(
        our_header.child_text("RequestedServerVersion"),
        their_header.child_text("RequestedServerVersion")
    );
    assert_eq!(our_header.child_text("To"), Some(to));
    // The sample spells the namespace with https://, a documentation typo.
    assert_eq!(
        our_header
            .child_text("Action")
            .map(|a| a.replace("http://", "https://")),
        their_header.child_text("Action").map(str::to_owned)
    );
    let request = |root: &Element| {
        root.child("Body")
            .and_then(|b| b.child("GetUserSettingsRequestMessage"))
            .and_then(|m| m.child("Request"))
            .cloned()
            .unwrap()
    };
    let (ours_request, their_request) = (request(&ours_tree), request(&theirs));
    assert_eq!(names(&ours_request), names(&their_request));
    let mailbox = |r: &Element| {
        r.child("Users")
            .and_then(|u| u.child("User"))
            .and_then(|u| u.child_text("Mailbox"))
            .map(str::to_owned)
    };
    assert_eq!(mailbox(&ours_request), mailbox(&their_request));
    let settings: Vec<&str> = ours_request
        .child("RequestedSettings")
        .unwrap()
        .children()
        .iter()
        .map(|s| {
            assert_eq!(s.name(), "Setting");
            s.text()
        })
        .collect();
    assert_eq!(settings, DEFAULT_SETTINGS);
    for namespace in [
        r#"xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover""#,
        r#"xmlns:wsa="http://www.w3.org/2005/08/addressing""#,
        r#"xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/""#,
    ] {
        assert!(ours.contains(namespace), "{namespace}");
    }
}

#[test]
fn the_requested_settings_are_configurable_and_checked() {
    let request = GetUserSettings::new("alice@contoso.test")
        .unwrap()
        .settings(vec!["InternalEwsUrl".into(), "UserDN".into()])
        .unwrap();
    let envelope = request.to_envelope("https://contoso.test/autodiscover/autodiscover.svc");
    assert!(envelope.contains(
        "<a:RequestedSettings><a:Setting>InternalEwsUrl</a:Setting><a:Setting>UserDN</a:Setting></a:RequestedSettings>"
    ));
    for bad in [
        vec![],
        vec!["".into()],
        vec!["<x/>".into()],
        vec!["a".repeat(101)],
    ] {
        let error = GetUserSettings::new("alice@contoso.test")
            .unwrap()
            .settings(bad)
            .unwrap_err();
        assert!(matches!(
            error,
            EwsError::InvalidArgument {
                argument: "settings",
                ..
            }
        ));
    }
}

#[test]
fn hostile_values_are_escaped_in_requests() {
    let envelope = GetUserSettings::new("a<b>&c@contoso.test")
        .unwrap()
        .to_envelope("https://x.test/?a=<&>");
    let tree = xml::parse(envelope.as_bytes()).unwrap();
    assert_eq!(
        tree.child("Header").unwrap().child_text("To"),
        Some("https://x.test/?a=<&>")
    );
    let pox = PoxAutodiscover::new("\"quoted\"&<x>@contoso.test").unwrap();
    let tree = xml::parse(pox.to_xml().as_bytes()).unwrap();
    assert_eq!(
        tree.child("Request").unwrap().child_text("EMailAddress"),
        Some("\"quoted\"&<x>@contoso.test")
    );
    assert!(pox.to_xml().contains(RESPONSE_SCHEMA));
}

#[test]
fn addresses_are_checked() {
    assert_eq!(
        check_address(" Alice@Contoso.TEST ").unwrap(),
        ("Alice@Contoso.TEST".into(), "contoso.test".into())
    );
    let long = format!("{}@contoso.test", "a".repeat(400));
    for bad in [
        "",
        "alice",
        "@contoso.test",
        "alice@",
        "alice@contoso..test",
        "alice@contoso.test/evil",
        "alice@evil.test:8080",
        "alice@-x.test",
        "al ice@contoso.test",
        "alice@contoso.test\r\nX: y",
        long.as_str(),
    ] {
        let error = check_address(bad).unwrap_err();
        assert!(
            matches!(
                error,
                EwsError::InvalidArgument {
                    argument: "address",
                    ..
                }
            ),
            "{bad:?}: {error}"
        );
    }
}

#[test]
fn soap_faults_and_foreign_documents_are_typed_errors() {
    let fault = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <s:Fault><faultcode>s:Client</faultcode><faultstring>bad</faultstring></s:Fault>
        </s:Body></s:Envelope>"#;
    assert!(matches!(
        GetUserSettings::parse_response(fault),
        Err(EwsError::SoapFault { ref fault_code, .. }) if fault_code == "s:Client"
    ));
    assert!(matches!(
        GetUserSettings::parse_response(b"<html><body>hello</body></html>"),
        Err(EwsError::NotSoap { .. })
    ));
    assert!(matches!(
        PoxAutodiscover::parse_response(b"<html><body>hello</body></html>"),
        Err(EwsError::MissingElement { .. })
    ));
    let other = br#"<s:Envelope xmlns:s="x"><s:Body><Other/></s:Body></s:Envelope>"#;
    assert!(matches!(
        GetUserSettings::parse_response(other),
        Err(EwsError::MissingElement { .. })
    ));
}

#[test]
fn request_level_errors_and_unknown_codes_are_reported() {
    let refused = br#"<s:Envelope xmlns:s="x"><s:Body><GetUserSettingsResponseMessage>
        <Response><ErrorCode>InvalidRequest</ErrorCode><ErrorMessage>nope</ErrorMessage></Response>
        </GetUserSettingsResponseMessage></s:Body></s:Envelope>"#;
    let user = GetUserSettings::parse_response(refused).unwrap();
    assert_eq!(user.error_code, AutodiscoverCode::InvalidRequest);
    assert_eq!(user.error_message, "nope");
    assert_eq!(AutodiscoverCode::parse("Weird").as_str(), "Weird");
    assert_eq!(AutodiscoverCode::InvalidUser.to_string(), "InvalidUser");
    let empty = br#"<s:Envelope xmlns:s="x"><s:Body><GetUserSettingsResponseMessage>
        <Response><ErrorCode> </ErrorCode></Response>
        </GetUserSettingsResponseMessage></s:Body></s:Envelope>"#;
    assert!(matches!(
        GetUserSettings::parse_response(empty),
        Err(EwsError::InvalidValue { .. })
    ));
    let action = br#"<Autodiscover><Response><Account><Action>explode</Action></Account></Response></Autodiscover>"#;
    assert!(matches!(
        PoxAutodiscover::parse_response(action),
        Err(EwsError::InvalidValue { .. })
    ));
    let no_target = br#"<Autodiscover><Response><Account><Action>redirectUrl</Action></Account></Response></Autodiscover>"#;
    assert!(matches!(
        PoxAutodiscover::parse_response(no_target),
        Err(EwsError::MissingElement { .. })
    ));
}

#[test]
fn truncated_samples_fail_cleanly_at_every_length() {
    for name in [
        "exl-soap-autodiscover-getusersettings-response.xml",
        "ms-pox-autodiscover-response.xml",
    ] {
        let Some(bytes) = sample(name) else {
            return;
        };
        for end in 0..bytes.len() - 20 {
            let cut = &bytes[..end];
            // Never a panic; almost always an error (a cut inside trailing space parses).
            let soap = GetUserSettings::parse_response(cut);
            let pox = PoxAutodiscover::parse_response(cut);
            assert!(soap.is_err() || pox.is_err(), "{name} cut at {end}");
        }
    }
}

#[test]
fn hostile_documents_are_refused() {
    let doctype = br#"<!DOCTYPE x [<!ENTITY a "aaaa">]><Autodiscover>&a;</Autodiscover>"#;
    assert!(matches!(
        PoxAutodiscover::parse_response(doctype),
        Err(EwsError::XmlRefused { .. })
    ));
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    assert!(matches!(
        GetUserSettings::parse_response(deep.as_bytes()),
        Err(EwsError::XmlRefused { .. })
    ));
    assert!(matches!(
        GetUserSettings::parse_response(b"\xFF\xFE<x/>"),
        Err(EwsError::MalformedXml { .. })
    ));
    let oversized = format!(
        "<Autodiscover><Response><Account><Action>redirectAddr</Action><RedirectAddr>{}@x.test</RedirectAddr></Account></Response></Autodiscover>",
        "a".repeat(2_000_000)
    );
    // The parser keeps the value; the resolver refuses it as an address.
    let PoxResponse::RedirectAddress(address) =
        PoxAutodiscover::parse_response(oversized.as_bytes()).unwrap()
    else {
        panic!("expected a redirect");
    };
    assert!(check_address(&address).is_err());
}

#[test]
fn the_default_candidates_are_soap_then_pox_at_both_hosts() {
    let basic = Basic::new(UserCredentials::new("alice", SecretString::from("pw"))).unwrap();
    let resolver = Autodiscover::builder()
        .auth(Arc::new(basic))
        .build()
        .unwrap();
    let hosts = ["contoso.test".into(), "autodiscover.contoso.test".into()];
    let candidates = resolver.candidates(&hosts);
    let expected = [
        (
            "https://contoso.test/autodiscover/autodiscover.svc",
            AutodiscoverProtocol::Soap,
        ),
        (
            "https://autodiscover.contoso.test/autodiscover/autodiscover.svc",
            AutodiscoverProtocol::Soap,
        ),
        (
            "https://contoso.test/autodiscover/autodiscover.xml",
            AutodiscoverProtocol::Pox,
        ),
        (
            "https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            AutodiscoverProtocol::Pox,
        ),
    ];
    let expected: Vec<(String, AutodiscoverProtocol)> = expected
        .iter()
        .map(|(u, p)| ((*u).to_owned(), *p))
        .collect();
    assert_eq!(candidates, expected);
    let srv = resolver.candidates(&["ad.contoso.test:8443".into()]);
    assert_eq!(
        srv[0].0,
        "https://ad.contoso.test:8443/autodiscover/autodiscover.svc"
    );
    assert_eq!(
        srv[1].0,
        "https://ad.contoso.test:8443/autodiscover/autodiscover.xml"
    );
}

#[test]
fn unusable_root_certificate_bundles_are_refused_at_build() {
    let basic =
        || Arc::new(Basic::new(UserCredentials::new("alice", SecretString::from("pw"))).unwrap());
    for bundle in [
        &b"not a certificate"[..],
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let error = Autodiscover::builder()
            .auth(basic())
            .add_root_certificates_pem(bundle)
            .build()
            .map(drop)
            .unwrap_err();
        assert!(
            matches!(
                error,
                EwsError::InvalidArgument {
                    argument: "root_certificates",
                    ..
                }
            ),
            "{error}"
        );
    }
    assert!(Autodiscover::builder().auth(basic()).build().is_ok());
}
