//! The users and the in-memory mailboxes of the fake, and the identifiers it hands out.
//!
//! Every user owns one mailbox with the folders of [`crate::folder_tree`]; the mailbox number is the user's
//! index. Identifiers are base64 like Exchange's, and carry the mailbox number so that an item
//! can be found (and access checked) from its `ItemId` alone.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};

pub(crate) use crate::item::StoredItem;

const ITEM_ID_TAG: &[u8; 4] = b"FXI1";
const CHANGE_KEY_TAG: &[u8; 4] = b"FXC1";
const ATTACHMENT_ID_TAG: &[u8; 4] = b"FXA1";
const OCCURRENCE_ID_TAG: &[u8; 4] = b"FXO1";

/// A configured user and the mailbox it owns.
#[derive(Debug)]
pub(crate) struct User {
    /// The login name of HTTP Basic authentication.
    pub(crate) login: String,
    /// The password; never logged.
    pub(crate) password: SecretString,
    /// The primary SMTP address of the user's mailbox.
    pub(crate) smtp: String,
}

/// The display name of `user` as the directory shows it: the words of its SMTP address's
/// local part (split at `.`, `_` and `-`), each capitalized (`anne.smith@…` is `Anne Smith`).
pub(crate) fn display_name(user: &User) -> String {
    let local = user.smtp.split('@').next().unwrap_or_default();
    local
        .split(['.', '_', '-'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The immutable part of the configuration: who may log in and open which mailbox.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    /// Users in configuration order; a user's index is also its mailbox number.
    pub(crate) users: Vec<User>,
    /// `(user, mailbox)` pairs with delegate access.
    pub(crate) delegates: Vec<(usize, usize)>,
}

impl Directory {
    /// The user with this login name (case-insensitive, as Windows logins are).
    pub(crate) fn by_login(&self, login: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.login.eq_ignore_ascii_case(login))
    }

    /// The user with this login name (case-insensitive, as Windows logins are) and password.
    pub(crate) fn authenticate(&self, login: &str, password: &str) -> Option<usize> {
        let index = self
            .users
            .iter()
            .position(|u| u.login.eq_ignore_ascii_case(login))?;
        let expected = self.users[index].password.expose_secret().as_bytes();
        // Compare every byte so that the time taken says nothing about the password.
        let same = expected.len() == password.len()
            && expected
                .iter()
                .zip(password.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then_some(index)
    }

    /// The mailbox with this primary SMTP address (case-insensitive).
    pub(crate) fn mailbox(&self, smtp: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.smtp.eq_ignore_ascii_case(smtp))
    }

    /// Whether `user` may open `mailbox`: its own, or one it is a delegate of.
    pub(crate) fn may_open(&self, user: usize, mailbox: usize) -> bool {
        user == mailbox || self.delegates.contains(&(user, mailbox))
    }

    /// The primary SMTP address of a mailbox.
    pub(crate) fn smtp(&self, mailbox: usize) -> &str {
        self.users.get(mailbox).map_or("", |u| u.smtp.as_str())
    }
}

/// A message that was sent, for [`crate::FakeExchange::sent_messages`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sent {
    /// The sender's mailbox.
    pub(crate) mailbox: usize,
    /// The message as it was sent.
    pub(crate) item: StoredItem,
}

/// The mutable part: every mailbox's items, and the messages sent.
#[derive(Debug)]
pub(crate) struct Store {
    mailboxes: Vec<Vec<StoredItem>>,
    last_change: u64,
    /// Messages sent, oldest first.
    pub(crate) sent: Vec<Sent>,
    /// The folders made by `CreateFolder`, of every mailbox; the one at position `n` has the
    /// tree index `TREE.len() + n` (see [`crate::folder_tree`]).
    pub(crate) folders: Vec<MadeFolder>,
}

