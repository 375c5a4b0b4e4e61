//! `GetAttachment`: attachments by id, file contents decoded from base64.

use base64::Engine as _;

use super::create_and_delete::{
    attachment_id, check_attachment_ids, first_attachment, write_attachment_ids,
};
use crate::decoded::Node;
use crate::operations::reading::{boolean, number, text};
use crate::operations::{per_message, sans_io_methods};
use crate::soap::{cut, request_envelope};
use crate::types::{Attachment, AttachmentShape, MAX_ATTACHMENT_BYTES};
use crate::xml::{parse_date_time, Element};
use crate::{Envelope, EwsError, ExchangeVersion, Operation};

/// Reads attachments by id; each id gets its own answer, the attachment or the error the
/// server reported for it.
///
/// File contents are decoded strictly: anything that is not base64 (white space aside) is
/// an [`EwsError::InvalidValue`], and so is content larger than [`MAX_ATTACHMENT_BYTES`]
/// (which is refused before it is decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAttachment {
    ids: Vec<String>,
    shape: AttachmentShape,
}

impl GetAttachment {
    /// The request for the attachments `ids` (1 to [`MAX_ITEM_IDS`](crate::items::MAX_ITEM_IDS))
    /// in `shape`.
    pub fn new(ids: Vec<String>, shape: AttachmentShape) -> Result<Self, EwsError> {
        check_attachment_ids(&ids)?;
        shape
            .additional_properties
            .iter()
            .try_for_each(crate::items::PropertyPath::check_shape)?;
        Ok(Self { ids, shape })
    }

    /// The attachments asked for.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The shape asked for.
    pub fn shape(&self) -> &AttachmentShape {
        &self.shape
    }
}

sans_io_methods!(GetAttachment);

impl Operation for GetAttachment {
    /// One entry per id, in order.
    type Output = Vec<Result<Attachment, EwsError>>;
    const NAME: &'static str = "GetAttachment";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:GetAttachment", &[]);
            if !self.shape.is_default() {
                w.start("m:AttachmentShape", &[]);
                if self.shape.include_mime_content {
                    w.text_element("t:IncludeMimeContent", &[], "true");
                }
                if let Some(body) = self.shape.body_type {
                    w.text_element("t:BodyType", &[], body.as_str());
                }
                if !self.shape.additional_properties.is_empty() {
                    w.start("t:AdditionalProperties", &[]);
                    for path in &self.shape.additional_properties {
                        path.write(w);
                    }
                    w.end();
                }
                w.end();
            }
            write_attachment_ids(w, &self.ids);
            w.end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        self.shape
            .additional_properties
            .iter()
            .try_for_each(|path| path.check(version))
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, |message| {
            read_attachment(first_attachment(message)?)
        })
    }
}

/// Reads a `t:FileAttachment` or `t:ItemAttachment`.
pub(crate) fn read_attachment(e: &Element) -> Result<Attachment, EwsError> {
    let crate::types::AttachmentId { id, root_item } =
        attachment_id(e.required_child("AttachmentId")?)?;
    let name = text(e, "Name");
    let content_type = text(e, "ContentType");
    let size = number::<u64>(e, "Size", "a size in bytes")?;
    let last_modified = e
        .child("LastModifiedTime")
        .map(|t| {
            parse_date_time(t.text()).ok_or_else(|| EwsError::InvalidValue {
                element: "LastModifiedTime".into(),
                value: cut(t.text()),
                expected: "an xs:dateTime",
            })
        })
        .transpose()?;
    let is_inline = boolean(e, "IsInline")?.unwrap_or(false);
    match e.name() {
        "FileAttachment" => Ok(Attachment::File {
            id,
            root_item,
            name,
            content_type,
            size,
            last_modified,
            is_inline,
            content_id: text(e, "ContentId"),
            content: e
                .child("Content")
                .map(|c| decode_content(c.text()))
                .transpose()?,
        }),
        "ItemAttachment" => Ok(Attachment::Item {
            id,
            root_item,
            name,
            content_type,
            size,
            last_modified,
            is_inline,
            item: e
                .children()
                .iter()
                .find(|c| is_item(c.name()))
                .map(Node::from),
        }),
        other => Err(EwsError::InvalidValue {
            element: "Attachments".into(),
            value: cut(other),
            expected: "a FileAttachment or an ItemAttachment",
        }),
    }
}

/// Whether an element of an item attachment is the item rather than one of its properties.
fn is_item(name: &str) -> bool {
    !matches!(
        name,
        "AttachmentId"
            | "Name"
            | "ContentType"
            | "ContentId"
            | "ContentLocation"
            | "AttachmentOriginalUrl"
            | "Size"
            | "LastModifiedTime"
            | "IsInline"
    )
}

/// Decodes `xs:base64Binary` strictly (white space aside), refusing content larger than
/// [`MAX_ATTACHMENT_BYTES`] before decoding it.
pub(crate) fn decode_content(text: &str) -> Result<Vec<u8>, EwsError> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    // Four base64 characters carry three bytes.
    if compact.len() / 4 * 3 > MAX_ATTACHMENT_BYTES {
        return Err(EwsError::InvalidValue {
            element: "Content".into(),
            value: format!("{} base64 characters", compact.len()),
            expected: "content of at most 48 MiB",
        });
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| EwsError::InvalidValue {
            element: "Content".into(),
            value: cut(&compact),
            expected: "base64",
        })
}
