//! The client's time zone features against a fake EWS endpoint on 127.0.0.1: the
//! `TimeZoneContext` header of every request and `GetServerTimeZones`.

use crate::common;

use chrono::{TimeZone, Utc};
use common::*;
use exchange_ews::client::Impersonation;
use exchange_ews::timezone::WindowsZoneId;
use exchange_ews::{EwsError, ExchangeVersion, ItemId};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONTEXT: &str = concat!(
    r#"<t:RequestServerVersion Version="Exchange2013_SP1"/><t:TimeZoneContext>"#,
    r#"<t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>"#
);

fn definitions() -> String {
    response(
        "GetServerTimeZones",
        "Success",
        r#"<m:ResponseCode>NoError</m:ResponseCode><m:TimeZoneDefinitions>
        <t:TimeZoneDefinition Id="W. Europe Standard Time" Name="(UTC+01:00) Berlin">
          <t:Periods><t:Period Bias="-PT60M" Name="Standard" Id="std"/><t:Period Bias="-PT120M" Name="Daylight" Id="dlt"/></t:Periods>
          <t:TransitionsGroups><t:TransitionsGroup Id="0">
            <t:RecurringDayTransition><t:To Kind="Period">std</t:To><t:TimeOffset>PT180M</t:TimeOffset><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>
            <t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>PT120M</t:TimeOffset><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>
          </t:TransitionsGroup></t:TransitionsGroups>
          <t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions>
        </t:TimeZoneDefinition></m:TimeZoneDefinitions>"#,
    )
}

#[tokio::test]
async fn reads_server_time_zones_with_the_context_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(CONTEXT))
        .and(body_string_contains(
            r#"<m:GetServerTimeZones ReturnFullTimeZoneData="true"><m:Ids><t:Id>W. Europe Standard Time</t:Id></m:Ids>"#,
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(definitions(), "text/xml; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .time_zone(WindowsZoneId::from_iana("Europe/Berlin").unwrap())
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("EwsClient"));
    let zones = client
        .server_time_zones(&["W. Europe Standard Time"], true)
        .await
        .unwrap();
    assert_eq!(zones.len(), 1);
    let july = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    assert_eq!(
        zones[0].offset_at(july).map(|o| o.local_minus_utc()),
        Some(7200)
    );
}

#[tokio::test]
async fn puts_the_context_before_the_impersonation_and_not_for_exchange_2007() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(concat!(
            r#"<t:TimeZoneDefinition Id="Tokyo Standard Time"/></t:TimeZoneContext>"#,
            "<t:ExchangeImpersonation>"
        )))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(definitions(), "text/xml; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let zone = WindowsZoneId::new("Tokyo Standard Time").unwrap();
    let client = builder_for(&server)
        .time_zone(zone.clone())
        .impersonate(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .build()
        .unwrap();
    client.server_time_zones(&[], true).await.unwrap();

    // Exchange 2007 SP1 does not know the header: the request goes out without it.
    let old = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(
            r#"<t:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header>"#,
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(definitions(), "text/xml; charset=utf-8"),
        )
        .expect(1)
        .mount(&old)
        .await;
    let client = builder_for(&old)
        .version(ExchangeVersion::Exchange2007Sp1)
        .time_zone(zone)
        .build()
        .unwrap();
    client.server_time_zones(&[], false).await.unwrap();
}

#[tokio::test]
async fn refuses_bad_ids_before_sending_and_reports_broken_definitions() {
    let server = MockServer::start().await;
    let broken = definitions().replace("<t:Month>10</t:Month>", "<t:Month>13</t:Month>");
    answer(&server, 200, broken).await;
    let client = client_for(&server);
    let err = client
        .server_time_zones(&["ok", ""], true)
        .await
        .unwrap_err();
    assert!(matches!(err, EwsError::InvalidArgument { .. }), "{err:?}");
    let err = client.server_time_zones(&[], true).await.unwrap_err();
    assert!(
        matches!(&err, EwsError::InvalidValue { element, .. } if element == "Month"),
        "{err:?}"
    );
}

fn get_item_success() -> String {
    let item = calendar_item_xml("AAMk1", "Stand-up");
    response(
        "GetItem",
        "Success",
        &format!("<m:ResponseCode>NoError</m:ResponseCode><m:Items>{item}</m:Items>"),
    )
}

#[tokio::test]
async fn every_operation_carries_the_context() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(CONTEXT))
        .and(body_string_contains("<m:GetItem>"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(get_item_success(), "text/xml; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .time_zone(WindowsZoneId::new("W. Europe Standard Time").unwrap())
        .build()
        .unwrap();
    let item = client
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .unwrap();
    assert_eq!(
        item.start,
        Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap()
    );
}
