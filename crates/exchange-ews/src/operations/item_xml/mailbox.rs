//! Writing mailboxes and attendees, shared by every item kind that names people.

use crate::calendar::Attendee;
use crate::items::Mailbox;
use crate::xml::{format_date_time, XmlWriter};

/// Writes a `t:Mailbox` (`t:EmailAddressType`): its children in schema order, absent ones
/// left out.
pub(crate) fn write_mailbox(w: &mut XmlWriter, mailbox: &Mailbox) {
    w.start("t:Mailbox", &[]);
    if let Some(name) = &mailbox.name {
        w.text_element("t:Name", &[], name);
    }
    if let Some(email) = &mailbox.email {
        w.text_element("t:EmailAddress", &[], email.trim());
    }
    if let Some(routing) = &mailbox.routing_type {
        w.text_element("t:RoutingType", &[], routing.trim());
    }
    if let Some(kind) = &mailbox.mailbox_type {
        w.text_element("t:MailboxType", &[], kind.trim());
    }
    w.end();
}

/// Writes a list of mailboxes (`t:ToRecipients`, …); nothing when the list is empty, as the
/// schema wants at least one entry.
pub(crate) fn write_mailboxes(w: &mut XmlWriter, list: &'static str, mailboxes: &[Mailbox]) {
    if mailboxes.is_empty() {
        return;
    }
    w.start(list, &[]);
    for mailbox in mailboxes {
        write_mailbox(w, mailbox);
    }
    w.end();
}

/// Writes a list of attendees (`t:RequiredAttendees`, `t:OptionalAttendees`, `t:Resources`);
/// nothing when the list is empty.
pub(crate) fn write_attendees(w: &mut XmlWriter, list: &'static str, attendees: &[Attendee]) {
    if attendees.is_empty() {
        return;
    }
    w.start(list, &[]);
    for attendee in attendees {
        w.start("t:Attendee", &[]);
        write_mailbox(w, &attendee.mailbox);
        if let Some(response) = attendee.response {
            w.text_element("t:ResponseType", &[], response.as_str());
        }
        if let Some(time) = attendee.last_response_time {
            w.text_element("t:LastResponseTime", &[], &format_date_time(time));
        }
        w.end();
    }
    w.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ResponseType;

    #[test]
    fn writes_mailboxes_in_schema_order_and_escaped() {
        let mut w = XmlWriter::default();
        write_mailbox(
            &mut w,
            &Mailbox {
                name: Some("A & B".into()),
                email: Some(" a@contoso.test ".into()),
                routing_type: Some("SMTP".into()),
                mailbox_type: None,
            },
        );
        assert_eq!(
            w.finish(),
            "<t:Mailbox><t:Name>A &amp; B</t:Name><t:EmailAddress>a@contoso.test</t:EmailAddress>\
             <t:RoutingType>SMTP</t:RoutingType></t:Mailbox>"
        );
    }

    #[test]
    fn empty_lists_are_left_out() {
        let mut w = XmlWriter::default();
        write_mailboxes(&mut w, "t:ToRecipients", &[]);
        write_attendees(&mut w, "t:RequiredAttendees", &[]);
        assert_eq!(w.finish(), "");
    }

    #[test]
    fn writes_attendees_with_their_answer() {
        let mut w = XmlWriter::default();
        let mut attendee = Attendee::smtp("b@contoso.test");
        attendee.response = Some(ResponseType::Accept);
        write_attendees(&mut w, "t:RequiredAttendees", &[attendee]);
        assert_eq!(
            w.finish(),
            "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>b@contoso.test\
             </t:EmailAddress></t:Mailbox><t:ResponseType>Accept</t:ResponseType></t:Attendee>\
             </t:RequiredAttendees>"
        );
    }
}
