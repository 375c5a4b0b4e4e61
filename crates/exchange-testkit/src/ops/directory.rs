//! `ResolveNames` against the directory (the configured users) and the caller's contacts.

use std::fmt::Write as _;

use super::Context;
use crate::escape;
use crate::folder_tree;
use crate::kind::ItemKind;
use crate::request::{MESSAGES, TYPES};
use crate::store;

/// The most resolutions one answer carries, as Exchange.
const MAX_RESOLUTIONS: usize = 100;

/// One name found.
struct Found {
    name: String,
    email: String,
    /// `Mailbox` for a directory user, `Contact` for a contact of the caller's.
    mailbox_type: &'static str,
    /// The contact's item id and change key.
    item: Option<(String, String)>,
}

/// The whole `m:ResolveNamesResponse` for `entry`: `ErrorNameResolutionNoResults` when nothing
/// matches, one resolution as a success, several as the warning
/// `ErrorNameResolutionMultipleResults`.
pub(super) fn resolve_names(ctx: &Context<'_>, entry: &str, full: bool, scope: &str) -> String {
    let (directory_first, directory, contacts) = match scope {
        "ActiveDirectory" => (true, true, false),
        "Contacts" => (false, false, true),
        "ContactsActiveDirectory" => (false, true, true),
        _ => (true, true, true),
    };
    let mut found = Vec::new();
    let mut from_directory = if directory {
        users(ctx, entry)
    } else {
        Vec::new()
    };
    let mut from_contacts = if contacts {
        contacts_of(ctx, entry)
    } else {
        Vec::new()
    };
    if directory_first {
        found.append(&mut from_directory);
        found.append(&mut from_contacts);
    } else {
        found.append(&mut from_contacts);
        found.append(&mut from_directory);
    }
    found.truncate(MAX_RESOLUTIONS);

    let mut out = format!(
        "<m:ResolveNamesResponse xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\"><m:ResponseMessages>"
    );
    let (class, code, text) = match found.len() {
        0 => (
            "Error",
            "ErrorNameResolutionNoResults",
            Some("No results were found."),
        ),
        1 => ("Success", "NoError", None),
        _ => (
            "Warning",
            "ErrorNameResolutionMultipleResults",
            Some("Multiple results were found."),
        ),
    };
    let _ = write!(
        out,
        "<m:ResolveNamesResponseMessage ResponseClass=\"{class}\">"
    );
    if let Some(text) = text {
        escape::push_text_element(&mut out, "m:MessageText", text);
    }
    escape::push_text_element(&mut out, "m:ResponseCode", code);
    if text.is_some() {
        out.push_str("<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>");
    }
    if !found.is_empty() {
        let _ = write!(
            out,
            "<m:ResolutionSet TotalItemsInView=\"{}\" IncludesLastItemInRange=\"true\">",
            found.len()
        );
        for one in &found {
            resolution(&mut out, one, full);
        }
        out.push_str("</m:ResolutionSet>");
    }
    out.push_str("</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>");
    out
}

/// Writes one `t:Resolution`.
fn resolution(out: &mut String, found: &Found, full: bool) {
    out.push_str("<t:Resolution><t:Mailbox>");
    escape::push_text_element(out, "t:Name", &found.name);
    escape::push_text_element(out, "t:EmailAddress", &found.email);
    out.push_str("<t:RoutingType>SMTP</t:RoutingType>");
    let _ = write!(out, "<t:MailboxType>{}</t:MailboxType>", found.mailbox_type);
    if let Some((id, change_key)) = &found.item {
        let _ = write!(
            out,
            "<t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>",
            escape::attr(id),
            escape::attr(change_key)
        );
    }
    out.push_str("</t:Mailbox>");
    if full {
        out.push_str("<t:Contact>");
        escape::push_text_element(out, "t:DisplayName", &found.name);
        out.push_str("<t:EmailAddresses>");
        let _ = write!(
            out,
            "<t:Entry Key=\"EmailAddress1\">SMTP:{}</t:Entry>",
            escape::text(&found.email)
        );
        out.push_str("</t:EmailAddresses>");
        let source = if found.item.is_some() {
            "Store"
        } else {
            "ActiveDirectory"
        };
        let _ = write!(out, "<t:ContactSource>{source}</t:ContactSource>");
        out.push_str("</t:Contact>");
    }
    out.push_str("</t:Resolution>");
}

/// Whether `entry` names `address` exactly (`SMTP:` form) or starts one of `names` (any case),
/// as Exchange's ambiguous name resolution matches.
fn matches(entry: &str, address: &str, names: &[&str]) -> bool {
    let entry = entry.to_lowercase();
    if let Some(exact) = entry.strip_prefix("smtp:") {
        return address.eq_ignore_ascii_case(exact);
    }
    std::iter::once(address)
        .chain(names.iter().copied())
        .flat_map(|name| {
            let words = name.split_whitespace();
            std::iter::once(name).chain(words)
        })
        .any(|name| name.to_lowercase().starts_with(&entry))
}

/// The directory users that `entry` matches, by SMTP address, login or display name.
fn users(ctx: &Context<'_>, entry: &str) -> Vec<Found> {
    ctx.directory
        .users
        .iter()
        .filter(|user| {
            let display = store::display_name(user);
            matches(entry, &user.smtp, &[&user.login, &display])
        })
        .map(|user| Found {
            name: store::display_name(user),
            email: user.smtp.clone(),
            mailbox_type: "Mailbox",
            item: None,
        })
        .collect()
}

/// The contacts of the caller's Contacts folder that `entry` matches, by display name or
/// e-mail address; one resolution per address.
fn contacts_of(ctx: &Context<'_>, entry: &str) -> Vec<Found> {
    let Some(folder) = folder_tree::by_name("contacts") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in ctx
        .store
        .items_in(ctx.user, folder)
        .filter(|item| item.kind == ItemKind::Contact)
    {
        let display = item
            .prop("DisplayName")
            .map(|e| e.text().trim().to_owned())
            .or_else(|| item.subject.clone())
            .unwrap_or_default();
        let addresses: Vec<String> = item
            .prop("EmailAddresses")
            .map(|list| {
                list.children
                    .iter()
                    .map(|e| e.text().trim())
                    .map(|a| a.strip_prefix("SMTP:").unwrap_or(a).to_owned())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for address in addresses {
            if matches(entry, &address, &[&display]) {
                found.push(Found {
                    name: display.clone(),
                    email: address,
                    mailbox_type: "Contact",
                    item: Some((
                        store::item_id(ctx.user, &item.key),
                        store::change_key(item.change),
                    )),
                });
            }
        }
    }
    found
}
