//! The rule a new gateway password must pass.
//!
//! The gateway password guards every portal user's Exchange login data, and it starts as the
//! well-known default `1234`, so its replacement has to be hard to guess. A new password is
//! refused, in this order, when it:
//!
//! 1. is longer than [`MAX_PASSWORD_BYTES`] (1024) bytes of UTF-8 — a bound on what one call
//!    makes Argon2id hash;
//! 2. is a known default or common gateway password: the whole password, lowercased, is one of
//!    [`COMMON_PASSWORDS`], or its letters alone, lowercased (digits, spaces and punctuation
//!    dropped), are one of those words once or repeated — so `Password1234`, `media-gateway-2024`
//!    and `AdminAdmin!!` are refused;
//! 3. has fewer than [`MIN_PASSWORD_CHARS`] (12) characters (Unicode scalar values);
//! 4. is one character repeated, ignoring case (`aaaaAAAAaaaa`);
//! 5. is a simple sequence: each character, lowercased, is the one after its predecessor, or
//!    each is the one before, in the alphabet `a`–`z` or in the digits `0`–`9` (which wrap
//!    from `9` to `0`), as in `abcdefghijkl`, `345678901234` or `zyxwvutsrqpo`;
//! 6. scores below 3 (of 0–4) in the `zxcvbn` strength estimate, that is, would fall to fewer
//!    than about 10¹⁰ guesses; the gateway's own words (`mediagateway`, `gateway`, `exchange`,
//!    `portal`, `admin`) count as known to the guesser. The refusal carries zxcvbn's advice.
//!
//! No refusal repeats the password or any part of it.

use zxcvbn::Score;

/// The shortest new gateway password, in characters.
pub(crate) const MIN_PASSWORD_CHARS: usize = 12;

/// The longest new gateway password, in bytes: enough for any passphrase, and a bound on what
/// one call makes Argon2id hash.
pub(crate) const MAX_PASSWORD_BYTES: usize = 1024;

/// Default and common gateway passwords (lowercase), refused whatever their case; see the
/// module docs for how letters-only and repeated forms are matched.
pub(crate) const COMMON_PASSWORDS: &[&str] = &[
    crate::admin_password::DEFAULT_PASSWORD,
    "12345678",
    "123456789012",
    "admin",
    "administrator",
    "changeme",
    "default",
    "exchange",
    "gateway",
    "letmein",
    "mediagateway",
    "passwort",
    "password",
    "qwerty",
    "secret",
    "welcome",
];

/// Words a guesser aiming at this gateway would try first.
const GATEWAY_WORDS: &[&str] = &["mediagateway", "gateway", "exchange", "portal", "admin"];

/// The lowest zxcvbn score a new password must reach.
const MIN_SCORE: Score = Score::Three;

/// Why a new gateway password was refused; the messages never hold the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum WeakPassword {
    /// Longer than [`MAX_PASSWORD_BYTES`].
    #[error("the new gateway password is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// A default or commonly used password.
    #[error(
        "the new gateway password is a default or commonly used password; choose a passphrase \
         of a few uncommon words"
    )]
    Common,
    /// Shorter than [`MIN_PASSWORD_CHARS`].
    #[error("the new gateway password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// One character repeated.
    #[error("the new gateway password is one character repeated; choose a passphrase")]
    Repeated,
    /// A run through the alphabet or the digits.
    #[error(
        "the new gateway password is a simple sequence (like abcdef or 123456); choose a \
         passphrase"
    )]
    Sequence,
    /// Too easy to guess by zxcvbn's estimate.
    #[error("the new gateway password is too easy to guess: {advice}")]
    Guessable {
        /// zxcvbn's warning and suggestions.
        advice: String,
    },
}

/// Checks `password` against the rule of the module docs.
pub(crate) fn check(password: &str) -> Result<(), WeakPassword> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(WeakPassword::TooLong);
    }
    if is_common(password) {
        return Err(WeakPassword::Common);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    let lower: Vec<char> = password.chars().flat_map(char::to_lowercase).collect();
    if lower.windows(2).all(|pair| pair[0] == pair[1]) {
        return Err(WeakPassword::Repeated);
    }
    if is_sequence(&lower, 1) || is_sequence(&lower, -1) {
        return Err(WeakPassword::Sequence);
    }
    let estimate = zxcvbn::zxcvbn(password, GATEWAY_WORDS);
    if estimate.score() < MIN_SCORE {
        let advice = estimate
            .feedback()
            .map(ToString::to_string)
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
            .unwrap_or_else(|| "add another word or two; uncommon words are better.".to_owned());
        return Err(WeakPassword::Guessable { advice });
    }
    Ok(())
}

fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return true;
    }
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && COMMON_PASSWORDS.iter().any(|word| {
            !word.is_empty()
                && letters.len().is_multiple_of(word.len())
                && letters
                    .as_bytes()
                    .chunks(word.len())
                    .all(|c| c == word.as_bytes())
        })
}

