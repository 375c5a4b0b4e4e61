use super::*;
use crate::test_support::sample;

fn fault_of(bytes: &[u8]) -> EwsError {
    match Envelope::parse(bytes) {
        Err(e @ EwsError::SoapFault { .. }) => e,
        other => panic!("expected a fault, got {other:?}"),
    }
}

#[test]
fn writes_the_version_into_the_header() {
    let xml = request_envelope(ExchangeVersion::Exchange2013Sp1, |w| {
        w.empty("m:Ping", &[]);
    });
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope"#));
    assert!(xml.contains(
        r#"<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header>"#
    ));
    assert!(xml.ends_with("<soap:Body><m:Ping/></soap:Body></soap:Envelope>"));
    let root = xml::parse(xml.as_bytes()).unwrap();
    assert_eq!(root.name(), "Envelope");
}

#[test]
fn reads_the_server_version_header() {
    let Some(bytes) = sample("ewsrs-getfolder-response-exchange2016.xml") else {
        return;
    };
    let envelope = Envelope::parse(&bytes).unwrap();
    assert_eq!(
        envelope.server_version(),
        Some(&ServerVersionInfo {
            major: 15,
            minor: 1,
            build: 2507,
            revision: 57,
            version: Some("V2017_07_11".into()),
        })
    );
    assert_eq!(envelope.response_name(), "GetFolderResponse");
    assert!(envelope.single_message("GetFolder").is_ok());
    let err = envelope.single_message("FindItem").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the response has no <FindItemResponse> in <Body>"
    );
}

#[test]
fn reads_a_version_header_without_build_numbers() {
    let Some(bytes) = sample("exl-createitem-bulk-no-result-response.xml") else {
        return;
    };
    let version = Envelope::parse(&bytes)
        .unwrap()
        .server_version()
        .cloned()
        .unwrap();
    assert_eq!((version.major, version.minor, version.build), (15, 0, 0));
    assert_eq!(version.version.as_deref(), Some("V2_23"));
}

#[test]
fn reads_a_throttling_fault_with_indented_codes() {
    let Some(bytes) = sample("exl-fault-errorserverbusy.xml") else {
        return;
    };
    let err = fault_of(&bytes);
    assert!(err.is_throttled());
    assert_eq!(err.back_off(), Some(Duration::from_millis(297_749)));
    assert_eq!(err.response_code(), Some(&ResponseCode::ErrorServerBusy));
    let EwsError::SoapFault {
        fault_code,
        fault_string,
        ..
    } = &err
    else {
        unreachable!()
    };
    assert_eq!(fault_code, "a:ErrorServerBusy");
    assert!(fault_string.starts_with("The server cannot service this request"));
}

#[test]
fn reads_the_other_fault_samples() {
    let Some(busy) = sample("ewsrs-fault-server-busy-contrived.xml") else {
        return;
    };
    assert_eq!(fault_of(&busy).back_off(), Some(Duration::from_millis(25)));

    let count = sample("ewsrs-fault-exceeded-connection-count.xml").unwrap();
    let err = fault_of(&count);
    assert!(err.is_throttled());
    assert_eq!(err.back_off(), None);
    let EwsError::SoapFault { details, .. } = &err else {
        unreachable!()
    };
    assert!(details.contains(&("MaxConcurrencyLimit".into(), "27".into())));

    for name in [
        "ewsrs-fault-schema-validation.xml",
        "exl-fault-errorschemavalidation.xml",
    ] {
        let err = fault_of(&sample(name).unwrap());
        assert_eq!(
            err.response_code(),
            Some(&ResponseCode::ErrorSchemaValidation),
            "{name}"
        );
        assert!(!err.is_throttled());
        let EwsError::SoapFault { details, .. } = &err else {
            unreachable!()
        };
        assert!(
            details.iter().any(|(k, _)| k == "Violation"),
            "{name}: {details:?}"
        );
    }
}

#[test]
fn names_the_code_of_a_fault_without_detail() {
    let err = fault_of(
        br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
        <faultcode>a:ErrorInvalidServerVersion</faultcode><faultstring>bad</faultstring>
        </s:Fault></s:Body></s:Envelope>"#,
    );
    assert_eq!(
        err.response_code(),
        Some(&ResponseCode::ErrorInvalidServerVersion)
    );
    let err = fault_of(
        br#"<s:Envelope xmlns:s="urn:s"><s:Body><s:Fault><faultcode>s:Client</faultcode>
        </s:Fault></s:Body></s:Envelope>"#,
    );
    assert_eq!(err.response_code(), None);
    let err = fault_of(
        br#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault>
        <e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text>down</e:Text></e:Reason>
        </e:Fault></e:Body></e:Envelope>"#,
    );
    assert_eq!(err.to_string(), "SOAP fault e:Receiver: down");
}

