//! The client's name resolution, availability, sync and id conversion against a fake EWS
//! endpoint on 127.0.0.1.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::{answer, client_for, envelope, error_response, response, EWS_PATH};
use exchange_ews::directory::{
    AlternateId, AvailabilityMailbox, FreeBusyOptions, IdFormat, SerializableTimeZone,
};
use exchange_ews::sync::{Change, SyncItemShape};
use exchange_ews::{DistinguishedFolder, FolderTarget};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn xml(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/xml; charset=utf-8")
}

fn sync_page(state: &str, last: bool, id: &str) -> String {
    response(
        "SyncFolderItems",
        "Success",
        &format!(
            r#"<m:ResponseCode>NoError</m:ResponseCode><m:SyncState>{state}</m:SyncState><m:IncludesLastItemInRange>{last}</m:IncludesLastItemInRange><m:Changes><t:Create><t:Message><t:ItemId Id="{id}"/></t:Message></t:Create></m:Changes>"#
        ),
    )
}

#[tokio::test]
async fn resolves_names_and_treats_no_results_as_empty() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains("<m:UnresolvedEntry>anne</m:UnresolvedEntry>"))
        .respond_with(xml(response(
            "ResolveNames",
            "Warning",
            r#"<m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:ResolutionSet TotalItemsInView="2" IncludesLastItemInRange="true"><t:Resolution><t:Mailbox><t:Name>Anne</t:Name><t:EmailAddress>anne@contoso.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox><t:Contact><t:DisplayName>Anne</t:DisplayName></t:Contact></t:Resolution><t:Resolution><t:Mailbox><t:Name>Annette</t:Name></t:Mailbox></t:Resolution></m:ResolutionSet>"#,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(
            "<m:UnresolvedEntry>nobody</m:UnresolvedEntry>",
        ))
        .respond_with(xml(error_response(
            "ResolveNames",
            "ErrorNameResolutionNoResults",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let found = client.resolve_names("anne", true).await.unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].mailbox.email.as_deref(), Some("anne@contoso.test"));
    assert_eq!(
        found[0].contact.as_ref().unwrap().display_name.as_deref(),
        Some("Anne")
    );
    assert!(client
        .resolve_names("nobody", false)
        .await
        .unwrap()
        .is_empty());
    assert!(client
        .resolve_names("  ", false)
        .await
        .unwrap_err()
        .to_string()
        .contains("empty"));
}

#[tokio::test]
async fn reads_availability_per_mailbox() {
    let server = MockServer::start().await;
    let body = envelope(
        r#"GetUserAvailabilityResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:FreeBusyResponseArray>
        <m:FreeBusyResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>
          <m:FreeBusyView><t:FreeBusyViewType xmlns:t="urn:t">FreeBusy</t:FreeBusyViewType><t:CalendarEventArray xmlns:t="urn:t"><t:CalendarEvent><t:StartTime>2024-05-01T09:00:00Z</t:StartTime><t:EndTime>2024-05-01T10:00:00Z</t:EndTime><t:BusyType>Busy</t:BusyType></t:CalendarEvent></t:CalendarEventArray></m:FreeBusyView></m:FreeBusyResponse>
        <m:FreeBusyResponse><m:ResponseMessage ResponseClass="Error"><m:MessageText>Unknown.</m:MessageText><m:ResponseCode>ErrorMailRecipientNotFound</m:ResponseCode></m:ResponseMessage></m:FreeBusyResponse>
        </m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>"#,
    );
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(
            "<t:Address>bob@contoso.test</t:Address>",
        ))
        .respond_with(xml(body))
        .expect(1)
        .mount(&server)
        .await;
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let views = client_for(&server)
        .user_availability(
            &[
                AvailabilityMailbox::required("bob@contoso.test"),
                AvailabilityMailbox::required("ghost@contoso.test"),
            ],
            &SerializableTimeZone::utc(),
            start,
            start + Duration::days(1),
            FreeBusyOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(views.len(), 2);
    let view = views[0].as_ref().unwrap();
    assert_eq!(
        (view.view_type.as_str(), view.events.len()),
        ("FreeBusy", 1)
    );
    assert_eq!(view.events[0].start, start + Duration::hours(9));
    assert!(views[1].as_ref().unwrap_err().response_code().is_some());
}

#[tokio::test]
async fn sync_helper_follows_the_sync_state_across_three_pages() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(|request: &Request| !String::from_utf8_lossy(&request.body).contains("SyncState"))
        .respond_with(xml(sync_page("S1", false, "I1")))
        .expect(1)
        .mount(&server)
        .await;
    for (from, to, last, id) in [("S1", "S2", false, "I2"), ("S2", "S3", true, "I3")] {
        Mock::given(method("POST"))
            .and(path(EWS_PATH))
            .and(body_string_contains(format!(
                "<m:SyncState>{from}</m:SyncState>"
            )))
            .respond_with(xml(sync_page(to, last, id)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    let client = client_for(&server);
    let all = client
        .sync_folder_items_all(&inbox, SyncItemShape::IdOnly, None, 2)
        .await
        .unwrap();
    assert_eq!(all.sync_state, "S3");
    assert!(all.includes_last_item_in_range);
    let ids: Vec<_> = all
        .changes
        .iter()
        .map(|c| match c {
            Change::Create(exchange_ews::sync::Changed::Item { summary, .. }) => {
                summary.id.id.clone()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, ["I1", "I2", "I3"]);
}

#[tokio::test]
async fn reads_one_sync_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains("<t:BaseShape>Default</t:BaseShape>"))
        .and(body_string_contains("<m:SyncState>S1</m:SyncState>"))
        .respond_with(xml(sync_page("S2", false, "I2")))
        .expect(1)
        .mount(&server)
        .await;
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    let one = client_for(&server)
        .sync_folder_items(&inbox, SyncItemShape::Default, Some("S1"), 2)
        .await
        .unwrap();
    assert_eq!(
        (one.sync_state.as_str(), one.includes_last_item_in_range),
        ("S2", false)
    );
    assert_eq!(one.changes.len(), 1);
}

#[tokio::test]
async fn sync_helper_refuses_a_state_that_does_not_move() {
    let server = MockServer::start().await;
    answer(&server, 200, sync_page("S1", false, "I1")).await;
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    let err = client_for(&server)
        .sync_folder_items_all(&inbox, SyncItemShape::IdOnly, Some("S1"), 10)
        .await
        .unwrap_err();
    assert!(err.is_malformed_response(), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn syncs_the_folder_hierarchy() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains("<m:SyncFolderHierarchy>"))
        .respond_with(xml(response(
            "SyncFolderHierarchy",
            "Success",
            r#"<m:ResponseCode>NoError</m:ResponseCode><m:SyncState>H1</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes><t:Create><t:Folder><t:FolderId Id="F1"/><t:DisplayName>Inbox</t:DisplayName></t:Folder></t:Create><t:Delete><t:FolderId Id="F2"/></t:Delete></m:Changes>"#,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let result = client_for(&server)
        .sync_folder_hierarchy(None)
        .await
        .unwrap();
    assert_eq!(
        (result.sync_state.as_str(), result.changes.len()),
        ("H1", 2)
    );
}

#[tokio::test]
async fn converts_ids_keeping_per_id_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(body_string_contains(r#"<m:ConvertId DestinationFormat="EwsId">"#))
        .respond_with(xml(response(
            "ConvertId",
            "Success",
            r#"<m:ResponseCode>NoError</m:ResponseCode><m:AlternateId Format="EwsId" Id="AAMk=" Mailbox="alice@contoso.test"/></m:ConvertIdResponseMessage><m:ConvertIdResponseMessage ResponseClass="Error"><m:MessageText>Bad id.</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode>"#,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let ids = [
        AlternateId::new(IdFormat::HexEntryId, "00AB", "alice@contoso.test"),
        AlternateId::new(IdFormat::HexEntryId, "zz", "alice@contoso.test"),
    ];
    let results = client_for(&server)
        .convert_ids(&ids, IdFormat::EwsId)
        .await
        .unwrap();
    assert_eq!(results[0].as_ref().unwrap().id, "AAMk=");
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap_err()
            .response_code()
            .map(exchange_ews::ResponseCode::as_str),
        Some("ErrorInvalidIdMalformed")
    );
}
