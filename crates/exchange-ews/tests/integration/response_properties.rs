//! Property tests of the response decoders: documents generated from a small grammar of EWS
//! response messages (class, code, text, back-off) decode to the values they were made
//! from, with [`DecodedResponse`] and with the typed parsers alike.

use crate::xml_check;

use std::time::Duration;

use exchange_ews::calendar::{FindCalendarItems, GetCalendarItem};
use exchange_ews::decoded::{DecodedResponse, DocumentKind, MessageClass, NamespaceForm};
use exchange_ews::error::ResponseClass;
use exchange_ews::items::DeleteItem;
use exchange_ews::{EwsError, ResponseCode};
use proptest::prelude::*;
use xml_check::{assert_well_formed, escaped};

/// One generated response message.
#[derive(Debug, Clone)]
struct Message {
    class: MessageClass,
    code: Option<String>,
    text: Option<String>,
    back_off_ms: Option<u64>,
}

impl Message {
    /// Whether the typed parsers take the message for a failure.
    fn fails(&self) -> bool {
        match self.class {
            MessageClass::Success => false,
            MessageClass::Warning => self.response_code() != Some(ResponseCode::NoError),
            MessageClass::Error => true,
        }
    }

    fn response_code(&self) -> Option<ResponseCode> {
        self.code.as_deref().map(ResponseCode::from)
    }

    /// The message in schema order: `MessageText`, `ResponseCode`, `MessageXml`.
    fn write(&self, operation: &str, out: &mut String) {
        out.push_str(&format!(
            r#"<m:{operation}ResponseMessage ResponseClass="{}">"#,
            self.class.as_str()
        ));
        if let Some(text) = &self.text {
            out.push_str(&format!("<m:MessageText>{}</m:MessageText>", escaped(text)));
        }
        if let Some(code) = &self.code {
            out.push_str(&format!(
                "<m:ResponseCode>{}</m:ResponseCode>",
                escaped(code)
            ));
        }
        if let Some(ms) = self.back_off_ms {
            out.push_str(&format!(
                r#"<m:MessageXml><t:Value Name="BackOffMilliseconds">{ms}</t:Value></m:MessageXml>"#
            ));
        }
        out.push_str(&format!("</m:{operation}ResponseMessage>"));
    }
}

/// A whole response document.
#[derive(Debug, Clone)]
struct Document {
    operation: &'static str,
    https: bool,
    messages: Vec<Message>,
}

impl Document {
    fn write(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let mut messages = String::new();
        for message in &self.messages {
            message.write(self.operation, &mut messages);
        }
        let operation = self.operation;
        let xml = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="{scheme}://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:{operation}Response xmlns:m="{scheme}://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="{scheme}://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages>{messages}</m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
        );
        assert_well_formed(&xml);
        xml
    }
}

/// Message text as servers write it: any printable text, markup characters included.
fn message_text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,40}", "[<>&\"' a-zA-Z.]{0,20}"]
}

fn response_code() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(ResponseCode::KNOWN).prop_map(|c| c.as_str().to_owned()),
        "Error[A-Za-z]{1,24}",
        // Faults and some servers indent the code.
        "[ \n]{0,2}(NoError|ErrorServerBusy)[ \n]{0,2}",
    ]
}

fn message() -> impl Strategy<Value = Message> {
    (
        proptest::sample::select(
            &[
                MessageClass::Success,
                MessageClass::Warning,
                MessageClass::Error,
            ][..],
        ),
        proptest::option::of(response_code()),
        proptest::option::of(message_text()),
        proptest::option::of(0u64..=u64::MAX),
    )
        .prop_map(|(class, code, text, back_off_ms)| Message {
            class,
            code,
            text,
            back_off_ms,
        })
}

fn document() -> impl Strategy<Value = Document> {
    (
        proptest::sample::select(&["DeleteItem", "GetItem", "FindItem"][..]),
        any::<bool>(),
        proptest::collection::vec(message(), 1..4),
    )
        .prop_map(|(operation, https, messages)| Document {
            operation,
            https,
            messages,
        })
}

/// The error the typed parsers report for a failing first message.
fn check_typed_error(error: &EwsError, message: &Message) -> Result<(), TestCaseError> {
    let EwsError::Response {
        class,
        code,
        message_text,
        back_off,
        ..
    } = error
    else {
        return Err(TestCaseError::fail(format!(
            "not a response error: {error:?}"
        )));
    };
    let expected_class = match message.class {
        MessageClass::Error => ResponseClass::Error,
        _ => ResponseClass::Warning,
    };
    prop_assert_eq!(*class, expected_class);
    prop_assert_eq!(
        Some(code.clone()),
        message
            .response_code()
            .or(Some(ResponseCode::Unknown(String::new())))
    );
    prop_assert_eq!(
        message_text.as_str(),
        message.text.as_deref().unwrap_or("").trim()
    );
    prop_assert_eq!(*back_off, message.back_off_ms.map(Duration::from_millis));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoded_messages_are_the_generated_ones(doc in document()) {
        let xml = doc.write();
        let decoded = DecodedResponse::parse(xml.as_bytes())
            .unwrap_or_else(|e| panic!("{e}\n{xml}"));
        prop_assert_eq!(decoded.kind(), DocumentKind::Response);
        prop_assert_eq!(decoded.operation(), Some(doc.operation));
        let form = if doc.https { NamespaceForm::HttpsVariant } else { NamespaceForm::Standard };
        prop_assert_eq!(decoded.namespace_form(), form);
        prop_assert_eq!(decoded.messages().len(), doc.messages.len());
        for (read, made) in decoded.messages().iter().zip(&doc.messages) {
            prop_assert_eq!(read.name(), format!("{}ResponseMessage", doc.operation));
            prop_assert_eq!(read.class(), made.class);
            prop_assert_eq!(read.response_code().cloned(), made.response_code());
            prop_assert_eq!(read.message_text(), made.text.as_deref().map(str::trim));
            prop_assert_eq!(read.back_off(), made.back_off_ms.map(Duration::from_millis));
            prop_assert!(read.details().is_empty());
        }
        let first_failure = doc.messages.iter().position(Message::fails);
        let decoded_failure = decoded
            .first_failure()
            .and_then(|f| decoded.messages().iter().position(|m| std::ptr::eq(m, f)));
        prop_assert_eq!(decoded_failure, first_failure);
    }

    #[test]
    fn typed_parsers_report_the_first_message(doc in document()) {
        let xml = doc.write();
        let first = &doc.messages[0];
        let bytes = xml.as_bytes();
        match doc.operation {
            "DeleteItem" => match DeleteItem::parse_response(bytes) {
                Ok(()) => prop_assert!(!first.fails()),
                Err(error) => {
                    prop_assert!(first.fails(), "{error}");
                    check_typed_error(&error, first)?;
                }
            },
            // A successful message would need items; only failures are compared.
            "GetItem" if first.fails() => {
                let error = GetCalendarItem::parse_response(bytes).unwrap_err();
                check_typed_error(&error, first)?;
            }
            "FindItem" if first.fails() => {
                let error = FindCalendarItems::parse_response(bytes).unwrap_err();
                check_typed_error(&error, first)?;
            }
            _ => {
                let error = match doc.operation {
                    "GetItem" => GetCalendarItem::parse_response(bytes).map(drop),
                    _ => FindCalendarItems::parse_response(bytes).map(drop),
                }
                .unwrap_err();
                prop_assert!(error.is_malformed_response(), "{error}");
            }
        }
    }
}
