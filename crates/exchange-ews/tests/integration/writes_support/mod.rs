//! Canned answers of the write operations for the wiremock tests.

use wiremock::ResponseTemplate;

use crate::common::response;

/// Every `Id="…"` of the `ItemId` elements of a request body, in order.
pub(crate) fn item_ids(body: &str) -> Vec<String> {
    body.split("<t:ItemId Id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// A successful response message of `operation` holding `inner`.
pub(crate) fn ok(operation: &str, inner: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{inner}</m:{operation}ResponseMessage>"#
    )
}

/// A failed response message of `operation` with `code`.
pub(crate) fn error(operation: &str, code: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>no</m:MessageText><m:ResponseCode>{code}</m:ResponseCode></m:{operation}ResponseMessage>"#
    )
}

/// A response with several messages (`common::response` wraps one).
pub(crate) fn messages(operation: &str, all: &[String]) -> String {
    let inner = all.concat();
    let one = response(operation, "Success", "@@");
    let start = one.find(&format!("<m:{operation}ResponseMessage")).unwrap();
    let end = one
        .find(&format!("</m:{operation}ResponseMessage>"))
        .unwrap()
        + format!("</m:{operation}ResponseMessage>").len();
    format!("{}{inner}{}", &one[..start], &one[end..])
}

/// A 200 answer with `body` as XML.
pub(crate) fn xml(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/xml; charset=utf-8")
}
