//! Peak memory of streaming a calendar page by page: 100 `FindItem` `CalendarView` responses
//! of 1,000 full items each (attendees, recurrences, time zones, unmodelled properties kept)
//! are parsed one after the other, with only one page (its bytes and
//! its items) alive at a time. Prints the peak resident set size (`VmHWM`) at the end.
//!
//! Run it in release mode: `cargo run --release -p exchange-ews --example stream-memory`.

use exchange_ews::calendar::FindCalendarItems;

#[path = "../benches/support/calendar_response.rs"]
mod calendar_response;

const PAGES: usize = 100;
const ITEMS_PER_PAGE: usize = 1_000;

/// The value of a `kB` line of `/proc/self/status` (`VmHWM`, `VmRSS`), when the system has one.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let before = status_kib("VmHWM");
    let mut items = 0usize;
    let mut bytes_parsed = 0usize;
    let mut largest_page = 0usize;
    for page in 0..PAGES {
        let bytes = calendar_response::find_item_response(page * ITEMS_PER_PAGE, ITEMS_PER_PAGE);
        let view = FindCalendarItems::parse_response(&bytes)?;
        if view.items.len() != ITEMS_PER_PAGE {
            return Err(format!("page {page} held {} items", view.items.len()).into());
        }
        // Touch every item so the page is really read before it is dropped.
        items += view
            .items
            .iter()
            .filter(|i| i.end >= i.start && i.attendees().count() <= 5)
            .count();
        bytes_parsed += bytes.len();
        largest_page = largest_page.max(bytes.len());
    }
    println!("items parsed:      {items}");
    println!(
        "bytes parsed:      {bytes_parsed} ({:.1} MiB; largest page {:.2} MiB)",
        bytes_parsed as f64 / 1_048_576.0,
        largest_page as f64 / 1_048_576.0
    );
    match (before, status_kib("VmHWM")) {
        (Some(before), Some(peak)) => {
            println!(
                "peak RSS (VmHWM):  {peak} kB ({:.1} MiB)",
                peak as f64 / 1024.0
            );
            println!("VmHWM at start:    {before} kB");
        }
        _ => println!("peak RSS: unavailable (no /proc/self/status)"),
    }
    Ok(())
}
