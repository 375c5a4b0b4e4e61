//! `ConvertId`: mailbox item and folder ids from one format into another.

use crate::directory::{AlternateId, ConvertedId, IdFormat};
use crate::operations::reading::response_messages;
use crate::operations::sans_io_methods;
use crate::soap::{check_message, cut, request_envelope};
use crate::xml::{parse_bool, Element};
use crate::{Envelope, EwsError, ExchangeVersion, Operation};

/// The most ids one request converts (Exchange's limit).
const MAX_IDS: usize = 1000;

/// Converts ids between the formats of EWS, MAPI and Outlook Web App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertId {
    ids: Vec<AlternateId>,
    destination: IdFormat,
}

impl ConvertId {
    /// The request converting `ids` (1 to 1000) into `destination`.
    pub fn new(ids: Vec<AlternateId>, destination: IdFormat) -> Result<Self, EwsError> {
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(EwsError::InvalidArgument {
                argument: "source ids",
                reason: format!("{} ids; 1 to {MAX_IDS} are allowed", ids.len()),
            });
        }
        for id in &ids {
            id.check()?;
        }
        Ok(Self { ids, destination })
    }

    /// The ids to convert.
    pub fn ids(&self) -> &[AlternateId] {
        &self.ids
    }

    /// The format asked for.
    pub fn destination(&self) -> IdFormat {
        self.destination
    }
}

sans_io_methods!(ConvertId);

impl Operation for ConvertId {
    /// One result per id, in the order sent: the converted id or the error of its message.
    type Output = Vec<Result<ConvertedId, EwsError>>;
    const NAME: &'static str = "ConvertId";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start(
                "m:ConvertId",
                &[("DestinationFormat", self.destination.as_str())],
            )
            .start("m:SourceIds", &[]);
            for id in &self.ids {
                let mut attributes = vec![
                    ("Format", id.format.as_str()),
                    ("Id", id.id.as_str()),
                    ("Mailbox", id.mailbox.as_str()),
                ];
                if let Some(archive) = id.is_archive {
                    attributes.push(("IsArchive", if archive { "true" } else { "false" }));
                }
                w.empty("t:AlternateId", &attributes);
            }
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        Ok(response_messages(envelope, Self::NAME)?
            .iter()
            .map(|message| {
                check_message(message)?;
                converted(message.required_child("AlternateId")?)
            })
            .collect())
    }
}