#[test]
fn turns_error_messages_into_errors() {
    let Some(bytes) = sample("ms-finditem-error-response.xml") else {
        return;
    };
    let err = Envelope::parse(&bytes)
        .unwrap()
        .single_message("FindItem")
        .unwrap_err();
    let EwsError::Response {
        class,
        code,
        message_text,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*class, ResponseClass::Error);
    assert_eq!(*code, ResponseCode::ErrorInvalidIdMalformed);
    assert_eq!(message_text, "Id is malformed.");

    let bytes = sample("ewsrs-syncfolderitems-errorserverbusy-response.xml").unwrap();
    let err = Envelope::parse(&bytes)
        .unwrap()
        .single_message("SyncFolderItems")
        .unwrap_err();
    assert!(err.is_throttled());
    assert_eq!(err.back_off(), Some(Duration::from_millis(5000)));

    let bytes = sample("exl-deleteitem-inner-error-response.xml").unwrap();
    let err = Envelope::parse(&bytes)
        .unwrap()
        .single_message("DeleteItem")
        .unwrap_err();
    let EwsError::Response { code, details, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*code, ResponseCode::ErrorInternalServerError);
    assert!(details.contains(&(
        "InnerErrorResponseCode".into(),
        "ErrorQuotaExceededOnDelete".into()
    )));

    let bytes = sample("exl-findfolder-errortoomanyobjectsopened-response.xml").unwrap();
    let err = Envelope::parse(&bytes)
        .unwrap()
        .single_message("FindFolder")
        .unwrap_err();
    assert!(err.is_throttled());
}

fn message(attributes: &str, inner: &str) -> Result<(), EwsError> {
    let xml = format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:GetItemResponse xmlns:m="urn:m"><m:ResponseMessages>
        <m:GetItemResponseMessage {attributes}>{inner}</m:GetItemResponseMessage>
        </m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    );
    Envelope::parse(xml.as_bytes())?
        .single_message("GetItem")
        .map(|_| ())
}

#[test]
fn judges_response_classes() {
    assert!(message(r#"ResponseClass="Success""#, "").is_ok());
    assert!(message("", "<m:ResponseCode>NoError</m:ResponseCode>").is_ok());
    assert!(message(
        r#"ResponseClass="Warning""#,
        "<m:ResponseCode>NoError</m:ResponseCode>"
    )
    .is_ok());
    let warning = message(
        r#"ResponseClass="Warning""#,
        "<m:ResponseCode>ErrorBatchProcessingStopped</m:ResponseCode>",
    )
    .unwrap_err();
    assert!(matches!(
        warning,
        EwsError::Response {
            class: ResponseClass::Warning,
            ..
        }
    ));
    let bare = message(r#"ResponseClass="Error""#, "").unwrap_err();
    assert_eq!(
        bare.response_code(),
        Some(&ResponseCode::Unknown(String::new()))
    );
    let odd = message(r#"ResponseClass="Maybe""#, "").unwrap_err();
    assert!(matches!(odd, EwsError::InvalidValue { .. }), "{odd}");
    assert!(matches!(
        message("", "").unwrap_err(),
        EwsError::InvalidValue { .. }
    ));
}

#[test]
fn refuses_what_is_no_envelope() {
    let not_soap = Envelope::parse(b"<html><body>Service unavailable</body></html>").unwrap_err();
    assert_eq!(
        not_soap.to_string(),
        "the response is not a SOAP envelope (its root element is <html>)"
    );
    let no_body = Envelope::parse(br#"<s:Envelope xmlns:s="urn:s"><s:Header/></s:Envelope>"#);
    assert!(matches!(no_body, Err(EwsError::MissingElement { .. })));
    let empty_body =
        Envelope::parse(br#"<s:Envelope xmlns:s="urn:s"><s:Body> </s:Body></s:Envelope>"#);
    assert!(matches!(empty_body, Err(EwsError::MissingElement { .. })));
    let no_messages = Envelope::parse(
        br#"<s:Envelope xmlns:s="urn:s"><s:Body><GetItemResponse/></s:Body></s:Envelope>"#,
    )
    .unwrap();
    assert!(matches!(
        no_messages.single_message("GetItem"),
        Err(EwsError::MissingElement { .. })
    ));
    let no_message = Envelope::parse(
        br#"<s:Envelope xmlns:s="urn:s"><s:Body><GetItemResponse><ResponseMessages/></GetItemResponse></s:Body></s:Envelope>"#,
    )
    .unwrap();
    let err = no_message.single_message("GetItem").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the response has no <GetItemResponseMessage> in <ResponseMessages>"
    );
}

#[test]
fn ignores_an_unreadable_version_header() {
    let envelope = Envelope::parse(
        br#"<s:Envelope xmlns:s="urn:s"><s:Header><ServerVersionInfo MajorVersion="x"/></s:Header>
        <s:Body><R/></s:Body></s:Envelope>"#,
    )
    .unwrap();
    assert_eq!(envelope.server_version(), None);
}
