//! Hand-written, schema-valid requests for every kind of item, attachments and sync.

use super::requests::{envelope, x};

/// `<t:{element} Id="…"/>` for every id (`ItemId`, `AttachmentId`).
pub(crate) fn id_list(element: &str, ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!(r#"<t:{element} Id="{}"/>"#, x(id)))
        .collect()
}

/// A distinguished folder id, in another mailbox when `mailbox` is given.
pub(crate) fn folder(name: &str, mailbox: Option<&str>) -> String {
    match mailbox {
        None => format!(r#"<t:DistinguishedFolderId Id="{name}"/>"#),
        Some(smtp) => format!(
            r#"<t:DistinguishedFolderId Id="{name}"><t:Mailbox><t:EmailAddress>{}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>"#,
            x(smtp)
        ),
    }
}

/// `CreateItem` of item elements; `attributes` such as ` MessageDisposition="SaveOnly"`;
/// `folder` the inner `SavedItemFolderId` element, if any.
pub(crate) fn create_items(items: &[String], folder: Option<&str>, attributes: &str) -> String {
    let target = folder.map_or_else(String::new, |f| {
        format!("<m:SavedItemFolderId>{f}</m:SavedItemFolderId>")
    });
    envelope(&format!(
        "<m:CreateItem{attributes}>{target}<m:Items>{}</m:Items></m:CreateItem>",
        items.concat()
    ))
}

/// A `t:Contact` with a given name, two e-mail addresses and a business street.
pub(crate) fn contact(given: &str) -> String {
    format!(
        "<t:Contact><t:Subject>{0}</t:Subject><t:DisplayName>{0} Smith</t:DisplayName>\
         <t:GivenName>{0}</t:GivenName><t:EmailAddresses>\
         <t:Entry Key=\"EmailAddress1\">{1}@contoso.test</t:Entry>\
         <t:Entry Key=\"EmailAddress2\">{1}.home@contoso.test</t:Entry></t:EmailAddresses>\
         <t:PhysicalAddresses><t:Entry Key=\"Business\"><t:Street>1 Main St</t:Street>\
         </t:Entry></t:PhysicalAddresses><t:Surname>Smith</t:Surname></t:Contact>",
        x(given),
        x(&given.to_lowercase())
    )
}

/// A `t:Task` with a due date and a status.
pub(crate) fn task(subject: &str) -> String {
    format!(
        "<t:Task><t:Subject>{}</t:Subject><t:DueDate>2024-06-01T00:00:00Z</t:DueDate>\
         <t:Status>InProgress</t:Status></t:Task>",
        x(subject)
    )
}

/// A `t:Message` to `to` (none when empty), with an optional item class.
pub(crate) fn message(subject: &str, class: Option<&str>, to: &[&str]) -> String {
    let class = class.map_or_else(String::new, |c| format!("<t:ItemClass>{c}</t:ItemClass>"));
    let mut recipients = String::new();
    if !to.is_empty() {
        recipients.push_str("<t:ToRecipients>");
        for address in to {
            recipients.push_str(&format!(
                "<t:Mailbox><t:EmailAddress>{}</t:EmailAddress></t:Mailbox>",
                x(address)
            ));
        }
        recipients.push_str("</t:ToRecipients>");
    }
    format!(
        "<t:Message>{class}<t:Subject>{}</t:Subject><t:Body BodyType=\"Text\">Hello</t:Body>\
         {recipients}</t:Message>",
        x(subject)
    )
}

/// `GetItem` with an `ItemShape` whose `AdditionalProperties` hold `paths` (raw path
/// elements).
pub(crate) fn get_paths(ids: &[&str], base: &str, paths: &str) -> String {
    get_refs(&id_list("ItemId", ids), base, None, paths)
}

/// `GetItem` of raw item id elements (`ItemId`, `OccurrenceItemId`, …), with an optional
/// `BodyType` and raw path elements for `AdditionalProperties`.
pub(crate) fn get_refs(refs: &str, base: &str, body_type: Option<&str>, paths: &str) -> String {
    let body_type = body_type.map_or_else(String::new, |b| format!("<t:BodyType>{b}</t:BodyType>"));
    let additional = if paths.is_empty() {
        String::new()
    } else {
        format!("<t:AdditionalProperties>{paths}</t:AdditionalProperties>")
    };
    envelope(&format!(
        "<m:GetItem><m:ItemShape><t:BaseShape>{base}</t:BaseShape>{body_type}{additional}</m:ItemShape>\
         <m:ItemIds>{refs}</m:ItemIds></m:GetItem>"
    ))
}

/// `FindItem` over a folder with an optional view and restriction.
pub(crate) fn find_in(folder: &str, base: &str, view: &str, restriction: &str) -> String {
    envelope(&format!(
        r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>{base}</t:BaseShape></m:ItemShape>{view}{restriction}<m:ParentFolderIds>{folder}</m:ParentFolderIds></m:FindItem>"#
    ))
}

/// `MoveItem` or `CopyItem` of `ids` into the distinguished folder `to`.
pub(crate) fn transfer(operation: &str, ids: &[&str], to: &str) -> String {
    envelope(&format!(
        "<m:{operation}><m:ToFolderId>{}</m:ToFolderId><m:ItemIds>{}</m:ItemIds></m:{operation}>",
        folder(to, None),
        id_list("ItemId", ids)
    ))
}

/// `DeleteItem` of ids with the given attributes (`DeleteType` included).
pub(crate) fn delete_ids(ids: &[&str], attributes: &str) -> String {
    let ids = id_list("ItemId", ids);
    envelope(&format!(
        "<m:DeleteItem{attributes}><m:ItemIds>{ids}</m:ItemIds></m:DeleteItem>"
    ))
}

/// `UpdateItem` of one item with the given attributes and change descriptions.
pub(crate) fn update_with(
    id: &str,
    change_key: Option<&str>,
    attributes: &str,
    updates: &[String],
) -> String {
    let change_key = change_key.map_or_else(String::new, |c| format!(r#" ChangeKey="{}""#, x(c)));
    envelope(&format!(
        r#"<m:UpdateItem{attributes}><m:ItemChanges><t:ItemChange><t:ItemId Id="{}"{change_key}/><t:Updates>{}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"#,
        x(id),
        updates.concat()
    ))
}

/// A change description: `kind` is `SetItemField`, `AppendToItemField` or
/// `DeleteItemField`; `path` the path element; `item` the item element (none for deletes).
pub(crate) fn change(kind: &str, path: &str, item: Option<&str>) -> String {
    format!("<t:{kind}>{path}{}</t:{kind}>", item.unwrap_or_default())
}

/// A `FieldURI` path.
pub(crate) fn field(uri: &str) -> String {
    format!(r#"<t:FieldURI FieldURI="{uri}"/>"#)
}

/// An `IndexedFieldURI` path.
pub(crate) fn indexed(uri: &str, index: &str) -> String {
    format!(r#"<t:IndexedFieldURI FieldURI="{uri}" FieldIndex="{index}"/>"#)
}

/// An `ExtendedFieldURI` path of a named string property in the public strings set.
pub(crate) fn extended(name: &str) -> String {
    format!(
        r#"<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="{name}" PropertyType="String"/>"#
    )
}

/// An `ExtendedProperty` element of [`extended`] with a value.
pub(crate) fn extended_value(name: &str, value: &str) -> String {
    format!(
        "<t:ExtendedProperty>{}<t:Value>{}</t:Value></t:ExtendedProperty>",
        extended(name),
        x(value)
    )
}

/// `CreateAttachment` of raw attachment elements to an item.
pub(crate) fn create_attachments(parent: &str, attachments: &[String]) -> String {
    envelope(&format!(
        r#"<m:CreateAttachment><m:ParentItemId Id="{}"/><m:Attachments>{}</m:Attachments></m:CreateAttachment>"#,
        x(parent),
        attachments.concat()
    ))
}

/// A `t:FileAttachment` with base64 `content`, inline with a content id when `cid` is given.
pub(crate) fn file_attachment(name: &str, content: &str, cid: Option<&str>) -> String {
    let inline = cid.map_or_else(String::new, |c| {
        format!(
            "<t:ContentId>{}</t:ContentId><t:IsInline>true</t:IsInline>",
            x(c)
        )
    });
    format!(
        "<t:FileAttachment><t:Name>{}</t:Name><t:ContentType>text/plain</t:ContentType>{inline}\
         <t:Content>{content}</t:Content></t:FileAttachment>",
        x(name)
    )
}

/// `GetAttachment` of attachment ids, with an optional `BodyType` in the shape.
pub(crate) fn get_attachments(ids: &[&str], body_type: Option<&str>) -> String {
    let shape = body_type.map_or_else(String::new, |b| {
        format!("<m:AttachmentShape><t:BodyType>{b}</t:BodyType></m:AttachmentShape>")
    });
    let ids = id_list("AttachmentId", ids);
    envelope(&format!(
        "<m:GetAttachment>{shape}<m:AttachmentIds>{ids}</m:AttachmentIds></m:GetAttachment>"
    ))
}

/// `DeleteAttachment` of attachment ids.
pub(crate) fn delete_attachments(ids: &[&str]) -> String {
    let ids = id_list("AttachmentId", ids);
    envelope(&format!(
        "<m:DeleteAttachment><m:AttachmentIds>{ids}</m:AttachmentIds></m:DeleteAttachment>"
    ))
}

/// The `Id` of every `t:AttachmentId`.
pub(crate) fn attachment_ids(xml: &str) -> Vec<String> {
    super::nodes(xml)
        .into_iter()
        .filter(|n| n.ns == super::T && n.name == "AttachmentId")
        .map(|n| n.attr("Id").unwrap_or_default().to_owned())
        .collect()
}

/// `SyncFolderItems` of a distinguished folder.
pub(crate) fn sync_items(
    folder_name: &str,
    state: Option<&str>,
    ignore: &[&str],
    max: i32,
) -> String {
    let state = state.map_or_else(String::new, |s| {
        format!("<m:SyncState>{}</m:SyncState>", x(s))
    });
    let ignore = if ignore.is_empty() {
        String::new()
    } else {
        format!("<m:Ignore>{}</m:Ignore>", id_list("ItemId", ignore))
    };
    envelope(&format!(
        r#"<m:SyncFolderItems><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="{folder_name}"/></m:SyncFolderId>{state}{ignore}<m:MaxChangesReturned>{max}</m:MaxChangesReturned></m:SyncFolderItems>"#
    ))
}

/// `SyncFolderHierarchy` below a distinguished folder (the root when `None`).
pub(crate) fn sync_hierarchy(folder_name: Option<&str>, state: Option<&str>) -> String {
    let target = folder_name.map_or_else(String::new, |f| {
        format!(r#"<m:SyncFolderId><t:DistinguishedFolderId Id="{f}"/></m:SyncFolderId>"#)
    });
    let state = state.map_or_else(String::new, |s| {
        format!("<m:SyncState>{}</m:SyncState>", x(s))
    });
    envelope(&format!(
        r#"<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>{target}{state}</m:SyncFolderHierarchy>"#
    ))
}

/// The names of the change elements of a sync answer, in order.
pub(crate) fn change_kinds(xml: &str) -> Vec<String> {
    let changes = ["Create", "Update", "Delete", "ReadFlagChange"];
    super::nodes(xml)
        .into_iter()
        .filter(|n| n.ns == super::T && changes.contains(&n.name.as_str()))
        .map(|n| n.name)
        .collect()
}