/// A folder made by `CreateFolder`.
#[derive(Debug, Clone)]
pub(crate) struct MadeFolder {
    /// Its mailbox.
    pub(crate) mailbox: usize,
    /// The tree index of its parent.
    pub(crate) parent: usize,
    /// `DisplayName`.
    pub(crate) display_name: String,
    /// `FolderClass`, when it has one.
    pub(crate) class: Option<String>,
    /// Counts its changes, for its change key.
    pub(crate) version: u64,
    /// Whether it is gone (positions are never reused, so ids stay unique).
    pub(crate) deleted: bool,
}

impl Store {
    /// An empty store for `mailboxes` mailboxes.
    pub(crate) fn new(mailboxes: usize) -> Self {
        Self {
            mailboxes: vec![Vec::new(); mailboxes],
            last_change: 0,
            sent: Vec::new(),
            folders: Vec::new(),
        }
    }

    /// A fresh change counter; change keys are unique across the store.
    pub(crate) fn next_change(&mut self) -> u64 {
        self.last_change += 1;
        self.last_change
    }

    /// The items of a mailbox's folder (none for an unknown mailbox), in creation order.
    pub(crate) fn items_in(
        &self,
        mailbox: usize,
        folder: usize,
    ) -> impl Iterator<Item = &StoredItem> + '_ {
        self.mailboxes
            .get(mailbox)
            .into_iter()
            .flatten()
            .filter(move |i| i.folder == folder)
    }

    /// Adds an item to a mailbox.
    pub(crate) fn insert(&mut self, mailbox: usize, item: StoredItem) {
        if let Some(items) = self.mailboxes.get_mut(mailbox) {
            items.push(item);
        }
    }

    /// The item with this key, for changes.
    pub(crate) fn item_mut(&mut self, mailbox: usize, key: &[u8; 16]) -> Option<&mut StoredItem> {
        self.mailboxes
            .get_mut(mailbox)?
            .iter_mut()
            .find(|i| &i.key == key)
    }

    /// The item with this key.
    pub(crate) fn item(&self, mailbox: usize, key: &[u8; 16]) -> Option<&StoredItem> {
        self.mailboxes.get(mailbox)?.iter().find(|i| &i.key == key)
    }

    /// Removes the item with this key; the item, if it was there.
    pub(crate) fn remove(&mut self, mailbox: usize, key: &[u8; 16]) -> Option<StoredItem> {
        let items = self.mailboxes.get_mut(mailbox)?;
        let index = items.iter().position(|i| &i.key == key)?;
        Some(items.remove(index))
    }
}

/// Base64 of `tag` followed by `parts`: the shape of every id and state the fake hands out.
pub(crate) fn encode_tagged(tag: &[u8; 4], parts: &[&[u8]]) -> String {
    let mut bytes = Vec::with_capacity(4 + parts.iter().map(|p| p.len()).sum::<usize>());
    bytes.extend_from_slice(tag);
    for part in parts {
        bytes.extend_from_slice(part);
    }
    BASE64.encode(bytes)
}

/// The bytes after `tag` of an [`encode_tagged`] text (surrounding white space allowed);
/// `None` when it is not base64 or has another tag.
pub(crate) fn decode_tagged(tag: &[u8; 4], text: &str) -> Option<Vec<u8>> {
    let bytes = BASE64.decode(text.trim()).ok()?;
    bytes.strip_prefix(tag).map(<[u8]>::to_vec)
}

/// A number as the four big-endian bytes ids carry (saturating: four billion mailboxes,
/// folders or occurrences do not fit in memory anyway).
pub(crate) fn number(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes()
}

/// The number four bytes of an id carry.
pub(crate) fn parse_number(bytes: [u8; 4]) -> Option<usize> {
    usize::try_from(u32::from_be_bytes(bytes)).ok()
}

/// The `ItemId/@Id` of an item.
pub(crate) fn item_id(mailbox: usize, key: &[u8; 16]) -> String {
    encode_tagged(ITEM_ID_TAG, &[&number(mailbox), key])
}

