//! `CreateFolder`, `UpdateFolder` (the display name), `DeleteFolder` and `MoveFolder`, each
//! of one folder.

use super::folder_xml::folder_id;
use crate::folders::FolderId;
use crate::items::DeleteType;
use crate::operations::{sans_io_methods, write_folder};
use crate::soap::request_envelope;
use crate::xml::{Element, XmlWriter};
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Operation};

/// The longest display name or folder class accepted, in characters (Exchange's own limit
/// for a display name is 255).
const MAX_NAME_CHARS: usize = 255;

fn check_name(argument: &'static str, name: &str) -> Result<(), EwsError> {
    let reason = if name.trim().is_empty() {
        "it is empty"
    } else if name.chars().count() > MAX_NAME_CHARS {
        "it is longer than 255 characters"
    } else if name.chars().any(char::is_control) {
        "it holds control characters"
    } else {
        return Ok(());
    };
    Err(EwsError::InvalidArgument {
        argument,
        reason: reason.to_owned(),
    })
}

fn check_id(argument: &'static str, id: &FolderId) -> Result<(), EwsError> {
    if id.id.trim().is_empty()
        || id
            .change_key
            .as_deref()
            .is_some_and(|k| k.trim().is_empty())
    {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: "the folder id or its change key is empty".into(),
        });
    }
    Ok(())
}

fn write_folder_id(w: &mut XmlWriter, id: &FolderId) {
    match &id.change_key {
        Some(key) => w.empty("t:FolderId", &[("Id", &id.id), ("ChangeKey", key)]),
        None => w.empty("t:FolderId", &[("Id", &id.id)]),
    };
}

/// The id of the one folder of a response message's `m:Folders`.
fn only_folder(message: &Element) -> Result<FolderId, EwsError> {
    let folder = message
        .required_child("Folders")?
        .children()
        .first()
        .ok_or_else(|| EwsError::MissingElement {
            element: "Folder".into(),
            parent: "Folders".into(),
        })?;
    folder_id(folder.required_child("FolderId")?)
}

/// Creates a folder (`t:Folder`, of a class when given) below a parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateFolder {
    parent: FolderTarget,
    display_name: String,
    folder_class: Option<String>,
}

impl CreateFolder {
    /// The request for a folder called `display_name` below `parent`, holding items of
    /// `folder_class` (`IPF.Contact`, …; a mail folder when `None`).
    pub fn new(
        parent: FolderTarget,
        display_name: impl Into<String>,
        folder_class: Option<String>,
    ) -> Result<Self, EwsError> {
        parent.check("parent folder")?;
        let display_name = display_name.into();
        check_name("display name", &display_name)?;
        if let Some(class) = &folder_class {
            check_name("folder class", class)?;
        }
        Ok(Self {
            parent,
            display_name,
            folder_class,
        })
    }
}

sans_io_methods!(CreateFolder);

impl Operation for CreateFolder {
    /// The new folder's id.
    type Output = FolderId;
    const NAME: &'static str = "CreateFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:CreateFolder", &[])
                .start("m:ParentFolderId", &[]);
            write_folder(w, &self.parent);
            w.end().start("m:Folders", &[]).start("t:Folder", &[]);
            // FolderType's order: FolderClass before DisplayName.
            if let Some(class) = &self.folder_class {
                w.text_element("t:FolderClass", &[], class);
            }
            w.text_element("t:DisplayName", &[], &self.display_name);
            w.end().end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<FolderId, EwsError> {
        only_folder(envelope.single_message(Self::NAME)?)
    }
}

/// Gives a folder a new display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameFolder {
    id: FolderId,
    display_name: String,
}

impl RenameFolder {
    /// The request that renames the folder `id` (with its change key, when given) to
    /// `display_name`.
    pub fn new(id: FolderId, display_name: impl Into<String>) -> Result<Self, EwsError> {
        check_id("folder id", &id)?;
        let display_name = display_name.into();
        check_name("display name", &display_name)?;
        Ok(Self { id, display_name })
    }
}

sans_io_methods!(RenameFolder);

impl Operation for RenameFolder {
    /// The folder's id, with its new change key.
    type Output = FolderId;
    const NAME: &'static str = "UpdateFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:UpdateFolder", &[])
                .start("m:FolderChanges", &[])
                .start("t:FolderChange", &[]);
            write_folder_id(w, &self.id);
            w.start("t:Updates", &[])
                .start("t:SetFolderField", &[])
                .empty("t:FieldURI", &[("FieldURI", "folder:DisplayName")])
                .start("t:Folder", &[])
                .text_element("t:DisplayName", &[], &self.display_name)
                .end()
                .end()
                .end()
                .end()
                .end()
                .end();
        })
    }

    fn output(envelope: &Envelope) -> Result<FolderId, EwsError> {
        only_folder(envelope.single_message(Self::NAME)?)
    }
}

/// Deletes a folder with everything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFolder {
    id: FolderId,
    delete_type: DeleteType,
}

impl DeleteFolder {
    /// The request that deletes the folder `id` as `delete_type` says.
    pub fn new(id: FolderId, delete_type: DeleteType) -> Result<Self, EwsError> {
        check_id("folder id", &id)?;
        Ok(Self { id, delete_type })
    }
}

sans_io_methods!(DeleteFolder);

