//! `CreateAttachment` and `DeleteAttachment`.

use base64::Engine as _;

use crate::items::MAX_ITEM_IDS;
use crate::operations::item_xml::item::item_id_from;
use crate::operations::{check_count, per_message, sans_io_methods, write_item_id};
use crate::soap::request_envelope;
use crate::types::{AttachmentId, NewAttachment};
use crate::xml::{Element, XmlWriter};
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// The most attachments one `CreateAttachment` request carries; their content shares the
/// request size Exchange accepts, so a few large files are better sent one per request.
pub const MAX_ATTACHMENTS_PER_REQUEST: usize = 100;

/// Adds attachments to an item; each attachment gets its own answer, its id (and the item's
/// new change key) or the error the server reported for it.
///
/// ```
/// use exchange_ews::attachments::{CreateAttachment, NewAttachment, NewFileAttachment};
/// use exchange_ews::{ExchangeVersion, ItemId};
///
/// let file = NewFileAttachment {
///     name: "notes.txt".into(),
///     content_type: Some("text/plain".into()),
///     content: b"hello".to_vec(),
///     ..NewFileAttachment::default()
/// };
/// let request = CreateAttachment::new(ItemId::new("AAMk1"), vec![NewAttachment::File(file)])?;
/// let xml = request.to_envelope(ExchangeVersion::Exchange2013);
/// assert!(xml.contains("<t:Content>aGVsbG8=</t:Content>"));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAttachment {
    parent: ItemId,
    attachments: Vec<NewAttachment>,
}

impl CreateAttachment {
    /// The request to add `attachments` (1 to [`MAX_ATTACHMENTS_PER_REQUEST`]) to `parent`.
    pub fn new(parent: ItemId, attachments: Vec<NewAttachment>) -> Result<Self, EwsError> {
        parent.check("parent item id")?;
        check_count(
            "attachments",
            attachments.len(),
            MAX_ATTACHMENTS_PER_REQUEST,
        )?;
        attachments
            .iter()
            .try_for_each(NewAttachment::check_shape)?;
        Ok(Self {
            parent,
            attachments,
        })
    }

    /// The item the attachments go to.
    pub fn parent(&self) -> &ItemId {
        &self.parent
    }

    /// The attachments.
    pub fn attachments(&self) -> &[NewAttachment] {
        &self.attachments
    }
}

sans_io_methods!(CreateAttachment);

impl Operation for CreateAttachment {
    /// One entry per attachment, in order.
    type Output = Vec<Result<AttachmentId, EwsError>>;
    const NAME: &'static str = "CreateAttachment";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:CreateAttachment", &[]);
            // `ParentItemId` is a `t:ItemIdType`, in the messages namespace.
            write_item_id(w, "m:ParentItemId", &self.parent);
            w.start("m:Attachments", &[]);
            for attachment in &self.attachments {
                write_attachment(w, attachment, version);
            }
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        self.attachments.iter().try_for_each(|a| match a {
            NewAttachment::File(_) => Ok(()),
            NewAttachment::Item { item, .. } => item.check(version),
        })
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, |message| {
            let attachment = first_attachment(message)?;
            attachment_id(attachment.required_child("AttachmentId")?)
        })
    }
}

fn write_attachment(w: &mut XmlWriter, attachment: &NewAttachment, version: ExchangeVersion) {
    match attachment {
        NewAttachment::File(file) => {
            w.start("t:FileAttachment", &[])
                .text_element("t:Name", &[], &file.name);
            if let Some(kind) = &file.content_type {
                w.text_element("t:ContentType", &[], kind);
            }
            if let Some(id) = &file.content_id {
                w.text_element("t:ContentId", &[], id);
            }
            // Exchange 2007 SP1 does not know `IsInline`.
            if file.is_inline && version >= ExchangeVersion::Exchange2010 {
                w.text_element("t:IsInline", &[], "true");
            }
            let content = base64::engine::general_purpose::STANDARD.encode(&file.content);
            w.text_element("t:Content", &[], &content).end();
        }
        NewAttachment::Item { name, item } => {
            w.start("t:ItemAttachment", &[])
                .text_element("t:Name", &[], name);
            item.write(w, version);
            w.end();
        }
    }
}

/// The one attachment element of a response message.
pub(crate) fn first_attachment(message: &Element) -> Result<&Element, EwsError> {
    message
        .required_child("Attachments")?
        .children()
        .first()
        .ok_or_else(|| EwsError::MissingElement {
            element: "attachment".into(),
            parent: "Attachments".into(),
        })
}

/// Reads a `t:AttachmentId` (`Id` required, the root item optional).
pub(crate) fn attachment_id(e: &Element) -> Result<AttachmentId, EwsError> {
    let id = e
        .attribute("Id")
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| EwsError::MissingElement {
            element: "@Id".into(),
            parent: e.name().to_owned(),
        })?;
    let root_item = e
        .attribute("RootItemId")
        .is_some_and(|id| !id.trim().is_empty())
        .then(|| item_id_from(e, "RootItemId", "RootItemChangeKey"))
        .transpose()?;
    Ok(AttachmentId {
        id: id.to_owned(),
        root_item,
    })
}

/// Deletes attachments by id; each id gets its own answer, the id and new change key of
/// the item that held the attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAttachment {
    ids: Vec<String>,
}

impl DeleteAttachment {
    /// The request to delete the attachments `ids` (1 to [`MAX_ITEM_IDS`]).
    pub fn new(ids: Vec<String>) -> Result<Self, EwsError> {
        check_attachment_ids(&ids)?;
        Ok(Self { ids })
    }

    /// The attachments to delete.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }
}

/// Refuses an empty list, too many ids or an empty id.
pub(crate) fn check_attachment_ids(ids: &[String]) -> Result<(), EwsError> {
    check_count("attachment ids", ids.len(), MAX_ITEM_IDS)?;
    if ids.iter().any(|id| id.trim().is_empty()) {
        return Err(EwsError::InvalidArgument {
            argument: "attachment id",
            reason: "the attachment id is empty".into(),
        });
    }
    Ok(())
}

/// Writes `m:AttachmentIds`.
pub(crate) fn write_attachment_ids(w: &mut XmlWriter, ids: &[String]) {
    w.start("m:AttachmentIds", &[]);
    for id in ids {
        w.empty("t:AttachmentId", &[("Id", id)]);
    }
    w.end();
}

sans_io_methods!(DeleteAttachment);

impl Operation for DeleteAttachment {
    /// One entry per id, in order: the item that held the attachment, with its new change
    /// key.
    type Output = Vec<Result<ItemId, EwsError>>;
    const NAME: &'static str = "DeleteAttachment";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:DeleteAttachment", &[]);
            write_attachment_ids(w, &self.ids);
            w.end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, |message| {
            let root = message.required_child("RootItemId")?;
            item_id_from(root, "RootItemId", "RootItemChangeKey")
        })
    }
}