/// The mailbox and key an item id names; `None` when it is not an id the fake hands out.
pub(crate) fn parse_item_id(id: &str) -> Option<(usize, [u8; 16])> {
    let rest = decode_tagged(ITEM_ID_TAG, id)?;
    let (mailbox, key) = rest.split_first_chunk::<4>()?;
    let key: [u8; 16] = key.try_into().ok()?;
    Some((parse_number(*mailbox)?, key))
}

/// The `AttachmentId/@Id` of an attachment: the mailbox, the item and the attachment.
pub(crate) fn attachment_id(mailbox: usize, item: &[u8; 16], attachment: &[u8; 16]) -> String {
    encode_tagged(ATTACHMENT_ID_TAG, &[&number(mailbox), item, attachment])
}

/// The mailbox, item key and attachment key an attachment id names; `None` when it is not
/// an id the fake hands out.
pub(crate) fn parse_attachment_id(id: &str) -> Option<(usize, [u8; 16], [u8; 16])> {
    let rest = decode_tagged(ATTACHMENT_ID_TAG, id)?;
    let (mailbox, rest) = rest.split_first_chunk::<4>()?;
    let (item, rest) = rest.split_first_chunk::<16>()?;
    let attachment: [u8; 16] = rest.try_into().ok()?;
    Some((parse_number(*mailbox)?, *item, attachment))
}

/// The `ItemId/@Id` of occurrence `index` (1-based) of the series `key`.
pub(crate) fn occurrence_id(mailbox: usize, key: &[u8; 16], index: usize) -> String {
    encode_tagged(OCCURRENCE_ID_TAG, &[&number(mailbox), key, &number(index)])
}

/// The mailbox, series key and index an occurrence id names; `None` when it is not an id
/// the fake hands out.
pub(crate) fn parse_occurrence_id(id: &str) -> Option<(usize, [u8; 16], usize)> {
    let rest = decode_tagged(OCCURRENCE_ID_TAG, id)?;
    let (mailbox, rest) = rest.split_first_chunk::<4>()?;
    let (key, rest) = rest.split_first_chunk::<16>()?;
    let index: [u8; 4] = rest.try_into().ok()?;
    Some((parse_number(*mailbox)?, *key, parse_number(index)?))
}

/// The change counter a change key carries; `None` when it is not a key the fake hands out.
pub(crate) fn parse_change_key(key: &str) -> Option<u64> {
    let rest = decode_tagged(CHANGE_KEY_TAG, key)?;
    Some(u64::from_be_bytes(rest.as_slice().try_into().ok()?))
}

/// The `ItemId/@ChangeKey` of an item version.
pub(crate) fn change_key(change: u64) -> String {
    encode_tagged(CHANGE_KEY_TAG, &[&change.to_be_bytes()])
}