fn converted(e: &Element) -> Result<ConvertedId, EwsError> {
    let format = e.attribute("Format").unwrap_or_default();
    let format = IdFormat::from_name(format).ok_or_else(|| EwsError::InvalidValue {
        element: "AlternateId@Format".into(),
        value: cut(format),
        expected: "an id format (EwsId, EntryId, …)",
    })?;
    // Mailbox ids carry `Id`; public folder (item) ids `FolderId` and `ItemId`.
    let id = ["Id", "ItemId", "FolderId"]
        .iter()
        .find_map(|name| e.attribute(name))
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| EwsError::MissingElement {
            element: "@Id".into(),
            parent: "AlternateId".into(),
        })?;
    let is_archive = e
        .attribute("IsArchive")
        .map(|v| {
            parse_bool(v).ok_or_else(|| EwsError::InvalidValue {
                element: "AlternateId@IsArchive".into(),
                value: cut(v),
                expected: "an xs:boolean",
            })
        })
        .transpose()?;
    Ok(ConvertedId {
        format,
        id: id.to_owned(),
        mailbox: e.attribute("Mailbox").map(str::to_owned),
        is_archive,
        folder_id: e
            .attribute("ItemId")
            .and_then(|_| e.attribute("FolderId"))
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResponseCode;

    const ANSWER: &str = r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:ConvertIdResponse xmlns:m="urn:m" xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <m:ResponseMessages>
          <m:ConvertIdResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
            <m:AlternateId xsi:type="t:AlternateIdType" Format="EwsId" Id="AAMkAD=" Mailbox="alice@contoso.test" IsArchive="false"/>
          </m:ConvertIdResponseMessage>
          <m:ConvertIdResponseMessage ResponseClass="Error"><m:MessageText>Invalid id.</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode></m:ConvertIdResponseMessage>
          <m:ConvertIdResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
            <m:AlternateId xsi:type="t:AlternatePublicFolderItemIdType" Format="HexEntryId" FolderId="PF1" ItemId="PI1"/>
          </m:ConvertIdResponseMessage>
        </m:ResponseMessages></m:ConvertIdResponse></s:Body></s:Envelope>"#;

    #[test]
    fn writes_every_id_and_the_destination() {
        let ids = vec![
            AlternateId::new(IdFormat::EntryId, "AAAA<&>", "alice@contoso.test"),
            AlternateId {
                is_archive: Some(true),
                ..AlternateId::new(IdFormat::HexEntryId, "00AB", "bob@contoso.test")
            },
        ];
        let request = ConvertId::new(ids.clone(), IdFormat::EwsId).unwrap();
        assert_eq!(
            (request.ids(), request.destination()),
            (&ids[..], IdFormat::EwsId)
        );
        let xml = request.to_envelope(ExchangeVersion::Exchange2013);
        assert!(xml.contains(r#"<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="EntryId" Id="AAAA&lt;&amp;&gt;" Mailbox="alice@contoso.test"/><t:AlternateId Format="HexEntryId" Id="00AB" Mailbox="bob@contoso.test" IsArchive="true"/></m:SourceIds></m:ConvertId>"#), "{xml}");
    }

    #[test]
    fn refuses_bad_arguments() {
        assert!(ConvertId::new(Vec::new(), IdFormat::EwsId).is_err());
        let id = AlternateId::new(IdFormat::EwsId, "A", "a@b.test");
        assert!(ConvertId::new(vec![id.clone(); MAX_IDS + 1], IdFormat::EwsId).is_err());
        assert!(ConvertId::new(vec![id.clone(); MAX_IDS], IdFormat::EwsId).is_ok());
        let empty = AlternateId::new(IdFormat::EwsId, " ", "a@b.test");
        assert!(ConvertId::new(vec![empty], IdFormat::EwsId).is_err());
        let no_mailbox = AlternateId::new(IdFormat::EwsId, "A", "");
        assert!(ConvertId::new(vec![no_mailbox], IdFormat::EwsId).is_err());
        assert_eq!(IdFormat::from_name(" OwaId "), Some(IdFormat::OwaId));
        assert_eq!(IdFormat::from_name("Other"), None);
    }

    #[test]
    fn keeps_per_id_errors() {
        let results = ConvertId::parse_response(ANSWER.as_bytes()).unwrap();
        assert_eq!(results.len(), 3);
        let first = results[0].as_ref().unwrap();
        assert_eq!(
            (
                first.format,
                first.id.as_str(),
                first.mailbox.as_deref(),
                first.is_archive
            ),
            (
                IdFormat::EwsId,
                "AAMkAD=",
                Some("alice@contoso.test"),
                Some(false)
            )
        );
        let error = results[1].as_ref().unwrap_err();
        assert_eq!(
            error.response_code().map(ResponseCode::as_str),
            Some("ErrorInvalidIdMalformed")
        );
        let public = results[2].as_ref().unwrap();
        assert_eq!(
            (public.id.as_str(), public.folder_id.as_deref()),
            ("PI1", Some("PF1"))
        );
    }

    #[test]
    fn refuses_malformed_truncated_and_hostile_answers() {
        for cut in [1, ANSWER.len() / 2, ANSWER.len() - 4] {
            assert!(ConvertId::parse_response(&ANSWER.as_bytes()[..cut]).is_err());
        }
        let bad_format = ANSWER.replace(r#"Format="EwsId""#, r#"Format="Base64""#);
        let results = ConvertId::parse_response(bad_format.as_bytes()).unwrap();
        assert!(matches!(results[0], Err(EwsError::InvalidValue { .. })));
        let no_id = ANSWER.replace(r#"Id="AAMkAD=""#, "");
        let results = ConvertId::parse_response(no_id.as_bytes()).unwrap();
        assert!(results[0].as_ref().unwrap_err().is_malformed_response());
        let bad_archive = ANSWER.replace(r#"IsArchive="false""#, r#"IsArchive="no""#);
        assert!(ConvertId::parse_response(bad_archive.as_bytes()).unwrap()[0].is_err());
        let empty = ANSWER
            .split("<m:ResponseMessages>")
            .next()
            .unwrap()
            .to_owned()
            + "<m:ResponseMessages/></m:ConvertIdResponse></s:Body></s:Envelope>";
        assert!(ConvertId::parse_response(empty.as_bytes()).is_err());
        let other = ANSWER.replace("ConvertIdResponse", "GetItemResponse");
        assert!(ConvertId::parse_response(other.as_bytes()).is_err());
        // Oversized: thousands of messages are read one by one, without a limit of their own.
        let one = r#"<m:ConvertIdResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:AlternateId Format="EwsId" Id="A" Mailbox="a@b.test"/></m:ConvertIdResponseMessage>"#;
        let many = ANSWER.replacen(
            "<m:ResponseMessages>",
            &format!("<m:ResponseMessages>{}", one.repeat(5000)),
            1,
        );
        assert_eq!(
            ConvertId::parse_response(many.as_bytes()).unwrap().len(),
            5003
        );
        let hostile = format!("<!DOCTYPE s [<!ENTITY x \"y\">]>{ANSWER}");
        assert!(ConvertId::parse_response(hostile.as_bytes()).is_err());
    }
}
