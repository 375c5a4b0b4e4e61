//! Shared set-up of the client tests: a fake EWS endpoint on 127.0.0.1 and canned answers.

use std::sync::Arc;
use std::time::Duration;

use exchange_auth::{Basic, UserCredentials};
use exchange_ews::client::RetryPolicy;
use exchange_ews::{EwsClient, EwsClientBuilder, ExchangeVersion};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const EWS_PATH: &str = "/EWS/Exchange.asmx";
/// `alice:pw` in Basic.
pub(crate) const ALICE_BASIC: &str = "Basic YWxpY2U6cHc=";

pub(crate) fn basic() -> Arc<Basic> {
    Arc::new(Basic::new(UserCredentials::new("alice", SecretString::from("pw"))).unwrap())
}

pub(crate) fn client_for(server: &MockServer) -> EwsClient {
    builder_for(server).build().unwrap()
}

/// A client that returns every error of its first attempt.
pub(crate) fn client_without_retry(server: &MockServer) -> EwsClient {
    builder_for(server)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

pub(crate) fn builder_for(server: &MockServer) -> EwsClientBuilder {
    EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(basic())
        .version(ExchangeVersion::Exchange2013Sp1)
        .timeout(Duration::from_secs(10))
}

/// Answers every POST to the endpoint with `status` and `body`.
pub(crate) async fn answer(server: &MockServer, status: u16, body: impl Into<Vec<u8>>) {
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.into(), "text/xml; charset=utf-8"),
        )
        .mount(server)
        .await;
}

/// A response envelope with an Exchange 2016 version header around `body`.
pub(crate) fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>
  <s:Body><m:{body}</s:Body>
</s:Envelope>"#
    )
}

/// A response of `operation` with one message of `class` and `inner` content.
pub(crate) fn response(operation: &str, class: &str, inner: &str) -> String {
    envelope(&format!(
        r#"{operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:{operation}ResponseMessage ResponseClass="{class}">{inner}</m:{operation}ResponseMessage></m:ResponseMessages></m:{operation}Response>"#
    ))
}

pub(crate) fn calendar_item_xml(id: &str, subject: &str) -> String {
    format!(
        r#"<t:CalendarItem><t:ItemId Id="{id}" ChangeKey="DwAA"/><t:ItemClass>IPM.Appointment</t:ItemClass><t:Subject>{subject}</t:Subject><t:Body BodyType="HTML">&lt;p&gt;Agenda&lt;/p&gt;</t:Body><t:UID>0400000082</t:UID><t:Start>2024-05-01T08:00:00Z</t:Start><t:End>2024-05-01T09:00:00Z</t:End><t:IsAllDayEvent>false</t:IsAllDayEvent><t:Location>Room 1</t:Location><t:CalendarItemType>Single</t:CalendarItemType><t:Organizer><t:Mailbox><t:Name>Alice</t:Name><t:EmailAddress>alice@contoso.test</t:EmailAddress></t:Mailbox></t:Organizer></t:CalendarItem>"#
    )
}

pub(crate) fn find_item_success() -> String {
    let items = format!(
        "{}{}",
        calendar_item_xml("AAMk1", "Stand-up"),
        calendar_item_xml("AAMk2", "Review &amp; plan")
    );
    response(
        "FindItem",
        "Success",
        &format!(
            r#"<m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="2" IncludesLastItemInRange="true"><t:Items>{items}</t:Items></m:RootFolder>"#
        ),
    )
}

pub(crate) fn error_response(operation: &str, code: &str) -> String {
    response(
        operation,
        "Error",
        &format!("<m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"),
    )
}

pub(crate) const SERVER_BUSY_FAULT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The server cannot service this request right now. Try again later.</e:Message>
<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">30000</t:Value></t:MessageXml>
</detail></s:Fault></s:Body></s:Envelope>"#;
