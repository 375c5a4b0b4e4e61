//! Delegate access to other mailboxes, requests copied from Microsoft's documentation, and
//! the configurable server version.

use crate::support;

use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::ews_dir;
use exchange_testkit::{FakeExchange, ServerVersion};
use support::*;

const DAY: (&str, &str) = ("2024-10-01T00:00:00Z", "2024-10-02T00:00:00Z");

#[tokio::test]
async fn delegates_may_use_a_calendar_and_others_are_denied() {
    let server = start().await;
    let (alice, bob, carol) = (
        Client::new(&server, ALICE),
        Client::new(&server, BOB),
        Client::new(&server, CAROL),
    );
    let item = NewItem::new(
        "Booked by Bob",
        "2024-10-01T09:00:00Z",
        "2024-10-01T10:00:00Z",
    );
    let (_, created) = bob
        .call(&create(
            std::slice::from_ref(&item),
            Some("ALICE@Contoso.Test"),
        ))
        .await;
    assert_eq!(codes(&created), ["NoError"]);
    assert_eq!(
        (
            server.calendar_len(ALICE.smtp),
            server.calendar_len(BOB.smtp)
        ),
        (1, 0)
    );
    let id = item_ids(&created).remove(0).0;

    let (_, found) = bob
        .call(&find(DAY.0, DAY.1, None, Some(ALICE.smtp), "Default", &[]))
        .await;
    assert_eq!(texts(&found, T, "Subject"), ["Booked by Bob"]);
    assert_eq!(
        texts(&found, T, "EmailAddress"),
        [ALICE.smtp],
        "the organizer is the mailbox owner"
    );
    let (_, got) = bob.call(&get(&[&id], "AllProperties", None, &[])).await;
    assert_eq!(codes(&got), ["NoError"]);
    let folder_id = first(&got, T, "ParentFolderId")
        .unwrap()
        .attr("Id")
        .unwrap()
        .to_owned();

    let by_folder_id = |folder: &str| {
        envelope(&format!(
            r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:FolderId Id="{folder}"/><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>"#
        ))
    };
    let (_, two_folders) = bob.call(&by_folder_id(&folder_id)).await;
    assert_eq!(
        codes(&two_folders),
        ["NoError", "NoError"],
        "one message per folder"
    );
    assert_eq!(item_ids(&two_folders).len(), 1);

    let (_, denied) = carol
        .call(&find(DAY.0, DAY.1, None, Some(ALICE.smtp), "IdOnly", &[]))
        .await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol.call(&create(&[item], Some(ALICE.smtp))).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol.call(&get(&[&id], "IdOnly", None, &[])).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol.call(&delete(&[&id])).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol.call(&by_folder_id(&folder_id)).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied", "NoError"]);
    let (_, one_way) = alice
        .call(&find(DAY.0, DAY.1, None, Some(BOB.smtp), "IdOnly", &[]))
        .await;
    assert_eq!(
        codes(&one_way),
        ["ErrorAccessDenied"],
        "a grant works one way"
    );
    let (_, nobody) = alice
        .call(&find(
            DAY.0,
            DAY.1,
            None,
            Some("nobody@contoso.test"),
            "IdOnly",
            &[],
        ))
        .await;
    assert_eq!(codes(&nobody), ["ErrorNonExistentMailbox"]);
    let inbox =
        find_with_view("", None, "IdOnly", &[]).replace(r#"Id="calendar""#, r#"Id="inbox""#);
    let (_, inbox) = alice.call(&inbox).await;
    assert_eq!(codes(&inbox), ["NoError"], "every folder holds items");
    assert_eq!(item_ids(&inbox), []);
    assert_eq!(server.calendar_len(ALICE.smtp), 1);

    let (_, deleted) = bob.call(&delete(&[&id])).await;
    assert_eq!(codes(&deleted), ["NoError"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    let sent: Vec<String> = [alice.sent(), bob.sent(), carol.sent()].concat();
    validate(&server, &sent, 0);
}

fn sample(name: &str) -> Option<String> {
    let path = ews_dir()?.join("samples").join(name);
    Some(std::fs::read_to_string(path).expect("the sample is readable"))
}

#[tokio::test]
async fn requests_from_microsoft_documentation_get_faithful_answers() {
    let Some(create_sample) =
        sample("ms-createitem-calendar-request.xml").or_else(|| skip_or_fail("the EWS samples"))
    else {
        return;
    };
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    // Default namespaces instead of prefixes, a local time without offset, attendees.
    let (status, created) = alice.call(&create_sample).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(codes(&created), ["NoError"]);
    let id = item_ids(&created).remove(0).0;
    let (_, got) = alice.call(&get(&[&id], "AllProperties", None, &[])).await;
    assert_eq!(texts(&got, T, "Subject"), ["Planning Meeting"]);
    assert_eq!(texts(&got, T, "Start"), ["2006-11-02T14:00:00Z"]);
    assert_eq!(texts(&got, T, "Location"), ["Conference Room 721"]);
    assert_eq!(
        texts(&got, T, "Body"),
        ["Plan the agenda for next week's meeting."]
    );

    // The documentation shortens ids, so they are malformed for a server.
    let (_, shortened) = alice
        .call(&sample("ms-getitem-calendar-request.xml").unwrap())
        .await;
    assert_eq!(codes(&shortened), ["ErrorInvalidIdMalformed"]);

    // Several documentation samples declare the SOAP namespace with https://; a server
    // refuses them. With the namespace fixed they are answered.
    let calendar_view = sample("ms-calendarview-finditem-request.xml").unwrap();
    let (status, refused) = alice.call_raw(calendar_view.clone()).await;
    assert_eq!(
        (status, fault_code(&refused).as_deref()),
        (500, Some("a:ErrorSchemaValidation"))
    );
    let fixed = calendar_view.replace("https://schemas.xmlsoap.org", "http://schemas.xmlsoap.org");
    let (_, answered) = alice.call(&fixed).await;
    assert_eq!(codes(&answered), ["ErrorInvalidIdMalformed"]);
    let delegate = sample("ms-delegate-calendar-finditem-request.xml")
        .unwrap()
        .replace("https://schemas.xmlsoap.org", "http://schemas.xmlsoap.org");
    let (_, answered) = alice.call(&delegate).await;
    assert_eq!(codes(&answered), ["ErrorNonExistentMailbox"]);
    let (_, answered) = alice
        .call(&sample("ms-finditem-request.xml").unwrap())
        .await;
    // The sample searches the deleted items, which are empty here.
    assert_eq!(codes(&answered), ["NoError"]);
    assert_eq!(item_ids(&answered), []);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn server_version_comes_from_the_builder() {
    let server = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .server_version(ServerVersion {
            major_version: 15,
            minor_version: 20,
            major_build_number: 8769,
            minor_build_number: 35,
            version: "V2018_01_08".to_owned(),
        })
        .start()
        .await
        .unwrap();
    let alice = Client::new(&server, ALICE);
    let (_, answer) = alice
        .call(&find(DAY.0, DAY.1, None, None, "IdOnly", &[]))
        .await;
    let info = first(&answer, T, "ServerVersionInfo").unwrap();
    assert_eq!(info.attr("MinorVersion"), Some("20"));
    assert_eq!(info.attr("Version"), Some("V2018_01_08"));
    let default = start().await;
    let (_, answer) = Client::new(&default, ALICE)
        .call(&find(DAY.0, DAY.1, None, None, "IdOnly", &[]))
        .await;
    let info = first(&answer, T, "ServerVersionInfo").unwrap();
    assert_eq!(
        (
            info.attr("MajorVersion"),
            info.attr("MinorVersion"),
            info.attr("Version")
        ),
        (Some("15"), Some("1"), Some("V2017_07_11"))
    );
    validate(&server, &alice.sent(), 0);
}
