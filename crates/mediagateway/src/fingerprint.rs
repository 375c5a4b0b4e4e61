//! Digests of several strings at once, each prefixed by its length so that no two different
//! lists give the same input (`("ab", "c")` and `("a", "bc")` differ).

use sha2::{Digest, Sha256};

/// The SHA-256 digest of `parts`, each prefixed by its length, then of `extra`.
pub(crate) fn digest(parts: &[&str], extra: &[u8]) -> [u8; 32] {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update((part.len() as u64).to_le_bytes());
        sha.update(part.as_bytes());
    }
    sha.update(extra);
    sha.finalize().into()
}

/// A fingerprint of the access data an account was made from (the server URL, the user name
/// and the mailbox): when it changes, the portal shows the login box again.
pub(crate) fn access_fingerprint(server_url: &str, user_name: &str, mailbox: &str) -> String {
    digest(&[server_url, user_name, mailbox], &[])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_prefix_separates_the_parts() {
        assert_ne!(digest(&["ab", "c"], &[]), digest(&["a", "bc"], &[]));
        assert_ne!(digest(&["a"], &[1]), digest(&["a"], &[2]));
        assert_eq!(
            access_fingerprint("https://x", "u", "m"),
            access_fingerprint("https://x", "u", "m")
        );
        assert_eq!(access_fingerprint("https://x", "u", "m").len(), 64);
    }
}
