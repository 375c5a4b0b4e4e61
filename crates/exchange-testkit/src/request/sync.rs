//! `SyncFolderItems` and `SyncFolderHierarchy`.

use super::parts::{item_ids, shape, target_folder};
use super::{required, violation, Operation, MESSAGES};
use crate::dom::Element;
use crate::error::Error;

/// The largest `MaxChangesReturned` the schema allows.
pub(crate) const MAX_SYNC_CHANGES: usize = 512;

/// `SyncState`, when given and not empty.
fn state(body: &Element) -> Option<String> {
    body.child(MESSAGES, "SyncState")
        .map(|s| s.text().trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Decodes `SyncFolderItems`.
pub(crate) fn sync_folder_items(body: &Element) -> Result<Operation, Error> {
    let max_element = required(body, MESSAGES, "MaxChangesReturned")?;
    let max = max_element
        .text()
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| (1..=MAX_SYNC_CHANGES).contains(n))
        .ok_or_else(|| {
            violation(
                max_element,
                format!(
                    "The value '{}' of 'MaxChangesReturned' is not an integer from 1 to {MAX_SYNC_CHANGES}.",
                    max_element.text()
                ),
            )
        })?;
    let ignore = match body.child(MESSAGES, "Ignore") {
        Some(list) if !list.children.is_empty() => item_ids(list)?,
        _ => Vec::new(),
    };
    Ok(Operation::SyncFolderItems {
        shape: shape(required(body, MESSAGES, "ItemShape")?)?,
        folder: target_folder(required(body, MESSAGES, "SyncFolderId")?)?,
        state: state(body),
        ignore,
        max,
    })
}

/// Decodes `SyncFolderHierarchy`.
pub(crate) fn sync_folder_hierarchy(body: &Element) -> Result<Operation, Error> {
    Ok(Operation::SyncFolderHierarchy {
        shape: shape(required(body, MESSAGES, "FolderShape")?)?,
        folder: body
            .child(MESSAGES, "SyncFolderId")
            .map(target_folder)
            .transpose()?,
        state: state(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom;
    use crate::request::TYPES;

    fn body(xml: &str) -> Element {
        let wrapped = format!("<m:X xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\">{xml}</m:X>");
        dom::parse(wrapped.as_bytes()).unwrap()
    }

    const SHAPE: &str = "<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>\
        <m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId>";

    #[test]
    fn decodes_state_ignore_and_max() {
        let xml = format!(
            "{SHAPE}<m:SyncState> abc </m:SyncState><m:Ignore><t:ItemId Id=\"I\"/></m:Ignore>\
             <m:MaxChangesReturned>512</m:MaxChangesReturned>"
        );
        let Operation::SyncFolderItems {
            state, ignore, max, ..
        } = sync_folder_items(&body(&xml)).unwrap()
        else {
            panic!("not SyncFolderItems")
        };
        assert_eq!((state.as_deref(), ignore.len(), max), (Some("abc"), 1, 512));
    }

    #[test]
    fn refuses_out_of_range_or_missing_parts() {
        for max in ["0", "513", "-1", "many", ""] {
            let xml = format!("{SHAPE}<m:MaxChangesReturned>{max}</m:MaxChangesReturned>");
            assert!(sync_folder_items(&body(&xml)).is_err(), "{max}");
        }
        assert!(sync_folder_items(&body(SHAPE)).is_err());
        let no_folder = "<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>\
            <m:SyncFolderId/><m:MaxChangesReturned>5</m:MaxChangesReturned>";
        assert!(sync_folder_items(&body(no_folder)).is_err());
        let hierarchy = "<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>\
            <m:SyncState></m:SyncState>";
        let Operation::SyncFolderHierarchy { state, folder, .. } =
            sync_folder_hierarchy(&body(hierarchy)).unwrap()
        else {
            panic!("not SyncFolderHierarchy")
        };
        assert_eq!((state, folder), (None, None));
        assert!(sync_folder_hierarchy(&body("")).is_err());
    }
}