impl Operation for DeleteFolder {
    type Output = ();
    const NAME: &'static str = "DeleteFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start(
                "m:DeleteFolder",
                &[("DeleteType", self.delete_type.as_str())],
            )
            .start("m:FolderIds", &[]);
            write_folder_id(w, &self.id);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<(), EwsError> {
        envelope.single_message(Self::NAME).map(|_| ())
    }
}

/// Moves a folder (with everything in it) below another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveFolder {
    id: FolderId,
    to: FolderTarget,
}

impl MoveFolder {
    /// The request that moves the folder `id` below `to`.
    pub fn new(id: FolderId, to: FolderTarget) -> Result<Self, EwsError> {
        check_id("folder id", &id)?;
        to.check("target folder")?;
        Ok(Self { id, to })
    }
}

sans_io_methods!(MoveFolder);

impl Operation for MoveFolder {
    /// The moved folder's id (Exchange keeps it within a mailbox).
    type Output = FolderId;
    const NAME: &'static str = "MoveFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:MoveFolder", &[]).start("m:ToFolderId", &[]);
            write_folder(w, &self.to);
            w.end().start("m:FolderIds", &[]);
            write_folder_id(w, &self.id);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<FolderId, EwsError> {
        only_folder(envelope.single_message(Self::NAME)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DistinguishedFolder;

    fn answer(operation: &str, content: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:{operation}Response xmlns:m="urn:m" xmlns:t="urn:t"><m:ResponseMessages><m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{content}</m:{operation}ResponseMessage></m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
        )
    }

    const FOLDERS: &str =
        r#"<m:Folders><t:Folder><t:FolderId Id="F1" ChangeKey="K2"/></t:Folder></m:Folders>"#;

    #[test]
    fn writes_each_request_in_schema_order() {
        let v = ExchangeVersion::Exchange2010;
        let create = CreateFolder::new(
            DistinguishedFolder::Contacts.into(),
            "Clients & <Partners>",
            Some("IPF.Contact".into()),
        )
        .unwrap()
        .to_envelope(v);
        assert!(create.contains(r#"<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderId><m:Folders><t:Folder><t:FolderClass>IPF.Contact</t:FolderClass><t:DisplayName>Clients &amp; &lt;Partners&gt;</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>"#), "{create}");
        let rename = RenameFolder::new(FolderId::new("F1").with_change_key("K1"), "New")
            .unwrap()
            .to_envelope(v);
        assert!(rename.contains(r#"<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="F1" ChangeKey="K1"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>New</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>"#), "{rename}");
        let delete = DeleteFolder::new(FolderId::new("F1"), DeleteType::SoftDelete)
            .unwrap()
            .to_envelope(v);
        assert!(delete.contains(r#"<m:DeleteFolder DeleteType="SoftDelete"><m:FolderIds><t:FolderId Id="F1"/></m:FolderIds></m:DeleteFolder>"#), "{delete}");
        let moved = MoveFolder::new(FolderId::new("F1"), FolderTarget::Id("P".into()))
            .unwrap()
            .to_envelope(v);
        assert!(moved.contains(r#"<m:MoveFolder><m:ToFolderId><t:FolderId Id="P"/></m:ToFolderId><m:FolderIds><t:FolderId Id="F1"/></m:FolderIds></m:MoveFolder>"#), "{moved}");
    }

    #[test]
    fn refuses_bad_arguments() {
        let top = FolderTarget::from(DistinguishedFolder::MsgFolderRoot);
        for name in ["", "  ", "a\u{0}b", &"x".repeat(256)] {
            assert!(
                CreateFolder::new(top.clone(), name, None).is_err(),
                "{name:?}"
            );
            assert!(RenameFolder::new(FolderId::new("F"), name).is_err());
        }
        assert!(CreateFolder::new(FolderTarget::Id(" ".into()), "a", None).is_err());
        assert!(CreateFolder::new(top.clone(), "a", Some(String::new())).is_err());
        assert!(DeleteFolder::new(FolderId::new(""), DeleteType::HardDelete).is_err());
        assert!(MoveFolder::new(FolderId::new("F"), FolderTarget::Id(String::new())).is_err());
    }

    #[test]
    fn reads_the_answers() {
        let id = CreateFolder::parse_response(answer("CreateFolder", FOLDERS).as_bytes()).unwrap();
        assert_eq!(id, FolderId::new("F1").with_change_key("K2"));
        let id = RenameFolder::parse_response(answer("UpdateFolder", FOLDERS).as_bytes()).unwrap();
        assert_eq!(id.change_key.as_deref(), Some("K2"));
        MoveFolder::parse_response(answer("MoveFolder", FOLDERS).as_bytes()).unwrap();
        DeleteFolder::parse_response(answer("DeleteFolder", "").as_bytes()).unwrap();
        let empty = answer("MoveFolder", "<m:Folders/>");
        assert!(MoveFolder::parse_response(empty.as_bytes()).is_err());
        let error = r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:DeleteFolderResponse xmlns:m="urn:m"><m:ResponseMessages><m:DeleteFolderResponseMessage ResponseClass="Error"><m:MessageText>No.</m:MessageText><m:ResponseCode>ErrorDeleteDistinguishedFolder</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:DeleteFolderResponseMessage></m:ResponseMessages></m:DeleteFolderResponse></s:Body></s:Envelope>"#;
        assert!(DeleteFolder::parse_response(error.as_bytes()).is_err());
    }
}
