//! XML plumbing: a hardened reader into a small element tree, an escaping writer, and the
//! conversions of XML Schema values.

mod names;
mod reader;
mod references;
mod values;
mod writer;

pub(crate) use reader::{parse, parse_pruned, Element, Prune, Pruning};
pub(crate) use values::{format_date_time, parse_bool, parse_date_time};
pub(crate) use writer::XmlWriter;
