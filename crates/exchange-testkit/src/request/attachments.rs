//! `CreateAttachment`, `GetAttachment` and `DeleteAttachment`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::calendar::{new_item, parse_bool, NewItem};
use super::{
    required, violation, BaseShape, BodyWanted, ItemRef, Operation, Shape, MESSAGES, TYPES,
};
use crate::dom::Element;
use crate::error::Error;

/// An attachment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewAttachment {
    /// `Name`.
    pub(crate) name: String,
    /// `ContentType`.
    pub(crate) content_type: Option<String>,
    /// `ContentId`.
    pub(crate) content_id: Option<String>,
    /// `IsInline`.
    pub(crate) is_inline: bool,
    /// The file bytes or the item.
    pub(crate) content: NewContent,
}

/// What an attachment to create holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NewContent {
    /// The decoded `Content` of a file attachment.
    File(Vec<u8>),
    /// The item of an item attachment; `None` when the element holds no item.
    Item(Option<Box<NewItem>>),
}

fn text_child(element: &Element, name: &str) -> Option<String> {
    element.child(TYPES, name).map(|c| c.text().to_owned())
}

/// Decodes one `FileAttachment` or `ItemAttachment` of a request.
fn attachment(element: &Element) -> Result<NewAttachment, Error> {
    let content = match element.name.as_str() {
        "FileAttachment" => {
            let encoded = text_child(element, "Content").unwrap_or_default();
            // xs:base64Binary allows whitespace between the characters.
            let compact: String = encoded.split_ascii_whitespace().collect();
            let bytes = BASE64.decode(compact.as_bytes()).map_err(|_| {
                violation(
                    element,
                    "The value of 'Content' is not valid according to its datatype 'xs:base64Binary'.",
                )
            })?;
            NewContent::File(bytes)
        }
        "ItemAttachment" => {
            let item = element
                .children
                .iter()
                .filter(|c| c.ns == TYPES)
                .find(|c| {
                    !matches!(
                        c.name.as_str(),
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
                })
                .map(new_item)
                .transpose()?;
            NewContent::Item(item.map(Box::new))
        }
        other => {
            return Err(violation(
                element,
                format!("The element '{other}' is not an attachment the fake creates."),
            ))
        }
    };
    let is_inline = element
        .child(TYPES, "IsInline")
        .map(parse_bool)
        .transpose()?
        .unwrap_or(false);
    Ok(NewAttachment {
        name: text_child(element, "Name").unwrap_or_default(),
        content_type: text_child(element, "ContentType"),
        content_id: text_child(element, "ContentId"),
        is_inline,
        content,
    })
}

/// Decodes `CreateAttachment`.
pub(crate) fn create_attachment(body: &Element) -> Result<Operation, Error> {
    let parent = required(body, MESSAGES, "ParentItemId")?;
    let id = parent
        .attr("Id")
        .ok_or_else(|| violation(parent, "The required attribute 'Id' is missing."))?;
    let list = required(body, MESSAGES, "Attachments")?;
    let attachments = list
        .children
        .iter()
        .filter(|c| c.ns == TYPES)
        .map(attachment)
        .collect::<Result<Vec<_>, _>>()?;
    if attachments.is_empty() {
        return Err(violation(
            list,
            "The element 'Attachments' has incomplete content.",
        ));
    }
    Ok(Operation::CreateAttachment {
        parent: ItemRef::Item {
            id: id.to_owned(),
            change_key: parent.attr("ChangeKey").map(str::to_owned),
        },
        attachments,
    })
}

/// Decodes the `AttachmentIds` of `GetAttachment` and `DeleteAttachment`.
fn attachment_ids(body: &Element) -> Result<Vec<String>, Error> {
    let list = required(body, MESSAGES, "AttachmentIds")?;
    let mut ids = Vec::new();
    for id in list.children.iter().filter(|c| c.ns == TYPES) {
        if id.name != "AttachmentId" {
            return Err(violation(
                id,
                format!("The element '{}' is not an attachment id.", id.name),
            ));
        }
        let value = id
            .attr("Id")
            .ok_or_else(|| violation(id, "The required attribute 'Id' is missing."))?;
        ids.push(value.to_owned());
    }
    if ids.is_empty() {
        return Err(violation(
            list,
            "The element 'AttachmentIds' has incomplete content.",
        ));
    }
    Ok(ids)
}

/// Decodes `GetAttachment`.
pub(crate) fn get_attachment(body: &Element) -> Result<Operation, Error> {
    let mut shape = Shape {
        base: BaseShape::AllProperties,
        body: BodyWanted::Best,
        additional: Vec::new(),
        paths: Vec::new(),
    };
    if let Some(given) = body.child(MESSAGES, "AttachmentShape") {
        // The attachment shape is an item shape without a base shape.
        let mut with_base = given.clone();
        with_base
            .children
            .insert(0, Element::new(TYPES, "BaseShape", "AllProperties"));
        shape = super::parts::shape(&with_base)?;
    }
    Ok(Operation::GetAttachment {
        shape,
        ids: attachment_ids(body)?,
    })
}

/// Decodes `DeleteAttachment`.
pub(crate) fn delete_attachment(body: &Element) -> Result<Operation, Error> {
    Ok(Operation::DeleteAttachment {
        ids: attachment_ids(body)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom;

    fn body(xml: &str) -> Element {
        let wrapped = format!("<m:X xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\">{xml}</m:X>");
        dom::parse(wrapped.as_bytes()).unwrap()
    }

    #[test]
    fn decodes_file_and_item_attachments() {
        let b = body(
            "<m:ParentItemId Id=\"P\" ChangeKey=\"K\"/><m:Attachments>\
             <t:FileAttachment><t:Name>a.txt</t:Name><t:IsInline>true</t:IsInline>\
             <t:Content>aGVs\n bG8=</t:Content></t:FileAttachment>\
             <t:ItemAttachment><t:Name>i</t:Name><t:Message><t:Subject>s</t:Subject></t:Message>\
             </t:ItemAttachment></m:Attachments>",
        );
        let Operation::CreateAttachment { attachments, .. } = create_attachment(&b).unwrap() else {
            panic!("not CreateAttachment")
        };
        assert_eq!(attachments[0].content, NewContent::File(b"hello".to_vec()));
        assert!(attachments[0].is_inline);
        let NewContent::Item(Some(item)) = &attachments[1].content else {
            panic!("no item")
        };
        assert_eq!(item.fields.subject.as_deref(), Some("s"));
    }

    #[test]
    fn refuses_bad_base64_and_missing_parts() {
        for xml in [
            "<m:ParentItemId Id=\"P\"/><m:Attachments><t:FileAttachment><t:Content>@@@</t:Content></t:FileAttachment></m:Attachments>",
            "<m:ParentItemId Id=\"P\"/><m:Attachments><t:FileAttachment><t:Content>aGVsbG8</t:Content></t:FileAttachment></m:Attachments>",
            "<m:ParentItemId Id=\"P\"/><m:Attachments/>",
            "<m:Attachments><t:FileAttachment/></m:Attachments>",
            "<m:ParentItemId/><m:Attachments><t:FileAttachment/></m:Attachments>",
            "<m:ParentItemId Id=\"P\"/><m:Attachments><t:ReferenceAttachment/></m:Attachments>",
        ] {
            let e = create_attachment(&body(xml)).unwrap_err();
            assert!(e.is_schema_violation(), "{xml}: {e}");
        }
        for xml in [
            "<m:AttachmentIds/>",
            "<m:AttachmentIds><t:AttachmentId/></m:AttachmentIds>",
            "",
        ] {
            assert!(get_attachment(&body(xml)).is_err(), "{xml}");
            assert!(delete_attachment(&body(xml)).is_err(), "{xml}");
        }
    }
}
