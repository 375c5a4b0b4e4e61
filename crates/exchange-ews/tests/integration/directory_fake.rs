//! Name resolution through the client against the fake Exchange: directory users by address,
//! login and display name, the caller's contacts, the search scopes and the three answers
//! (none, one, several); every request and answer validates against the EWS schema.

use std::sync::Arc;

use exchange_auth::{Basic, UserCredentials};
use exchange_ews::client::CreateOptions;
use exchange_ews::directory::{ResolveNames, SearchScope};
use exchange_ews::items::{EmailAddressKey, NewContact};
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use exchange_testkit::schema::SchemaValidator;
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";
const ANNE: &str = "anne.smith@contoso.test";
const BOB: &str = "bob@contoso.test";

async fn fake() -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(ANNE, "anne-pw", ANNE)
        .user("CONTOSO\\bob", "bob-pw", BOB)
        .start()
        .await
        .expect("the fake starts")
}

fn client(server: &FakeExchange) -> EwsClient {
    let basic = Basic::new(UserCredentials::new(ALICE, SecretString::from("alice-pw"))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(ExchangeVersion::Exchange2016)
        .build()
        .unwrap()
}

/// The e-mail addresses of what `entry` resolves to, in the answer's order.
async fn addresses(client: &EwsClient, entry: &str) -> Vec<String> {
    client
        .resolve_names(entry, false)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.mailbox.email.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn names_resolve_to_users_and_contacts() {
    let server = fake().await;
    let alice = client(&server);
    let carol = NewContact::new("Carol Jones")
        .with_email_address(EmailAddressKey::EmailAddress1, "carol@fabrikam.test");
    let options = CreateOptions {
        folder: Some(FolderTarget::Distinguished(DistinguishedFolder::Contacts)),
        ..CreateOptions::default()
    };
    let created = alice
        .create_items(vec![carol.into()], &options)
        .await
        .unwrap();
    assert!(created[0].is_ok());

    // One: by the start of a display name's word, of an address, or a login.
    assert_eq!(addresses(&alice, "smi").await, [ANNE]);
    assert_eq!(addresses(&alice, "Anne S").await, [ANNE]);
    assert_eq!(addresses(&alice, "contoso\\b").await, [BOB]);
    // Several: a success here, Exchange's warning underneath.
    assert_eq!(addresses(&alice, "a").await, [ALICE, ANNE]);
    // Exactly, by the SMTP form.
    assert_eq!(addresses(&alice, "SMTP:BOB@contoso.test").await, [BOB]);
    assert!(addresses(&alice, "SMTP:bo@contoso.test").await.is_empty());
    // None.
    assert!(addresses(&alice, "zed").await.is_empty());

    // A contact of the caller's: its item id, its type, and the full data when asked.
    let found = alice.resolve_names("carol", true).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let mailbox = &found[0].mailbox;
    assert_eq!(mailbox.email.as_deref(), Some("carol@fabrikam.test"));
    assert_eq!(mailbox.name.as_deref(), Some("Carol Jones"));
    assert_eq!(mailbox.mailbox_type.as_deref(), Some("Contact"));
    let contact = found[0].contact.as_ref().expect("the full data");
    assert_eq!(contact.display_name.as_deref(), Some("Carol Jones"));
    let anne = alice.resolve_names("anne", true).await.unwrap();
    assert_eq!(anne[0].mailbox.mailbox_type.as_deref(), Some("Mailbox"));
    assert_eq!(
        anne[0]
            .contact
            .as_ref()
            .and_then(|c| c.display_name.as_deref()),
        Some("Anne Smith")
    );

    // The scopes: the directory alone does not know Carol; the contacts alone know no user.
    let scoped = |entry: &str, scope| {
        let request = ResolveNames::new(entry, false)
            .unwrap()
            .with_search_scope(scope);
        let alice = alice.clone();
        async move { alice.execute(&request).await.unwrap().len() }
    };
    assert_eq!(scoped("carol", SearchScope::ActiveDirectory).await, 0);
    assert_eq!(scoped("carol", SearchScope::Contacts).await, 1);
    assert_eq!(scoped("anne", SearchScope::Contacts).await, 0);
    assert_eq!(
        scoped("anne", SearchScope::ContactsActiveDirectory).await,
        1
    );

    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let log = server.logged_requests();
    let resolutions: Vec<_> = log
        .iter()
        .filter(|e| e.operation.as_deref() == Some("ResolveNames"))
        .collect();
    assert!(resolutions.len() >= 12, "{}", resolutions.len());
    let documents = resolutions.iter().flat_map(|e| {
        [
            ("request", e.request_body.as_str()),
            ("answer", e.response_body.as_str()),
        ]
    });
    for verdict in validator.validate_envelopes(documents) {
        assert!(verdict.is_valid(), "{verdict:?}");
    }
}
