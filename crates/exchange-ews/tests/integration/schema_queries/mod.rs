//! `FindItem` requests with restrictions, sort orders and shapes, and `GetItem` requests in
//! every shape, of one version: validated with the other envelopes in one run.

use chrono::{TimeZone, Utc};
use exchange_ews::items::{
    BaseShape, BodyFormat, ContainmentComparison, ContainmentMode, DistinguishedPropertySet,
    FindItems, GetItems, IndexedPage, ItemShape, MapiPropertyType, PropertyPath, Restriction,
    SortDirection, SortOrder,
};
use exchange_ews::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget, ItemId};

const HOSTILE: &str = "Q3 <review> & \"budget\" 'draft' ]]> \u{e9}t\u{e9} \u{1F4C5}\r\n\tend";

/// One path of each kind and of each version's newest properties.
fn paths() -> Vec<PropertyPath> {
    vec![
        PropertyPath::field("item:Subject"),
        PropertyPath::field("calendar:Start"),
        PropertyPath::field("item:LastModifiedTime"),
        PropertyPath::field("contacts:Alias"),
        PropertyPath::field("calendar:StartTimeZoneId"),
        PropertyPath::field("calendar:EnhancedLocation"),
        PropertyPath::indexed("contacts:EmailAddress", "EmailAddress2"),
        PropertyPath::indexed("contacts:PhysicalAddress:City", "Business"),
        PropertyPath::indexed("item:InternetMessageHeader", "X-Mailer"),
        PropertyPath::tagged(0x0037, MapiPropertyType::String),
        PropertyPath::named(
            DistinguishedPropertySet::PublicStrings,
            "Keywords <&>",
            MapiPropertyType::StringArray,
        ),
        PropertyPath::with_id(
            "00062008-0000-0000-C000-000000000046",
            0x8580,
            MapiPropertyType::Integer,
        ),
    ]
}

fn restrictions(path: &PropertyPath) -> Vec<Restriction> {
    let t = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
    let p = || path.clone();
    let leaves = vec![
        Restriction::is_equal_to(p(), HOSTILE),
        Restriction::is_not_equal_to(p(), true),
        Restriction::is_greater_than(p(), t),
        Restriction::is_greater_than_or_equal_to(p(), 42i64),
        Restriction::is_less_than(p(), PropertyPath::field("calendar:End")),
        Restriction::is_less_than_or_equal_to(p(), ""),
        Restriction::contains(
            p(),
            HOSTILE,
            ContainmentMode::PrefixOnWords,
            ContainmentComparison::IgnoreCaseAndNonSpacingCharacters,
        ),
        Restriction::exists(p()),
    ];
    let nested = Restriction::and(vec![
        Restriction::or(leaves.clone()),
        Restriction::not(Restriction::not(leaves[7].clone())),
        Restriction::and(vec![leaves[0].clone()]),
    ]);
    let mut all = leaves;
    all.push(nested);
    all
}

fn shapes(path: &PropertyPath) -> Vec<ItemShape> {
    let mut shapes: Vec<ItemShape> = [
        BaseShape::IdOnly,
        BaseShape::Default,
        BaseShape::AllProperties,
    ]
    .into_iter()
    .map(ItemShape::new)
    .collect();
    shapes.push(ItemShape::new(BaseShape::IdOnly).with(path.clone()));
    for format in [BodyFormat::Best, BodyFormat::Text, BodyFormat::Html] {
        shapes.push(
            ItemShape::new(BaseShape::Default)
                .with(path.clone())
                .with(PropertyPath::field("item:Subject"))
                .with_body_type(format),
        );
    }
    shapes
}

/// Keeps a request the version can serve; a refused one must be refused for its version.
fn keep(
    docs: &mut Vec<(String, String)>,
    version: ExchangeVersion,
    name: String,
    built: Result<String, EwsError>,
) {
    match built {
        Ok(xml) => docs.push((name, xml)),
        Err(EwsError::InvalidArgument { reason, .. })
            if version != ExchangeVersion::Exchange2016 =>
        {
            assert!(reason.contains("or later"), "{name}: {reason}");
        }
        Err(other) => panic!("{name}: {other}"),
    }
}

/// The query and shape requests of `version`.
pub(crate) fn query_envelopes(version: ExchangeVersion) -> Vec<(String, String)> {
    let folder = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let page = IndexedPage::new(50, 0).unwrap();
    let ids = vec![
        ItemId::new("AAMkAGI2=").with_change_key("DwAAABYA"),
        ItemId::new("AAMk<&>\"'"),
    ];
    let mut docs = Vec::new();
    for (p, path) in paths().iter().enumerate() {
        for (r, restriction) in restrictions(path).into_iter().enumerate() {
            let request = FindItems::new(folder.clone(), page)
                .unwrap()
                .with_restriction(restriction)
                .unwrap();
            keep(
                &mut docs,
                version,
                format!("FindItem path#{p} restriction#{r}"),
                request.checked_envelope(version),
            );
        }
        let order = SortOrder::new(vec![
            (path.clone(), SortDirection::Descending),
            (
                PropertyPath::field("calendar:Start"),
                SortDirection::Ascending,
            ),
        ])
        .unwrap();
        for (s, shape) in shapes(path).into_iter().enumerate() {
            let get = GetItems::new(ids.clone(), shape.clone()).unwrap();
            keep(
                &mut docs,
                version,
                format!("GetItem path#{p} shape#{s}"),
                get.checked_envelope(version),
            );
            let find = FindItems::new(folder.clone(), page)
                .unwrap()
                .with_shape(shape)
                .unwrap()
                .with_restriction(Restriction::exists(path.clone()))
                .unwrap()
                .with_sort_order(order.clone());
            keep(
                &mut docs,
                version,
                format!("FindItem path#{p} shape#{s} sorted"),
                find.checked_envelope(version),
            );
        }
    }
    docs
}