/// Whether each character is `step` (1 or -1) places after its predecessor in `a`–`z` or in
/// the digits, which wrap.
fn is_sequence(chars: &[char], step: i8) -> bool {
    chars
        .windows(2)
        .all(|pair| next_in_run(pair[0], step) == Some(pair[1]))
}

fn next_in_run(c: char, step: i8) -> Option<char> {
    let (first, len) = match c {
        'a'..='z' => (b'a', 26),
        '0'..='9' => (b'0', 10),
        _ => return None,
    };
    let index = u8::try_from(c).ok()? - first;
    let next = match (c, step) {
        ('0'..='9', 1) => (index + 1) % len,
        ('0'..='9', _) => (index + len - 1) % len,
        (_, 1) => index.checked_add(1).filter(|&i| i < len)?,
        _ => index.checked_sub(1)?,
    };
    Some(char::from(first + next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_passphrases_pass() {
        for good in [
            "a long new password",
            "correct horse battery staple",
            "blue-lantern-orbit-7",
            "4kq9-Rt2m-Xw8p",
            "Jr7#pLq2vZ!e",
            "gateway-Secret-31a",
            "exchange-gateway-1",
        ] {
            assert_eq!(check(good), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn the_length_is_bounded_both_ways() {
        assert_eq!(check("Jr7#pLq2vZ!"), Err(WeakPassword::TooShort));
        assert_eq!(check("short"), Err(WeakPassword::TooShort));
        assert_eq!(check(""), Err(WeakPassword::TooShort));
        // Characters, not bytes: eleven two-byte characters are still too short.
        assert_eq!(check("ééééé-ßøλ∂x"), Err(WeakPassword::TooShort));
        let long = "4kq9-Rt2m-Xw8p ".repeat(80);
        assert!(long.len() > MAX_PASSWORD_BYTES);
        assert_eq!(check(&long), Err(WeakPassword::TooLong));
        let at_limit = &long[..MAX_PASSWORD_BYTES];
        assert_eq!(check(at_limit), Ok(()));
    }

    #[test]
    fn defaults_and_common_passwords_are_refused_in_any_case_and_dress() {
        for common in [
            "1234",
            "password",
            "PASSWORD",
            "admin",
            "mediagateway",
            "MediaGateway",
            "changeme",
            "Password1234",
            "changeme-2024!",
            "media-gateway-2024",
            "Media Gateway 1",
            "AdminAdminAdmin!",
            "administrator",
            "123456789012",
        ] {
            assert_eq!(check(common), Err(WeakPassword::Common), "{common:?}");
        }
    }

    #[test]
    fn a_repeated_character_is_refused() {
        assert_eq!(check("aaaaaaaaaaaa"), Err(WeakPassword::Repeated));
        assert_eq!(check("aaaaAAAAaaaaAAAA"), Err(WeakPassword::Repeated));
        assert_eq!(check(&"7".repeat(40)), Err(WeakPassword::Repeated));
        assert_eq!(check(&"€".repeat(12)), Err(WeakPassword::Repeated));
    }

    #[test]
    fn simple_sequences_are_refused() {
        for sequence in [
            "abcdefghijkl",
            "ABCDEFGHIJKLM",
            "zyxwvutsrqpo",
            "345678901234",
            "098765432109",
            "opqrstuvwxyz",
        ] {
            assert_eq!(check(sequence), Err(WeakPassword::Sequence), "{sequence:?}");
        }
        // The alphabet does not wrap, so this is no sequence by rule 5 (zxcvbn still judges).
        assert!(!is_sequence(&"uvwxyzabcdef".chars().collect::<Vec<_>>(), 1));
    }

    #[test]
    fn guessable_passwords_are_refused_with_advice() {
        for weak in [
            "qwertyuiop12",
            "iloveyou1234",
            "P@ssw0rd2024!",
            "zxcvbnmasdfg",
            "portalportal1",
        ] {
            let err = check(weak).unwrap_err();
            assert!(
                matches!(err, WeakPassword::Guessable { .. }),
                "{weak:?}: {err:?}"
            );
            let message = err.to_string();
            assert!(message.contains("too easy to guess: "), "{message}");
            assert!(
                message.len() > "too easy to guess: ".len() + 10,
                "{message}"
            );
        }
    }

    #[test]
    fn the_gateway_words_count_as_known() {
        // Fine for a guesser that does not know the gateway; weak for one that does.
        let password = "mediagateway2024";
        assert!(zxcvbn::zxcvbn(password, &[]).score() >= MIN_SCORE);
        assert!(check(password).is_err());
    }

    #[test]
    fn no_refusal_repeats_the_password() {
        for weak in [
            "Qwertyuiop-9",
            "P@ssw0rd2024!",
            "abcdefghijklm",
            "zzzzzzzzzzzzzzzz",
            "changeme1234",
            "short",
            &"x".repeat(2000),
        ] {
            let message = check(weak).unwrap_err().to_string();
            assert!(!message.contains(weak), "{message}");
            assert!(!message.to_lowercase().contains("qwerty"), "{message}");
        }
    }
}
