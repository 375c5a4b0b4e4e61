use std::time::Duration;

use super::*;
use crate::error::XmlRefusal;
use crate::ResponseCode;

const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn envelope(header: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}"
        xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
        xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

const VERSION: &str = r#"<t:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11"/>"#;

#[test]
fn decodes_a_response_with_several_messages() {
    let xml = envelope(
        VERSION,
        r#"<m:GetItemResponse><m:ResponseMessages>
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
          <m:Items><t:Message><t:Subject>Hi</t:Subject></t:Message></m:Items></m:GetItemResponseMessage>
        <m:GetItemResponseMessage ResponseClass="Error"><m:MessageText> Busy. </m:MessageText>
          <m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
          <m:MessageXml><t:Value Name="BackOffMilliseconds">5000</t:Value><t:Value Name="Policy">MaxConcurrency</t:Value></m:MessageXml>
          <m:Items/></m:GetItemResponseMessage>
        </m:ResponseMessages></m:GetItemResponse>"#,
    );
    let decoded = DecodedResponse::parse(xml.as_bytes()).unwrap();
    assert_eq!(decoded.kind(), DocumentKind::Response);
    assert_eq!(decoded.name(), "GetItemResponse");
    assert_eq!(decoded.operation(), Some("GetItem"));
    assert_eq!(decoded.namespace_form(), NamespaceForm::Standard);
    let version = decoded.server_version().unwrap();
    assert_eq!((version.major, version.minor, version.build), (15, 1, 2507));
    assert!(decoded.fault().is_none());
    let [ok, busy] = decoded.messages() else {
        panic!("two messages expected: {:?}", decoded.messages());
    };
    assert_eq!(ok.class(), MessageClass::Success);
    assert_eq!(ok.response_code(), Some(&ResponseCode::NoError));
    assert_eq!(ok.message_text(), None);
    assert_eq!(ok.content().len(), 1);
    assert_eq!(ok.content()[0].name(), "Items");
    let subject = &ok.content()[0].descendants()[1];
    assert_eq!((subject.name(), subject.text()), ("Subject", "Hi"));
    assert_eq!(busy.name(), "GetItemResponseMessage");
    assert_eq!(busy.class(), MessageClass::Error);
    assert_eq!(busy.response_code(), Some(&ResponseCode::ErrorServerBusy));
    assert_eq!(busy.message_text(), Some("Busy."));
    assert_eq!(busy.back_off(), Some(Duration::from_millis(5000)));
    assert_eq!(
        busy.details(),
        [("Policy".to_owned(), "MaxConcurrency".to_owned())]
    );
    let kept: Vec<_> = busy.content().iter().map(Node::name).collect();
    assert_eq!(kept, ["DescriptiveLinkKey", "MessageXml", "Items"]);
    assert_eq!(
        decoded.first_failure().map(ResponseMessage::name),
        Some("GetItemResponseMessage")
    );
    assert_eq!(
        decoded.header().unwrap().children()[0].name(),
        "ServerVersionInfo"
    );
}

#[test]
fn decodes_faults_requests_and_autodiscover() {
    let fault = envelope(
        "",
        r#"<s:Fault><faultcode xmlns:a="urn:a">a:ErrorServerBusy</faultcode><faultstring>Later.</faultstring>
        <detail><e:ResponseCode xmlns:e="urn:e"> ErrorServerBusy </e:ResponseCode>
        <t:MessageXml><t:Value Name="BackOffMilliseconds">25</t:Value></t:MessageXml></detail></s:Fault>"#,
    );
    let decoded = DecodedResponse::parse(fault.as_bytes()).unwrap();
    assert_eq!(decoded.kind(), DocumentKind::Fault);
    assert_eq!(decoded.operation(), None);
    let fault = decoded.fault().unwrap();
    assert_eq!(fault.fault_code(), "a:ErrorServerBusy");
    assert_eq!(fault.fault_string(), "Later.");
    assert_eq!(fault.response_code(), Some(&ResponseCode::ErrorServerBusy));
    assert_eq!(fault.back_off(), Some(Duration::from_millis(25)));
    assert!(fault.details().is_empty());
    assert!(decoded.messages().is_empty());

    let request = envelope(
        r#"<t:RequestServerVersion Version="Exchange2013"/>"#,
        r#"<m:FindItem Traversal="Shallow"><m:ParentFolderIds/></m:FindItem>"#,
    );
    let decoded = DecodedResponse::parse(request.as_bytes()).unwrap();
    assert_eq!(decoded.kind(), DocumentKind::Request);
    assert_eq!(decoded.operation(), Some("FindItem"));
    assert_eq!(decoded.body().attribute("Traversal"), Some("Shallow"));
    assert!(decoded.server_version().is_none());

    let pox = br#"<Autodiscover xmlns="https://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response/></Autodiscover>"#;
    let decoded = DecodedResponse::parse(pox).unwrap();
    assert_eq!(decoded.kind(), DocumentKind::Autodiscover);
    assert_eq!(decoded.name(), "Autodiscover");
    assert_eq!(decoded.namespace_form(), NamespaceForm::HttpsVariant);
    assert_eq!(decoded.operation(), None);
}

