//! `SyncFolderItems` and `SyncFolderHierarchy` with opaque sync states.
//!
//! An item sync state is a snapshot of what the client knows: for every item it was told
//! about, its key, the counter of its last content change and its read flag. Comparing the
//! snapshot with the folder gives the changes since, whatever writes happened in between; a
//! page of changes moves only the reported items forward in the snapshot.

use std::fmt::Write as _;

use super::{folders, Context};
use crate::escape;
use crate::folder_tree;
use crate::item::StoredItem;
use crate::item_xml;
use crate::request::{FolderRef, ItemRef, Shape};
use crate::response::MessageError;
use crate::store::{self, number};

const ITEMS_STATE_TAG: &[u8; 4] = b"FXS1";
const FOLDERS_STATE_TAG: &[u8; 4] = b"FXH1";
/// Bytes per item in an item sync state: key, change counter, read flag.
const ENTRY_BYTES: usize = 16 + 8 + 1;

/// What the client knows of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Known {
    key: [u8; 16],
    content_change: u64,
    is_read: bool,
}

fn invalid_state() -> MessageError {
    MessageError::new(
        "ErrorInvalidSyncStateData",
        "Synchronization state data is corrupt or otherwise invalid.",
    )
}

fn encode_items(mailbox: usize, folder: usize, known: &[Known]) -> String {
    let mut entries = Vec::with_capacity(known.len() * ENTRY_BYTES);
    for k in known {
        entries.extend_from_slice(&k.key);
        entries.extend_from_slice(&k.content_change.to_be_bytes());
        entries.push(u8::from(k.is_read));
    }
    store::encode_tagged(
        ITEMS_STATE_TAG,
        &[&number(mailbox), &number(folder), &entries],
    )
}

/// The snapshot of a state for this mailbox and folder; `None` for anything else.
fn decode_items(state: &str, mailbox: usize, folder: usize) -> Option<Vec<Known>> {
    let rest = store::decode_tagged(ITEMS_STATE_TAG, state)?;
    let (m, rest) = rest.split_first_chunk::<4>()?;
    let (f, rest) = rest.split_first_chunk::<4>()?;
    if *m != number(mailbox) || *f != number(folder) || rest.len() % ENTRY_BYTES != 0 {
        return None;
    }
    rest.chunks_exact(ENTRY_BYTES)
        .map(|chunk| {
            let (key, rest) = chunk.split_first_chunk::<16>()?;
            let (change, flag) = rest.split_first_chunk::<8>()?;
            let is_read = match flag {
                [0] => false,
                [1] => true,
                _ => return None,
            };
            Some(Known {
                key: *key,
                content_change: u64::from_be_bytes(*change),
                is_read,
            })
        })
        .collect()
}

