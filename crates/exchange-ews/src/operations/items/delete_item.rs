//! `DeleteItem` of one item.

use crate::calendar::SendMeetingCancellations;
use crate::items::{AffectedTaskOccurrences, DeleteType};
use crate::operations::{sans_io_methods, write_item_id};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// Deletes one item (of any kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteItem {
    id: ItemId,
    delete_type: DeleteType,
    cancellations: SendMeetingCancellations,
}

impl DeleteItem {
    /// The request to delete `id` as `delete_type` says; a meeting's attendees hear of it as
    /// `cancellations` says.
    pub fn new(
        id: ItemId,
        delete_type: DeleteType,
        cancellations: SendMeetingCancellations,
    ) -> Result<Self, EwsError> {
        id.check("item id")?;
        Ok(Self {
            id,
            delete_type,
            cancellations,
        })
    }

    /// The item to delete.
    pub fn id(&self) -> &ItemId {
        &self.id
    }
}

sans_io_methods!(DeleteItem);

impl Operation for DeleteItem {
    type Output = ();
    const NAME: &'static str = "DeleteItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            // Exchange refuses to delete a task without `AffectedTaskOccurrences`; for other
            // items it is ignored.
            w.start(
                "m:DeleteItem",
                &[
                    ("DeleteType", self.delete_type.as_str()),
                    ("SendMeetingCancellations", self.cancellations.as_str()),
                    (
                        "AffectedTaskOccurrences",
                        AffectedTaskOccurrences::AllOccurrences.as_str(),
                    ),
                ],
            );
            w.start("m:ItemIds", &[]);
            write_item_id(w, "t:ItemId", &self.id);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<(), EwsError> {
        envelope.single_message(Self::NAME).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;

    #[test]
    fn writes_the_options_and_the_id() {
        let request = DeleteItem::new(
            ItemId::new("AAMkA").with_change_key("DwAAA"),
            DeleteType::MoveToDeletedItems,
            SendMeetingCancellations::SendToAllAndSaveCopy,
        )
        .unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
        assert!(xml.contains(concat!(
            r#"<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy" AffectedTaskOccurrences="AllOccurrences">"#,
            r#"<m:ItemIds><t:ItemId Id="AAMkA" ChangeKey="DwAAA"/></m:ItemIds></m:DeleteItem>"#
        )));
        assert_eq!(request.id().id, "AAMkA");
    }

    #[test]
    fn refuses_empty_ids() {
        let err = DeleteItem::new(
            ItemId::new(" "),
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
        )
        .unwrap_err();
        assert!(matches!(err, EwsError::InvalidArgument { .. }));
    }

    #[test]
    fn reads_success_and_errors() {
        let ok = br#"<s:Envelope xmlns:s="urn:s"><s:Body><m:DeleteItemResponse xmlns:m="urn:m">
            <m:ResponseMessages><m:DeleteItemResponseMessage ResponseClass="Success">
            <m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage></m:ResponseMessages>
            </m:DeleteItemResponse></s:Body></s:Envelope>"#;
        DeleteItem::parse_response(ok).unwrap();
        let missing = String::from_utf8_lossy(ok)
            .replace(r#"ResponseClass="Success""#, r#"ResponseClass="Error""#)
            .replace("NoError", "ErrorItemNotFound");
        assert!(DeleteItem::parse_response(missing.as_bytes())
            .unwrap_err()
            .is_not_found());
        let Some(bytes) = sample("exl-deleteitem-inner-error-response.xml") else {
            return;
        };
        let err = DeleteItem::parse_response(&bytes).unwrap_err();
        assert_eq!(
            err.response_code(),
            Some(&crate::ResponseCode::ErrorInternalServerError)
        );
    }
}
