//! Typed items: every field of contacts, tasks, messages and notes read from realistic
//! XML, and unknown kinds and children kept.

use crate::items_support::{answer, assert_message_part, names, read, utc, MESSAGE_PART, SHARED};
use chrono::NaiveDate;
use exchange_ews::calendar::{Recurrence, RecurrencePattern, RecurrenceRange};
use exchange_ews::items::{
    BodyType, EmailAddressKey, ExtendedValue, GenericItem, GetItems, ImAddressKey, Importance,
    MapiPropertyType, PhoneNumberKey, PhysicalAddressKey, PostalAddressIndex, PropertyPath,
    Sensitivity, TaskDelegationState, TaskStatus,
};
use exchange_ews::{Item, ItemId};

#[test]
fn reads_every_contact_field() {
    let phones: String = PhoneNumberKey::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| {
            format!(
                r#"<t:Entry Key="{}">+1 425 555 01{i:02}</t:Entry>"#,
                k.as_str()
            )
        })
        .collect();
    let xml = format!(
        r#"<t:Contact>{shared}
        <t:FileAs>Lovelace, Ada</t:FileAs><t:FileAsMapping>LastCommaFirst</t:FileAsMapping>
        <t:DisplayName>Ada Lovelace</t:DisplayName><t:GivenName>Ada</t:GivenName>
        <t:Initials>A.L.</t:Initials><t:MiddleName>Augusta</t:MiddleName><t:Nickname>Countess</t:Nickname>
        <t:CompleteName><t:FirstName>Ada</t:FirstName></t:CompleteName>
        <t:CompanyName>Analytical Engines Ltd</t:CompanyName>
        <t:EmailAddresses>
          <t:Entry Key="EmailAddress1" Name="Ada Lovelace" RoutingType="SMTP" MailboxType="Mailbox">ada@contoso.test</t:Entry>
          <t:Entry Key="EmailAddress2">ada@fabrikam.test</t:Entry>
          <t:Entry Key="EmailAddress3"/>
        </t:EmailAddresses>
        <t:PhysicalAddresses>
          <t:Entry Key="Home"><t:Street>12 St James's Square</t:Street><t:City>London</t:City>
            <t:State>Greater London</t:State><t:CountryOrRegion>United Kingdom</t:CountryOrRegion>
            <t:PostalCode>SW1Y 4JH</t:PostalCode></t:Entry>
          <t:Entry Key="Business"><t:City>Marylebone</t:City></t:Entry>
          <t:Entry Key="Other"/>
        </t:PhysicalAddresses>
        <t:PhoneNumbers>{phones}</t:PhoneNumbers>
        <t:AssistantName>Mary</t:AssistantName><t:Birthday>1815-12-10T00:00:00Z</t:Birthday>
        <t:BusinessHomePage>https://engines.test/</t:BusinessHomePage>
        <t:Children><t:String>Byron</t:String><t:String>Anne</t:String><t:String>Ralph</t:String></t:Children>
        <t:Companies><t:String>Royal Society</t:String></t:Companies>
        <t:ContactSource>Store</t:ContactSource>
        <t:Department>Mathematics</t:Department><t:Generation>I</t:Generation>
        <t:ImAddresses><t:Entry Key="ImAddress1">sip:ada@contoso.test</t:Entry></t:ImAddresses>
        <t:JobTitle>Analyst</t:JobTitle><t:Manager>Charles Babbage</t:Manager><t:Mileage>12 km</t:Mileage>
        <t:OfficeLocation>Room 4</t:OfficeLocation><t:PostalAddressIndex>Home</t:PostalAddressIndex>
        <t:Profession>Mathematician</t:Profession><t:SpouseName>William</t:SpouseName>
        <t:Surname>Lovelace</t:Surname><t:WeddingAnniversary>1835-07-08T00:00:00Z</t:WeddingAnniversary>
        <t:HasPicture>false</t:HasPicture><t:Notes>plain notes</t:Notes></t:Contact>"#,
        shared = SHARED.replace("CLASS", "IPM.Contact"),
    );
    let Item::Contact(c) = read(&xml).unwrap() else {
        panic!("a contact")
    };
    assert_shared!(c, "IPM.Contact");
    assert_eq!(c.file_as.as_deref(), Some("Lovelace, Ada"));
    assert_eq!(c.display_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(c.given_name.as_deref(), Some("Ada"));
    assert_eq!(c.initials.as_deref(), Some("A.L."));
    assert_eq!(c.middle_name.as_deref(), Some("Augusta"));
    assert_eq!(c.nickname.as_deref(), Some("Countess"));
    assert_eq!(c.company_name.as_deref(), Some("Analytical Engines Ltd"));
    assert_eq!(c.email_addresses.len(), 2, "the blank third is left out");
    let first = &c.email_addresses[0];
    assert_eq!(first.key, EmailAddressKey::EmailAddress1);
    assert_eq!(first.address, "ada@contoso.test");
    assert_eq!(first.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(first.routing_type.as_deref(), Some("SMTP"));
    assert_eq!(first.mailbox_type.as_deref(), Some("Mailbox"));
    assert_eq!(
        c.email_address(EmailAddressKey::EmailAddress2),
        Some("ada@fabrikam.test")
    );
    assert_eq!(c.email_addresses[1].name, None);
    assert_eq!(c.physical_addresses.len(), 2, "the empty one is left out");
    let home = c.physical_address(PhysicalAddressKey::Home).unwrap();
    assert_eq!(home.street.as_deref(), Some("12 St James's Square"));
    assert_eq!(home.city.as_deref(), Some("London"));
    assert_eq!(home.state.as_deref(), Some("Greater London"));
    assert_eq!(home.country_or_region.as_deref(), Some("United Kingdom"));
    assert_eq!(home.postal_code.as_deref(), Some("SW1Y 4JH"));
    let business = c.physical_address(PhysicalAddressKey::Business).unwrap();
    assert_eq!(
        (business.city.as_deref(), business.street.as_deref()),
        (Some("Marylebone"), None)
    );
    assert_eq!(c.phone_numbers.len(), 19);
    for (i, key) in PhoneNumberKey::ALL.iter().enumerate() {
        assert_eq!(
            c.phone_number(*key),
            Some(format!("+1 425 555 01{i:02}").as_str())
        );
    }
    assert_eq!(c.assistant_name.as_deref(), Some("Mary"));
    assert_eq!(c.birthday, Some(utc(1815, 12, 10, 0, 0)));
    assert_eq!(
        c.business_home_page.as_deref(),
        Some("https://engines.test/")
    );
    assert_eq!(c.children, ["Byron", "Anne", "Ralph"]);
    assert_eq!(c.companies, ["Royal Society"]);
    assert_eq!(c.department.as_deref(), Some("Mathematics"));
    assert_eq!(c.generation.as_deref(), Some("I"));
    assert_eq!(
        c.im_addresses,
        [(ImAddressKey::ImAddress1, "sip:ada@contoso.test".to_owned())]
    );
    assert_eq!(c.job_title.as_deref(), Some("Analyst"));
    assert_eq!(c.manager.as_deref(), Some("Charles Babbage"));
    assert_eq!(c.mileage.as_deref(), Some("12 km"));
    assert_eq!(c.office_location.as_deref(), Some("Room 4"));
    assert_eq!(c.postal_address_index, Some(PostalAddressIndex::Home));
    assert_eq!(c.profession.as_deref(), Some("Mathematician"));
    assert_eq!(c.spouse_name.as_deref(), Some("William"));
    assert_eq!(c.surname.as_deref(), Some("Lovelace"));
    assert_eq!(c.wedding_anniversary, Some(utc(1835, 7, 8, 0, 0)));
    assert_eq!(
        names(&c.unmodelled),
        [
            "ResponseObjects",
            "LastModifiedName",
            "FileAsMapping",
            "CompleteName",
            "ContactSource",
            "HasPicture",
            "Notes"
        ]
    );
    assert_eq!(c.unmodelled[3].child("FirstName").unwrap().text(), "Ada");
}

#[test]
fn reads_every_task_field() {
    let xml = format!(
        r#"<t:Task>{shared}
        <t:ActualWork>90</t:ActualWork><t:AssignedTime>2024-05-01T00:00:00Z</t:AssignedTime>
        <t:BillingInformation>Project X</t:BillingInformation><t:ChangeCount>3</t:ChangeCount>
        <t:Companies><t:String>Contoso</t:String><t:String>Fabrikam</t:String></t:Companies>
        <t:CompleteDate>2024-05-20T00:00:00Z</t:CompleteDate>
        <t:Contacts><t:String>Bob</t:String></t:Contacts>
        <t:DelegationState>Owned</t:DelegationState><t:Delegator>Carol</t:Delegator>
        <t:DueDate>2024-05-31T00:00:00Z</t:DueDate><t:IsAssignmentEditable>0</t:IsAssignmentEditable>
        <t:IsComplete>false</t:IsComplete><t:IsRecurring>true</t:IsRecurring><t:IsTeamTask>false</t:IsTeamTask>
        <t:Mileage>40 km</t:Mileage><t:Owner>Ada Lovelace</t:Owner><t:PercentComplete>37.5</t:PercentComplete>
        <t:Recurrence><t:WeeklyRegeneration><t:Interval>2</t:Interval></t:WeeklyRegeneration>
          <t:NumberedRecurrence><t:StartDate>2024-05-01</t:StartDate><t:NumberOfOccurrences>10</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>
        <t:StartDate>2024-05-01T00:00:00Z</t:StartDate><t:Status>InProgress</t:Status>
        <t:StatusDescription>In Progress</t:StatusDescription><t:TotalWork>240</t:TotalWork></t:Task>"#,
        shared = SHARED.replace("CLASS", "IPM.Task"),
    );
    let Item::Task(t) = read(&xml).unwrap() else {
        panic!("a task")
    };
    assert_shared!(t, "IPM.Task");
    assert_eq!(t.actual_work, Some(90));
    assert_eq!(t.billing_information.as_deref(), Some("Project X"));
    assert_eq!(t.companies, ["Contoso", "Fabrikam"]);
    assert_eq!(t.complete_date, Some(utc(2024, 5, 20, 0, 0)));
    assert_eq!(t.contacts, ["Bob"]);
    assert_eq!(t.delegation_state, Some(TaskDelegationState::Owned));
    assert_eq!(t.delegator.as_deref(), Some("Carol"));
    assert_eq!(t.due_date, Some(utc(2024, 5, 31, 0, 0)));
    assert_eq!((t.is_complete, t.is_recurring), (Some(false), Some(true)));
    assert_eq!(t.mileage.as_deref(), Some("40 km"));
    assert_eq!(t.owner.as_deref(), Some("Ada Lovelace"));
    assert_eq!(t.percent_complete, Some(37.5));
    assert_eq!(
        t.recurrence,
        Some(Recurrence {
            pattern: RecurrencePattern::WeeklyRegeneration { interval: 2 },
            range: RecurrenceRange::Numbered {
                start: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
                count: 10
            },
        })
    );
    assert_eq!(t.start_date, Some(utc(2024, 5, 1, 0, 0)));
    assert_eq!(t.status, Some(TaskStatus::InProgress));
    assert_eq!(t.status_description.as_deref(), Some("In Progress"));
    assert_eq!(t.total_work, Some(240));
    assert_eq!(
        names(&t.unmodelled),
        [
            "ResponseObjects",
            "LastModifiedName",
            "AssignedTime",
            "ChangeCount",
            "IsAssignmentEditable",
            "IsTeamTask"
        ]
    );
}

#[test]
fn reads_every_message_field() {
    let xml = format!(
        "<t:Message>{}{MESSAGE_PART}<t:SenderSMTPAddress>bob@contoso.test</t:SenderSMTPAddress></t:Message>",
        SHARED.replace("CLASS", "IPM.Note")
    );
    let Item::Message(m) = read(&xml).unwrap() else {
        panic!("a message")
    };
    assert_shared!(m, "IPM.Note");
    assert_message_part(&m);
    assert!(!m.is_note());
    assert_eq!(
        names(&m.unmodelled),
        ["ResponseObjects", "LastModifiedName", "SenderSMTPAddress"]
    );
}

#[test]
fn sticky_notes_are_chosen_by_item_class() {
    for class in [
        "IPM.StickyNote",
        "ipm.stickynote",
        " IPM.StickyNote.Custom ",
    ] {
        let xml = format!(
            r#"<t:Message><t:ItemId Id="N1"/><t:ItemClass>{class}</t:ItemClass><t:Subject>Call Bob</t:Subject><t:Body BodyType="Text">About the lease</t:Body></t:Message>"#
        );
        let Item::Note(note) = read(&xml).unwrap() else {
            panic!("{class} is a note")
        };
        assert_eq!(note.subject.as_deref(), Some("Call Bob"));
        assert_eq!(note.body.unwrap().content, "About the lease");
    }
    for class in ["IPM.StickyNoteX", "IPM.Note", ""] {
        let xml = format!(
            r#"<t:Message><t:ItemId Id="N1"/><t:ItemClass>{class}</t:ItemClass></t:Message>"#
        );
        assert!(matches!(read(&xml).unwrap(), Item::Message(_)), "{class}");
    }
}

#[test]
fn keeps_unknown_kinds_whole() {
    for (xml, kind, second) in [
        (
            r#"<t:PostItem><t:ItemId Id="P1"/><t:Subject>Post</t:Subject><t:PostedTime>2024-01-01T00:00:00Z</t:PostedTime></t:PostItem>"#,
            "PostItem",
            "Subject",
        ),
        (
            r#"<t:DistributionList><t:ItemId Id="D1"/><t:DisplayName>Team</t:DisplayName><t:Members/></t:DistributionList>"#,
            "DistributionList",
            "DisplayName",
        ),
        (
            r#"<t:HolographicItem Kind="new"><t:ItemId Id="H1"/><t:Depth>3</t:Depth></t:HolographicItem>"#,
            "HolographicItem",
            "Depth",
        ),
    ] {
        let item = read(xml).unwrap();
        let Item::Other(generic) = &item else {
            panic!("{xml}")
        };
        assert_eq!((item.kind(), generic.kind.as_str()), (kind, kind));
        assert_eq!(item.id(), &generic.id);
        assert_eq!(generic.node.children()[1].name(), second);
        assert_eq!(
            generic.node.children().len(),
            xml.matches("</t:").count() + xml.matches("/>").count() - 1
        );
    }
}

#[test]
fn generic_items_and_nodes_read_into_the_same_typed_items() {
    let xml = format!(
        "<t:Message>{}{MESSAGE_PART}</t:Message>",
        SHARED.replace("CLASS", "IPM.Note")
    );
    let generic = GetItems::parse_response(answer(&[&xml]).as_bytes())
        .unwrap()
        .pop()
        .unwrap()
        .unwrap();
    let typed: GenericItem = generic.clone();
    assert_eq!(typed.typed().unwrap(), read(&xml).unwrap());
    assert_eq!(Item::from_node(&generic.node).unwrap(), read(&xml).unwrap());
    // Text with markup, quotes and line breaks survives the way back to XML.
    let tricky = r#"<t:Message><t:ItemId Id="a&quot;&lt;&amp;"/><t:Subject> &lt;b&gt; "x" &amp;
 y&#xD;</t:Subject></t:Message>"#;
    let from_get = read(tricky).unwrap();
    let generic = GetItems::parse_response(answer(&[tricky]).as_bytes())
        .unwrap()
        .pop()
        .unwrap()
        .unwrap();
    assert_eq!(generic.typed().unwrap(), from_get);
    assert_eq!(from_get.id().id, "a\"<&");
    let Item::Message(m) = from_get else { panic!() };
    assert_eq!(m.subject.as_deref(), Some(" <b> \"x\" &\n y\r"));
    assert!(Item::from_node(&exchange_ews::decoded::Node::default()).is_err());
}
