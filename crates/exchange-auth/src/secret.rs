//! How secrets leave the strategies: `Authorization` headers built in buffers that are wiped
//! afterwards and marked sensitive, and comparisons of secrets that take the same time however
//! much of them matches.

use base64::Engine as _;
use http::header::InvalidHeaderValue;
use http::HeaderValue;
use zeroize::Zeroizing;

/// The sensitive header `<scheme> <credentials>`; fails when `credentials` has characters a
/// header cannot carry.
pub(crate) fn header(scheme: &str, credentials: &str) -> Result<HeaderValue, InvalidHeaderValue> {
    let text = Zeroizing::new(format!("{scheme} {credentials}"));
    let mut value = HeaderValue::from_str(&text)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The sensitive header `<scheme> <base64 of token>` (Basic credentials, NTLM and SPNEGO
/// tokens).
pub(crate) fn encoded_header(scheme: &str, token: &[u8]) -> HeaderValue {
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(token));
    header(scheme, &encoded).expect("a scheme and base64 are valid header characters")
}

/// Whether `a` and `b` are equal, compared without stopping at the first difference (the time
/// taken tells a guesser nothing about how much of a MIC or a state was right).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_sensitive() {
        let value = encoded_header("Negotiate", b"\x60\x01\x00");
        assert_eq!(value.to_str().unwrap(), "Negotiate YAEA");
        assert!(value.is_sensitive());
        let value = header("Bearer", "eyJ0.eyJ1.c2ln").unwrap();
        assert_eq!(value.to_str().unwrap(), "Bearer eyJ0.eyJ1.c2ln");
        assert!(value.is_sensitive());
    }

    #[test]
    fn credentials_a_header_cannot_carry_are_refused() {
        for bad in ["a\r\nSet-Cookie: x", "a\nb", "\u{0}", "a\u{7f}"] {
            assert!(header("Bearer", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(!constant_time_eq(b"a", b""));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(&[0; 16], &[1; 16]));
    }
}
