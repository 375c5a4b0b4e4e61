//! `MoveItem` and `CopyItem`.

use super::calendar::parse_bool;
use super::parts::{item_ids, target_folder};
use super::{required, FolderRef, ItemRef, MESSAGES};
use crate::dom::Element;
use crate::error::Error;

/// The arguments of `MoveItem` and `CopyItem` (`BaseMoveCopyItemType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transfer {
    /// `ToFolderId`.
    pub(crate) to: FolderRef,
    /// The items, one response message each.
    pub(crate) ids: Vec<ItemRef>,
    /// `ReturnNewItemIds`; Exchange returns the new ids unless told not to.
    pub(crate) return_new_ids: bool,
}

/// Decodes the body of `MoveItem` or `CopyItem`.
pub(crate) fn transfer(body: &Element) -> Result<Transfer, Error> {
    Ok(Transfer {
        to: target_folder(required(body, MESSAGES, "ToFolderId")?)?,
        ids: item_ids(required(body, MESSAGES, "ItemIds")?)?,
        return_new_ids: body
            .child(MESSAGES, "ReturnNewItemIds")
            .map(parse_bool)
            .transpose()?
            .unwrap_or(true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom;
    use crate::request::TYPES;

    fn body(xml: &str) -> Element {
        let wrapped = format!("<m:X xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\">{xml}</m:X>");
        dom::parse(wrapped.as_bytes()).unwrap()
    }

    const TO_INBOX: &str = "<m:ToFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:ToFolderId>";
    const IDS: &str =
        "<m:ItemIds><t:ItemId Id=\"A\" ChangeKey=\"K\"/><t:ItemId Id=\"B\"/></m:ItemIds>";

    #[test]
    fn decodes_the_target_the_ids_and_the_new_id_flag() {
        let plain = transfer(&body(&format!("{TO_INBOX}{IDS}"))).unwrap();
        assert_eq!(
            plain.to,
            FolderRef::Distinguished {
                name: "inbox".into(),
                mailbox: None
            }
        );
        assert_eq!(plain.ids.len(), 2);
        assert!(plain.return_new_ids, "absent means the ids come back");
        for (value, expected) in [("false", false), ("0", false), ("true", true), ("1", true)] {
            let xml = format!("{TO_INBOX}{IDS}<m:ReturnNewItemIds>{value}</m:ReturnNewItemIds>");
            assert_eq!(transfer(&body(&xml)).unwrap().return_new_ids, expected);
        }
        let by_id = "<m:ToFolderId><t:FolderId Id=\"F\"/></m:ToFolderId>";
        assert_eq!(
            transfer(&body(&format!("{by_id}{IDS}"))).unwrap().to,
            FolderRef::Id("F".into())
        );
    }

    #[test]
    fn refuses_missing_or_broken_parts() {
        for broken in [
            IDS.to_owned(),
            TO_INBOX.to_owned(),
            format!("<m:ToFolderId/>{IDS}"),
            format!("<m:ToFolderId><t:AddressListId Id=\"x\"/></m:ToFolderId>{IDS}"),
            format!("{TO_INBOX}<m:ItemIds/>"),
            format!("{TO_INBOX}{IDS}<m:ReturnNewItemIds>yes</m:ReturnNewItemIds>"),
        ] {
            assert!(
                matches!(transfer(&body(&broken)), Err(Error::SchemaViolation { .. })),
                "{broken}"
            );
        }
    }
}