#[test]
fn reads_the_element_form_of_the_server_version() {
    let xml = envelope(
        r#"<h:ServerVersionInfo xmlns:h="urn:h"><h:MajorVersion>15</h:MajorVersion><h:MinorVersion>20</h:MinorVersion>
        <h:MajorBuildNumber>5834</h:MajorBuildNumber><h:Version>Exchange2015</h:Version></h:ServerVersionInfo>"#,
        r#"<GetUserSettingsResponseMessage xmlns="urn:a"><Response/></GetUserSettingsResponseMessage>"#,
    );
    let decoded = DecodedResponse::parse(xml.as_bytes()).unwrap();
    assert_eq!(decoded.operation(), Some("GetUserSettings"));
    let version = decoded.server_version().unwrap();
    assert_eq!(
        (
            version.major,
            version.minor,
            version.build,
            version.revision
        ),
        (15, 20, 5834, 0)
    );
    assert_eq!(version.version.as_deref(), Some("Exchange2015"));
}

fn error_of(bytes: &[u8]) -> EwsError {
    DecodedResponse::parse(bytes).expect_err("the input must be refused")
}

#[test]
fn refuses_malformed_and_truncated_input_with_a_position() {
    let whole = envelope(VERSION, "<m:FindItemResponse/>");
    for cut in [0, 1, 10, whole.len() / 2, whole.len() - 1] {
        let error = error_of(&whole.as_bytes()[..cut]);
        assert!(
            matches!(error, EwsError::MalformedXml { position, .. } if position <= cut as u64),
            "cut at {cut}: {error:?}"
        );
    }
    for bad in [
        &b"<a><b></a>"[..],
        b"<a x='1' x='2'/>",
        b"<a>&unknown;</a>",
        b"\xff\xfe<a/>",
        b"<a/><b/>",
        b"",
    ] {
        assert!(error_of(bad).is_malformed_response(), "{bad:?}");
    }
    let undeclared = envelope("", r#"<m:X><i:Y/></m:X>"#);
    let error = error_of(undeclared.as_bytes());
    let position = undeclared.find("<i:Y").unwrap() as u64;
    assert!(
        matches!(&error, EwsError::MalformedXml { position: p, reason } if *p == position && reason.contains("\"i\"")),
        "{error:?}"
    );
}

#[test]
fn refuses_hostile_and_oversized_input() {
    let dtd = br#"<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>"#;
    assert!(matches!(
        error_of(dtd),
        EwsError::XmlRefused {
            refusal: XmlRefusal::DocumentType,
            ..
        }
    ));
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    assert!(matches!(
        error_of(deep.as_bytes()),
        EwsError::XmlRefused {
            refusal: XmlRefusal::NestingTooDeep { .. },
            ..
        }
    ));
    let wide = format!("<a>{}</a>", "<b/>".repeat(1_000_001));
    assert!(matches!(
        error_of(wide.as_bytes()),
        EwsError::XmlRefused {
            refusal: XmlRefusal::TooManyElements { .. },
            ..
        }
    ));
}

#[test]
fn refuses_documents_of_the_wrong_shape() {
    assert!(
        matches!(error_of(b"<html><body/></html>"), EwsError::NotSoap { root } if root == "html")
    );
    let no_body = format!(r#"<s:Envelope xmlns:s="{SOAP}"><s:Header/></s:Envelope>"#);
    assert!(
        matches!(error_of(no_body.as_bytes()), EwsError::MissingElement { element, .. } if element == "Body")
    );
    let empty_body = envelope("", "");
    assert!(
        matches!(error_of(empty_body.as_bytes()), EwsError::MissingElement { parent, .. } if parent == "Body")
    );
    let odd_class = envelope(
        "",
        r#"<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Maybe"/></m:ResponseMessages></m:FindItemResponse>"#,
    );
    assert!(
        matches!(error_of(odd_class.as_bytes()), EwsError::InvalidValue { value, .. } if value == "Maybe")
    );
}

#[test]
fn keeps_hostile_text_intact_in_json() {
    let xml = envelope(
        "",
        r#"<m:FindItemResponse><m:X A="q&quot;&#x9;\">a&#x11;b&lt;&#0;"\ 
</m:X></m:FindItemResponse>"#,
    );
    let decoded = DecodedResponse::parse(xml.as_bytes()).unwrap();
    let x = &decoded.body().children()[0];
    assert_eq!(x.attribute("A"), Some("q\"\t\\"));
    assert_eq!(x.text(), "a\u{11}b<\u{fffd}\"\\ \n");
    let json = decoded.to_json();
    assert!(json.contains(r#"["A", "q\"\u0009\\"]"#), "{json}");
    let text = concat!(r#""text": "a\u0011b<"#, "\u{fffd}", r#"\"\\ \u000A""#);
    assert!(json.contains(text), "{json}");
    assert!(json.contains("\"namespace_form\": \"standard\""));
    assert!(json.contains("\"server_version\": null"));
}