/// One change to report.
enum Change<'a> {
    Create(&'a StoredItem),
    Update(&'a StoredItem),
    ReadFlag(&'a StoredItem),
    Delete([u8; 16]),
}

/// One `SyncFolderItemsResponseMessage` content.
pub(super) fn items(
    ctx: &Context<'_>,
    folder: &FolderRef,
    shape: &Shape,
    state: Option<&str>,
    ignore: &[ItemRef],
    max: usize,
) -> Result<String, MessageError> {
    let (mailbox, index) = folders::resolve(ctx, folder)?;
    let mut known = match state {
        None => Vec::new(),
        Some(state) => decode_items(state, mailbox, index).ok_or_else(invalid_state)?,
    };
    let ignored: Vec<[u8; 16]> = ignore
        .iter()
        .filter_map(|id| match id {
            ItemRef::Item { id, .. } => store::parse_item_id(id).map(|(_, key)| key),
            _ => None,
        })
        .collect();
    let current: Vec<&StoredItem> = ctx.store.items_in(mailbox, index).collect();
    let mut changes: Vec<Change<'_>> = known
        .iter()
        .filter(|k| !current.iter().any(|i| i.key == k.key))
        .map(|k| Change::Delete(k.key))
        .collect();
    let mut ordered = current.clone();
    ordered.sort_by_key(|i| i.change);
    for item in ordered {
        match known.iter().find(|k| k.key == item.key) {
            None => changes.push(Change::Create(item)),
            Some(k) if k.content_change != item.content_change => {
                changes.push(Change::Update(item));
            }
            Some(k) if k.is_read != item.is_read() => changes.push(Change::ReadFlag(item)),
            Some(_) => {}
        }
    }
    let view = item_xml::Context {
        mailbox,
        owner: ctx.directory.smtp(mailbox),
        shape,
        for_find: true,
    };
    let mut reported = 0usize;
    let mut last = true;
    let mut xml = String::new();
    for change in changes {
        let key = match &change {
            Change::Create(i) | Change::Update(i) | Change::ReadFlag(i) => i.key,
            Change::Delete(key) => *key,
        };
        let is_ignored = ignored.contains(&key);
        if !is_ignored && reported == max {
            last = false;
            break;
        }
        // The snapshot moves forward for reported and ignored changes alike.
        known.retain(|k| k.key != key);
        if let Change::Create(i) | Change::Update(i) | Change::ReadFlag(i) = &change {
            known.push(Known {
                key,
                content_change: i.content_change,
                is_read: i.is_read(),
            });
        }
        if is_ignored {
            continue;
        }
        reported += 1;
        match change {
            Change::Create(item) => {
                let _ = write!(xml, "<t:Create>{}</t:Create>", item_xml::item(&view, item));
            }
            Change::Update(item) => {
                let _ = write!(xml, "<t:Update>{}</t:Update>", item_xml::item(&view, item));
            }
            Change::ReadFlag(item) => {
                let _ = write!(
                    xml,
                    "<t:ReadFlagChange><t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>\
                     <t:IsRead>{}</t:IsRead></t:ReadFlagChange>",
                    escape::attr(&store::item_id(mailbox, &item.key)),
                    escape::attr(&store::change_key(item.change)),
                    item.is_read()
                );
            }
            Change::Delete(key) => {
                let _ = write!(
                    xml,
                    "<t:Delete><t:ItemId Id=\"{}\"/></t:Delete>",
                    escape::attr(&store::item_id(mailbox, &key))
                );
            }
        }
    }
    Ok(format!(
        "<m:SyncState>{}</m:SyncState><m:IncludesLastItemInRange>{last}</m:IncludesLastItemInRange>\
         <m:Changes>{xml}</m:Changes>",
        encode_items(mailbox, index, &known)
    ))
}

fn encode_folders(mailbox: usize, root: usize, known: &[usize]) -> String {
    let entries: Vec<u8> = known.iter().flat_map(|index| number(*index)).collect();
    store::encode_tagged(
        FOLDERS_STATE_TAG,
        &[&number(mailbox), &number(root), &entries],
    )
}

fn decode_folders(state: &str, mailbox: usize, root: usize) -> Option<Vec<usize>> {
    let rest = store::decode_tagged(FOLDERS_STATE_TAG, state)?;
    let (m, rest) = rest.split_first_chunk::<4>()?;
    let (r, rest) = rest.split_first_chunk::<4>()?;
    if *m != number(mailbox) || *r != number(root) || rest.len() % 4 != 0 {
        return None;
    }
    rest.chunks_exact(4)
        .map(|c| {
            let index = store::parse_number(c.try_into().ok()?)?;
            (index < folder_tree::TREE.len()).then_some(index)
        })
        .collect()
}

/// One `SyncFolderHierarchyResponseMessage` content.
pub(super) fn hierarchy(
    ctx: &Context<'_>,
    folder: Option<&FolderRef>,
    shape: &Shape,
    state: Option<&str>,
) -> Result<String, MessageError> {
    let (mailbox, root) = match folder {
        Some(folder) => folders::resolve(ctx, folder)?,
        None => (ctx.user, 0),
    };
    let known = match state {
        None => Vec::new(),
        Some(state) => decode_folders(state, mailbox, root).ok_or_else(invalid_state)?,
    };
    let current = folder_tree::descendants(root);
    let mut xml = String::new();
    for &index in current.iter().filter(|i| !known.contains(i)) {
        let _ = write!(
            xml,
            "<t:Create>{}</t:Create>",
            folders::folder_xml(ctx, mailbox, index, shape)
        );
    }
    Ok(format!(
        "<m:SyncState>{}</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange>\
         <m:Changes>{xml}</m:Changes>",
        encode_folders(mailbox, root, &current)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use base64::Engine as _;

    #[test]
    fn item_states_round_trip_and_refuse_others() {
        let known = [
            Known {
                key: [1; 16],
                content_change: 7,
                is_read: true,
            },
            Known {
                key: [2; 16],
                content_change: 9,
                is_read: false,
            },
        ];
        let state = encode_items(1, 2, &known);
        assert_eq!(decode_items(&state, 1, 2), Some(known.to_vec()));
        assert_eq!(decode_items(&state, 0, 2), None, "another mailbox");
        assert_eq!(decode_items(&state, 1, 3), None, "another folder");
        assert_eq!(decode_items(&state[..state.len() - 4], 1, 2), None);
        assert_eq!(decode_items("not base64!", 1, 2), None);
        assert_eq!(decode_items(&encode_folders(1, 2, &[]), 1, 2), None);
        let mut bad_flag = BASE64.decode(&state).unwrap();
        let last = bad_flag.len() - 1;
        bad_flag[last] = 7;
        assert_eq!(decode_items(&BASE64.encode(bad_flag), 1, 2), None);
        assert_eq!(
            decode_items(&encode_items(1, 2, &[]), 1, 2),
            Some(Vec::new())
        );
    }

    #[test]
    fn folder_states_round_trip_and_refuse_others() {
        let state = encode_folders(0, 1, &[2, 3]);
        assert_eq!(decode_folders(&state, 0, 1), Some(vec![2, 3]));
        assert_eq!(decode_folders(&state, 1, 1), None);
        assert_eq!(decode_folders(&encode_folders(0, 1, &[9999]), 0, 1), None);
        assert_eq!(decode_folders("", 0, 1), None);
    }
}