/// A new iCalendar UID in the shape Exchange gives them (a hex global object id).
pub(crate) fn new_uid() -> String {
    let mut uid = String::from("040000008200E00074C5B7101A82E00800000000");
    for b in uuid::Uuid::new_v4().as_bytes() {
        uid.push_str(&format!("{b:02X}"));
    }
    uid
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn directory() -> Directory {
        let user = |login: &str, smtp: &str| User {
            login: login.into(),
            password: SecretString::from("pw"),
            smtp: smtp.into(),
        };
        Directory {
            users: vec![
                user("alice", "alice@contoso.test"),
                user("bob", "bob@contoso.test"),
            ],
            delegates: vec![(1, 0)],
        }
    }

    #[test]
    fn item_ids_round_trip_and_carry_the_mailbox() {
        let key = [7u8; 16];
        let id = item_id(3, &key);
        assert_eq!(parse_item_id(&id), Some((3, key)));
        assert_eq!(parse_item_id(&format!(" {id}\n")), Some((3, key)));
        assert_ne!(item_id(2, &key), id);
    }

    #[test]
    fn foreign_or_broken_ids_are_malformed() {
        let key = [1u8; 16];
        let id = item_id(0, &key);
        for bad in [
            "",
            "AAA=",
            "not base64 at all!",
            &id[..id.len() - 4],
            &crate::folder_tree::folder_id(0, crate::folder_tree::CALENDAR),
            &change_key(5),
            "AAMkADk0N2E4NjcwLTZhNmYtNDdhZC05MWJjLTcyNDAwNmUwYjQ0YgBGAAAAAAA=",
        ] {
            assert_eq!(parse_item_id(bad), None, "{bad:?}");
        }
        assert_eq!(parse_item_id(&"A".repeat(1 << 20)), None);
    }

    #[test]
    fn change_keys_differ_per_change() {
        let mut store = Store::new(1);
        let (a, b) = (store.next_change(), store.next_change());
        assert_ne!(change_key(a), change_key(b));
    }

    #[test]
    fn directory_checks_passwords_and_grants() {
        let d = directory();
        assert_eq!(d.authenticate("ALICE", "pw"), Some(0));
        assert_eq!(d.authenticate("alice", "pw "), None);
        assert_eq!(d.authenticate("alice", ""), None);
        assert_eq!(d.authenticate("carol", "pw"), None);
        assert_eq!(d.mailbox("Bob@Contoso.Test"), Some(1));
        assert_eq!(d.mailbox("carol@contoso.test"), None);
        assert!(d.may_open(0, 0) && d.may_open(1, 0));
        assert!(!d.may_open(0, 1));
        assert_eq!(d.smtp(1), "bob@contoso.test");
        assert_eq!(d.smtp(9), "");
    }

    #[test]
    fn store_inserts_finds_and_removes() {
        let mut store = Store::new(2);
        let now = Utc::now();
        let mut item = StoredItem::new(
            crate::kind::ItemKind::Calendar,
            crate::folder_tree::CALENDAR,
            store.next_change(),
            now,
        );
        item.key = [9; 16];
        store.insert(1, item.clone());
        store.insert(7, item.clone());
        assert_eq!(store.items_in(1, crate::folder_tree::CALENDAR).count(), 1);
        assert_eq!(store.items_in(7, crate::folder_tree::CALENDAR).count(), 0);
        assert_eq!(store.items_in(1, 2).count(), 0);
        assert_eq!(store.item(1, &[9; 16]), Some(&item));
        assert_eq!(store.item(0, &[9; 16]), None);
        if let Some(stored) = store.item_mut(1, &[9; 16]) {
            stored.subject = Some("x".into());
        }
        assert_eq!(
            store.item(1, &[9; 16]).and_then(|i| i.subject.clone()),
            Some("x".into())
        );
        assert!(store.remove(1, &[9; 16]).is_some());
        assert!(store.remove(1, &[9; 16]).is_none());
        assert!(store.remove(7, &[9; 16]).is_none());
    }

    #[test]
    fn attachment_ids_and_change_keys_round_trip() {
        let id = attachment_id(2, &[1; 16], &[2; 16]);
        assert_eq!(parse_attachment_id(&id), Some((2, [1; 16], [2; 16])));
        assert_eq!(parse_attachment_id(&item_id(2, &[1; 16])), None);
        assert_eq!(parse_attachment_id("!!"), None);
        assert_eq!(parse_attachment_id(&id[..id.len() - 4]), None);
        assert_eq!(parse_change_key(&change_key(77)), Some(77));
        let occurrence = occurrence_id(1, &[3; 16], 12);
        assert_eq!(parse_occurrence_id(&occurrence), Some((1, [3; 16], 12)));
        assert_eq!(parse_occurrence_id(&item_id(1, &[3; 16])), None);
        assert_eq!(parse_occurrence_id(&occurrence[..8]), None);
        assert_eq!(parse_item_id(&occurrence), None);
        assert_eq!(parse_change_key("AAAA"), None);
        assert_eq!(parse_change_key(&item_id(0, &[0; 16])), None);
    }

    #[test]
    fn uids_look_like_exchange_global_object_ids() {
        let uid = new_uid();
        assert_eq!(uid.len(), 72);
        assert!(uid.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(uid, new_uid());
    }
}
