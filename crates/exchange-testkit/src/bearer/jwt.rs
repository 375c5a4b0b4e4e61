//! JSON Web Tokens in JWS compact form (RFC 7515, 7519): decoding, and the RS256 signature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

use super::jwks::TrustedKey;
use super::{invalid, printable};
use crate::error::Error;

/// The longest token accepted (Entra ID's are 1–3 KiB, a token with many groups a few more).
pub(crate) const MAX_TOKEN: usize = 16 * 1024;
/// The longest JOSE header part accepted (`alg`, `kid`, `typ` and perhaps `x5t`: some 200
/// characters).
const MAX_JOSE_HEADER: usize = 2048;

/// What cannot be parsed is reported as Exchange words it, with what went wrong.
fn unparsable(what: &str) -> Error {
    invalid(&format!(
        "OAuth token submitted with the request cannot be parsed: {what}."
    ))
}

/// The claims of `token` once one of `keys` has verified its RS256 signature. Anything else
/// (another algorithm, an unknown `kid`, a bad signature, malformed parts) is refused as an
/// invalid token.
pub(crate) fn verified_claims(
    token: &str,
    keys: &[TrustedKey],
) -> Result<Map<String, Value>, Error> {
    if token.len() > MAX_TOKEN {
        return Err(unparsable("the token is longer than 16 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(unparsable("it is not three parts separated by dots"));
    };
    if header.len() > MAX_JOSE_HEADER {
        return Err(unparsable("the header is longer than 2 KiB"));
    }
    let header = json_object(header, "header")?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("none");
    if alg != "RS256" {
        return Err(invalid(&format!(
            "The token is signed with '{}'; only RS256 is accepted.",
            printable(alg)
        )));
    }
    if header.contains_key("crit") {
        return Err(invalid(
            "The token names critical header parameters, which are not understood.",
        ));
    }
    let key = match header.get("kid") {
        Some(Value::String(kid)) => keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid.as_str()))
            .ok_or_else(|| invalid(&format!("No trusted key has the kid '{}'.", printable(kid))))?,
        Some(_) => return Err(unparsable("the kid is not a string")),
        None => match keys {
            [only] => only,
            _ => {
                return Err(invalid(
                    "The token names no kid and more than one key is trusted.",
                ))
            }
        },
    };
    let signature = decode_part(signature, "signature")?;
    let signed = &token[..header_and_payload_len(token)];
    if !key.verifies(signed.as_bytes(), &signature) {
        return Err(invalid("The token has an invalid signature."));
    }
    json_object(payload, "payload")
}

/// The length of `header.payload` in a token of three parts.
fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

/// A base64url part without padding, decoded.
fn decode_part(part: &str, what: &str) -> Result<Vec<u8>, Error> {
    if part.is_empty() {
        return Err(unparsable(&format!("the {what} is empty")));
    }
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| unparsable(&format!("the {what} is not base64url")))
}

/// A part that must be a JSON object.
fn json_object(part: &str, what: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice(&decode_part(part, what)?) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(unparsable(&format!("the {what} is not a JSON object"))),
        Err(_) => Err(unparsable(&format!("the {what} is not JSON"))),
    }
}
