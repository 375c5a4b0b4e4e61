//! Body conversion between HTML and text, roughly as Exchange converts bodies.

use crate::escape;
use crate::request::{Body, BodyKind, BodyWanted};

/// Converts a body to the wanted format, roughly as Exchange does.
pub(crate) fn convert(body: Body, wanted: BodyWanted) -> Body {
    match (wanted, body.kind) {
        (BodyWanted::Html, BodyKind::Text) => {
            let escaped = escape::text(&body.content).replace('\n', "<br>\n");
            Body {
                kind: BodyKind::Html,
                content: format!("<html>\n<body>\n{escaped}\n</body>\n</html>\n"),
            }
        }
        (BodyWanted::Text, BodyKind::Html) => Body {
            kind: BodyKind::Text,
            content: html_to_text(&body.content),
        },
        _ => body,
    }
}

/// The text of an HTML body: tags dropped, the common entities decoded.
fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => text.push(c),
            (true, _) => {}
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}
