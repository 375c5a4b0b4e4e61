//! `GetFolder` of one or more folders.

use super::folder_xml::{folders, write_folder_shape};
use crate::folders::Folder;
use crate::operations::{check_count, sans_io_methods, write_folder};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Operation};

/// The most folders one request asks for; Exchange's default throttling policy refuses
/// larger batches anyway.
const MAX_FOLDERS: usize = 1000;

/// Reads folders by id or distinguished name, in one mailbox or several (delegate access).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetFolder {
    targets: Vec<FolderTarget>,
}

impl GetFolder {
    /// The request for `targets` (1 to 1000 of them); the answer lists the folders in the
    /// same order.
    pub fn new(targets: Vec<FolderTarget>) -> Result<Self, EwsError> {
        check_count("folders", targets.len(), MAX_FOLDERS)?;
        for target in &targets {
            target.check("folders")?;
        }
        Ok(Self { targets })
    }

    /// The folders asked for.
    pub fn targets(&self) -> &[FolderTarget] {
        &self.targets
    }
}

sans_io_methods!(GetFolder);

impl Operation for GetFolder {
    /// One folder per target, in order; the first target Exchange answers with an error
    /// fails the whole call.
    type Output = Vec<Folder>;
    const NAME: &'static str = "GetFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:GetFolder", &[]);
            write_folder_shape(w);
            w.start("m:FolderIds", &[]);
            for target in &self.targets {
                write_folder(w, target);
            }
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Vec<Folder>, EwsError> {
        let mut out = Vec::new();
        for message in envelope.all_messages(Self::NAME)? {
            let list = message.required_child("Folders")?;
            out.extend(folders(list)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folders::FolderId;
    use crate::test_support::sample;
    use crate::{DistinguishedFolder, ResponseCode};

    fn answer(messages: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:GetFolderResponse xmlns:m="urn:m" xmlns:t="urn:t">
            <m:ResponseMessages>{messages}</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#
        )
    }

    const OK: &str = r#"<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:Folders><t:CalendarFolder><t:FolderId Id="C1" ChangeKey="K1"/><t:DisplayName>Calendar</t:DisplayName>
        <t:TotalCount>4</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:CalendarFolder></m:Folders>
        </m:GetFolderResponseMessage>"#;

    #[test]
    fn writes_every_target_and_the_shape() {
        let request = GetFolder::new(vec![
            DistinguishedFolder::Calendar.into(),
            FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "bob@contoso.test".into()),
            FolderTarget::Id("AQMk<&>".into()),
        ])
        .unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2016);
        assert!(xml.contains(r#"<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:ParentFolderId"/><t:FieldURI FieldURI="folder:FolderClass"/></t:AdditionalProperties></m:FolderShape>"#), "{xml}");
        assert!(xml.contains(r#"<m:FolderIds><t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId><t:FolderId Id="AQMk&lt;&amp;&gt;"/></m:FolderIds>"#), "{xml}");
        assert_eq!(request.targets().len(), 3);
    }

    #[test]
    fn refuses_bad_targets() {
        assert!(GetFolder::new(Vec::new()).is_err());
        assert!(GetFolder::new(vec![FolderTarget::Id(" ".into())]).is_err());
        let other = FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob".into());
        assert!(GetFolder::new(vec![other]).is_err());
        let many = vec![FolderTarget::from(DistinguishedFolder::Inbox); MAX_FOLDERS + 1];
        assert!(matches!(
            GetFolder::new(many),
            Err(EwsError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn reads_several_messages_in_order() {
        let two = OK.to_owned() + &OK.replace("C1", "C2");
        let folders = GetFolder::parse_response(answer(&two).as_bytes()).unwrap();
        let ids: Vec<&str> = folders.iter().map(|f| f.id.id.as_str()).collect();
        assert_eq!(ids, ["C1", "C2"]);
        assert_eq!(folders[0].total_count, Some(4));
        assert_eq!(folders[0].unread_count, None);
    }

    #[test]
    fn an_error_message_fails_the_call() {
        let error = r#"<m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>Access is denied.</m:MessageText>
            <m:ResponseCode>ErrorAccessDenied</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetFolderResponseMessage>"#;
        let err =
            GetFolder::parse_response(answer(&(OK.to_owned() + error)).as_bytes()).unwrap_err();
        assert_eq!(err.response_code(), Some(&ResponseCode::ErrorAccessDenied));
    }

    #[test]
    fn refuses_malformed_truncated_and_hostile_answers() {
        let whole = answer(OK);
        for cut in [10, whole.len() / 2, whole.len() - 5] {
            let err = GetFolder::parse_response(&whole.as_bytes()[..cut]).unwrap_err();
            assert!(err.is_malformed_response(), "{cut}: {err}");
        }
        let no_folders = answer(&OK.replace("Folders>", "Stuff>"));
        assert!(matches!(
            GetFolder::parse_response(no_folders.as_bytes()),
            Err(EwsError::MissingElement { .. })
        ));
        let huge = answer(&OK.replace(">4<", ">4294967296<"));
        assert!(matches!(
            GetFolder::parse_response(huge.as_bytes()),
            Err(EwsError::InvalidValue { .. })
        ));
        let dtd = format!("<!DOCTYPE x [<!ENTITY a \"aaaa\">]>{whole}");
        assert!(matches!(
            GetFolder::parse_response(dtd.as_bytes()),
            Err(EwsError::XmlRefused { .. })
        ));
        let other_operation = whole.replace("GetFolderResponse", "FindFolderResponse");
        assert!(GetFolder::parse_response(other_operation.as_bytes()).is_err());
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert!(GetFolder::parse_response(deep.as_bytes()).is_err());
    }

    #[test]
    fn parses_the_exchange_2016_sample() {
        let Some(bytes) = sample("ewsrs-getfolder-response-exchange2016.xml") else {
            return;
        };
        let folders = GetFolder::parse_response(&bytes).unwrap();
        assert_eq!(folders.len(), 1);
        let folder = &folders[0];
        assert!(folder.id.id.starts_with("AQMkADRiZGNh"));
        assert_eq!(
            folder.id,
            FolderId::new(folder.id.id.clone())
                .with_change_key("AQAAABYAAABUlHmorID7SqN3OoVflc6XAAAAAACW")
        );
        assert_eq!(folder.display_name, None);
        assert_eq!(folder.parent_id, None);
    }
}
