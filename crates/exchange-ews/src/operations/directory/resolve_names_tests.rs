use super::*;
use crate::test_support::sample;
use crate::ResponseCode;

fn answer(class: &str, code: &str, inner: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:ResolveNamesResponse xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="{class}"><m:ResponseCode>{code}</m:ResponseCode>
        {inner}</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse></s:Body></s:Envelope>"#
    )
}

const SET: &str = r#"<m:ResolutionSet TotalItemsInView="1" IncludesLastItemInRange="true"><t:Resolution>
    <t:Mailbox><t:Name>Anne</t:Name><t:EmailAddress>anne@contoso.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>
    <t:Contact><t:DisplayName>Anne W</t:DisplayName><t:GivenName>Anne</t:GivenName><t:Surname>W</t:Surname>
      <t:EmailAddresses><t:Entry Key="EmailAddress1">SMTP:anne@contoso.test</t:Entry></t:EmailAddresses>
      <t:PhoneNumbers><t:Entry Key="BusinessPhone">+1 555</t:Entry></t:PhoneNumbers>
      <t:Manager>Bob</t:Manager><t:ContactSource>ActiveDirectory</t:ContactSource></t:Contact>
  </t:Resolution></m:ResolutionSet>"#;

#[test]
fn writes_entry_and_attributes() {
    let request = ResolveNames::new("Anne <&> \"W\"", true)
        .unwrap()
        .with_search_scope(SearchScope::ContactsActiveDirectory)
        .with_contact_data_shape(ContactDataShape::AllProperties);
    assert_eq!(request.entry(), "Anne <&> \"W\"");
    let new = request.to_envelope(ExchangeVersion::Exchange2013);
    assert!(new.contains(r#"<m:ResolveNames ReturnFullContactData="true" SearchScope="ContactsActiveDirectory" ContactDataShape="AllProperties"><m:UnresolvedEntry>Anne &lt;&amp;&gt; "W"</m:UnresolvedEntry></m:ResolveNames>"#), "{new}");
    // Older servers do not know ContactDataShape and would refuse the request.
    let old = request.to_envelope(ExchangeVersion::Exchange2010Sp1);
    assert!(!old.contains("ContactDataShape"), "{old}");
    let plain = ResolveNames::new("x", false).unwrap();
    let xml = plain.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(xml.contains(r#"<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>x</m:UnresolvedEntry>"#), "{xml}");
    assert!(matches!(
        ResolveNames::new(" \t", true),
        Err(EwsError::InvalidArgument { .. })
    ));
    assert!(ResolveNames::new("", true).is_err());
}

#[test]
fn reads_mailbox_and_contact_keeping_unknown_elements() {
    let found = ResolveNames::parse_response(answer("Success", "NoError", SET).as_bytes()).unwrap();
    assert_eq!(found.len(), 1);
    let mailbox = &found[0].mailbox;
    assert_eq!(mailbox.name.as_deref(), Some("Anne"));
    assert_eq!(mailbox.email.as_deref(), Some("anne@contoso.test"));
    assert_eq!(mailbox.routing_type.as_deref(), Some("SMTP"));
    assert_eq!(mailbox.mailbox_type.as_deref(), Some("Mailbox"));
    let contact = found[0].contact.as_ref().unwrap();
    assert_eq!(contact.display_name.as_deref(), Some("Anne W"));
    assert_eq!(
        (contact.given_name.as_deref(), contact.surname.as_deref()),
        (Some("Anne"), Some("W"))
    );
    assert_eq!(
        contact.email_addresses,
        [(
            "EmailAddress1".to_owned(),
            "SMTP:anne@contoso.test".to_owned()
        )]
    );
    assert_eq!(
        contact.phone_numbers,
        [("BusinessPhone".to_owned(), "+1 555".to_owned())]
    );
    assert_eq!(contact.contact_source.as_deref(), Some("ActiveDirectory"));
    assert_eq!(contact.other.len(), 1);
    assert_eq!(
        (contact.other[0].name(), contact.other[0].text()),
        ("Manager", "Bob")
    );
}

#[test]
fn no_results_is_empty_and_multiple_results_succeed() {
    let none = answer("Error", "ErrorNameResolutionNoResults", "");
    assert!(ResolveNames::parse_response(none.as_bytes())
        .unwrap()
        .is_empty());
    let several = answer(
        "Warning",
        "ErrorNameResolutionMultipleResults",
        &SET.replace(
            "</t:Resolution>",
            "</t:Resolution><t:Resolution><t:Mailbox><t:Name>B</t:Name></t:Mailbox></t:Resolution>",
        ),
    );
    assert_eq!(
        ResolveNames::parse_response(several.as_bytes())
            .unwrap()
            .len(),
        2
    );
    let other = answer("Error", "ErrorADUnavailable", "");
    let err = ResolveNames::parse_response(other.as_bytes()).unwrap_err();
    assert_eq!(
        err.response_code().map(ResponseCode::as_str),
        Some("ErrorADUnavailable")
    );
    let success_without_set = answer("Success", "NoError", "");
    assert!(ResolveNames::parse_response(success_without_set.as_bytes())
        .unwrap()
        .is_empty());
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let whole = answer("Success", "NoError", SET);
    for cut in [1, whole.len() / 2, whole.len() - 5] {
        assert!(ResolveNames::parse_response(&whole.as_bytes()[..cut])
            .unwrap_err()
            .is_malformed_response());
    }
    let no_mailbox = answer(
        "Success",
        "NoError",
        "<m:ResolutionSet><t:Resolution/></m:ResolutionSet>",
    );
    assert!(ResolveNames::parse_response(no_mailbox.as_bytes())
        .unwrap_err()
        .is_malformed_response());
    let bad_class = answer("Maybe", "NoError", SET);
    assert!(ResolveNames::parse_response(bad_class.as_bytes()).is_err());
    let wrong = whole.replace("ResolveNamesResponse", "FindItemResponse");
    assert!(ResolveNames::parse_response(wrong.as_bytes())
        .unwrap_err()
        .is_malformed_response());
    let no_messages = r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:ResolveNamesResponse xmlns:m="urn:m"><m:ResponseMessages/></m:ResolveNamesResponse></s:Body></s:Envelope>"#;
    assert!(ResolveNames::parse_response(no_messages.as_bytes()).is_err());
    let hostile = format!("<!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{whole}");
    assert!(ResolveNames::parse_response(hostile.as_bytes()).is_err());
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert!(ResolveNames::parse_response(deep.as_bytes()).is_err());
    assert!(ResolveNames::parse_response(b"").is_err());
}

#[test]
fn parses_the_samples() {
    let Some(full) = sample("ms-resolvenames-response.xml") else {
        return;
    };
    let found = ResolveNames::parse_response(&full).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].mailbox.email.as_deref(), Some("User2@example.com"));
    let contact = found[0].contact.as_ref().unwrap();
    assert_eq!(contact.display_name.as_deref(), Some("User2"));
    assert_eq!(contact.email_addresses[0].1, "SMTP:User2@example.com");
    let none = sample("ms-resolvenames-error-response.xml").unwrap();
    assert!(ResolveNames::parse_response(&none).unwrap().is_empty());
    for name in [
        "exl-resolvenames-response.xml",
        "exl-resolvenames-warning-response.xml",
    ] {
        let found = ResolveNames::parse_response(&sample(name).unwrap()).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|r| r.mailbox.name.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["John Doe", "John Deer"], "{name}");
        assert!(found.iter().all(|r| r.contact.is_none()));
    }
    // The request sample is no answer.
    let request = sample("ms-resolvenames-request.xml").unwrap();
    assert!(ResolveNames::parse_response(&request)
        .unwrap_err()
        .is_malformed_response());
}
