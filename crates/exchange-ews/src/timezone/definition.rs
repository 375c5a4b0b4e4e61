//! `TimeZoneDefinition`: periods, groups of yearly transitions and the transitions between
//! them, as `GetServerTimeZones` (and calendar items of Exchange 2010 and later) carry them.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc, Weekday};

use super::duration::parse_duration;
use crate::operations::reading::invalid;
use crate::xml::{parse_date_time, Element};
use crate::EwsError;

/// The most periods, groups or transitions of one list accepted; real zones have a few
/// dozen, and the bound keeps the work of [`TimeZoneDefinition::offset_at`] small.
const MAX_ENTRIES: usize = 1_000;
/// The most yearly transitions of one group (real ones have two, a few have four).
const MAX_YEARLY: usize = 24;

/// A time zone as Exchange defines it: named periods with their bias, and the transitions
/// that say which period applies when.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeZoneDefinition {
    /// The Windows time zone id (`W. Europe Standard Time`).
    pub id: String,
    /// The display name (`(UTC+01:00) Amsterdam, Berlin, …`), when sent.
    pub name: Option<String>,
    /// The periods (standard and daylight time, per era); empty in a short definition.
    pub periods: Vec<Period>,
    /// The groups of yearly transitions.
    pub transitions_groups: Vec<TransitionsGroup>,
    /// The transitions between groups (or periods) over the years, oldest first.
    pub transitions: Vec<Transition>,
}

/// A period of a time zone: a bias from UTC under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Period {
    /// What is added to local time to get UTC (`-PT60M` for UTC+01:00), as Windows counts it.
    pub bias: TimeDelta,
    /// The name (`Standard`, `Daylight`).
    pub name: String,
    /// The id transitions refer to.
    pub id: String,
}

impl Period {
    /// The offset of local time from UTC in this period (the bias negated); `None` for a
    /// bias of a day or more, which a parsed period never has.
    pub fn utc_offset(&self) -> Option<FixedOffset> {
        FixedOffset::east_opt(-seconds(self.bias)?)
    }
}

/// A group of transitions that repeat every year (or a single fixed period).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransitionsGroup {
    /// The id transitions refer to.
    pub id: String,
    /// The transitions of the group; each targets a period.
    pub transitions: Vec<Transition>,
}

/// A transition to a period or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transition {
    /// What applies after the transition.
    pub to: TransitionTarget,
    /// When the transition happens.
    pub kind: TransitionKind,
}

/// What a transition leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionTarget {
    /// The period with this id.
    Period(String),
    /// The transitions group with this id.
    Group(String),
}

/// When a transition happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionKind {
    /// `Transition`: from the beginning (or, in a group, all year).
    Initial,
    /// `AbsoluteDateTransition`: at this instant.
    AbsoluteDate(DateTime<Utc>),
    /// `RecurringDayTransition`: every year on the `occurrence`th `day_of_week` of `month`
    /// (negative counts from the end: -1 is the last), at `time_offset` after local midnight
    /// (local time before the transition).
    RecurringDay {
        /// The time of day in local time before the transition.
        time_offset: TimeDelta,
        /// The month, 1 to 12.
        month: u32,
        /// The day of the week.
        day_of_week: Weekday,
        /// 1 to 5 (5 = the last when there is no fifth) or -1 to -5 from the end.
        occurrence: i8,
    },
    /// `RecurringDateTransition`: every year on `day` of `month`, at `time_offset` after
    /// local midnight.
    RecurringDate {
        /// The time of day in local time before the transition.
        time_offset: TimeDelta,
        /// The month, 1 to 12.
        month: u32,
        /// The day of the month, 1 to 31 (the month's last day when it is shorter).
        day: u32,
    },
}

impl TimeZoneDefinition {
    /// Reads a `TimeZoneDefinition` element, checking that every transition leads to a
    /// period or group the definition holds and that groups lead to periods only.
    pub(crate) fn from_element(element: &Element) -> Result<Self, EwsError> {
        let id = element
            .attribute("Id")
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| invalid("TimeZoneDefinition@Id", "", "a time zone id"))?;
        let mut definition = Self {
            id: id.to_owned(),
            name: element.attribute("Name").map(|n| n.trim().to_owned()),
            periods: Vec::new(),
            transitions_groups: Vec::new(),
            transitions: Vec::new(),
        };
        if let Some(periods) = element.child("Periods") {
            for period in bounded(periods)? {
                definition.periods.push(self::period(period)?);
            }
        }
        if let Some(groups) = element.child("TransitionsGroups") {
            for group in bounded(groups)? {
                let id = group.attribute("Id").unwrap_or_default().trim();
                definition.transitions_groups.push(TransitionsGroup {
                    id: id.to_owned(),
                    transitions: transitions(group)?,
                });
            }
        }
        if let Some(list) = element.child("Transitions") {
            definition.transitions = transitions(list)?;
        }
        definition.check()?;
        Ok(definition)
    }

    /// The period with this id.
    pub fn period(&self, id: &str) -> Option<&Period> {
        self.periods.iter().find(|p| p.id == id)
    }

    /// The transitions group with this id.
    pub fn group(&self, id: &str) -> Option<&TransitionsGroup> {
        self.transitions_groups.iter().find(|g| g.id == id)
    }

    fn check(&self) -> Result<(), EwsError> {
        let periods: HashSet<&str> = self.periods.iter().map(|p| p.id.as_str()).collect();
        let groups: HashSet<&str> = self
            .transitions_groups
            .iter()
            .map(|g| g.id.as_str())
            .collect();
        for group in &self.transitions_groups {
            let initial = group
                .transitions
                .iter()
                .filter(|t| t.kind == TransitionKind::Initial)
                .count();
            // A group is either one period all year or yearly transitions, never a mix.
            if group.transitions.is_empty()
                || group.transitions.len() > MAX_YEARLY
                || (initial > 0 && group.transitions.len() > 1)
            {
                return Err(invalid(
                    "TransitionsGroup",
                    &group.id,
                    "one Transition, or 1 to 24 yearly transitions only",
                ));
            }
            for transition in &group.transitions {
                match (&transition.to, &transition.kind) {
                    (_, TransitionKind::AbsoluteDate(_)) => {
                        return Err(invalid(
                            "TransitionsGroup",
                            &group.id,
                            "yearly transitions, not one at a date",
                        ))
                    }
                    (TransitionTarget::Group(to), _) => {
                        return Err(invalid("To", to, "a period inside a TransitionsGroup"))
                    }
                    (TransitionTarget::Period(to), _) if !periods.contains(to.as_str()) => {
                        return Err(invalid("To", to, "the id of a Period of the definition"))
                    }
                    _ => {}
                }
            }
        }
        for (index, transition) in self.transitions.iter().enumerate() {
            match &transition.kind {
                TransitionKind::Initial if index == 0 => {}
                TransitionKind::AbsoluteDate(_) => {}
                _ => {
                    return Err(invalid(
                        "Transitions",
                        &self.id,
                        "one initial Transition, then AbsoluteDateTransitions",
                    ))
                }
            }
            let known = match &transition.to {
                TransitionTarget::Period(to) => periods.contains(to.as_str()),
                TransitionTarget::Group(to) => groups.contains(to.as_str()),
            };
            if !known {
                let to = match &transition.to {
                    TransitionTarget::Period(to) | TransitionTarget::Group(to) => to,
                };
                return Err(invalid("To", to, "the id of a Period or TransitionsGroup"));
            }
        }
        Ok(())
    }
}

fn period(element: &Element) -> Result<Period, EwsError> {
    let bias_text = element.attribute("Bias").unwrap_or_default();
    let bias = parse_duration(bias_text)
        .filter(|b| seconds(*b).is_some_and(|s| s.abs() < 86_400))
        .ok_or_else(|| invalid("Period@Bias", bias_text, "an xs:duration within a day"))?;
    let id = element.attribute("Id").map(str::trim).unwrap_or_default();
    if id.is_empty() {
        return Err(invalid("Period@Id", id, "a period id"));
    }
    Ok(Period {
        bias,
        name: element
            .attribute("Name")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        id: id.to_owned(),
    })
}

fn transitions(list: &Element) -> Result<Vec<Transition>, EwsError> {
    bounded(list)?.iter().map(transition).collect()
}

/// The children of a list, refusing more than [`MAX_ENTRIES`].
fn bounded(list: &Element) -> Result<&[Element], EwsError> {
    let children = list.children();
    if children.len() > MAX_ENTRIES {
        return Err(invalid(
            list.name(),
            &format!("{} entries", children.len()),
            "at most 1000 entries",
        ));
    }
    Ok(children)
}

fn transition(element: &Element) -> Result<Transition, EwsError> {
    let to = element.required_child("To")?;
    let target = to.text().trim().to_owned();
    let to = match to.attribute("Kind").map(str::trim) {
        Some("Period") => TransitionTarget::Period(target),
        Some("Group") => TransitionTarget::Group(target),
        other => {
            return Err(invalid(
                "To@Kind",
                other.unwrap_or_default(),
                "Period or Group",
            ))
        }
    };
    let kind = match element.name() {
        "Transition" => TransitionKind::Initial,
        "AbsoluteDateTransition" => {
            let text = required_text(element, "DateTime")?;
            TransitionKind::AbsoluteDate(
                parse_date_time(text).ok_or_else(|| invalid("DateTime", text, "an xs:dateTime"))?,
            )
        }
        "RecurringDayTransition" => TransitionKind::RecurringDay {
            time_offset: time_offset(element)?,
            month: number(element, "Month", 1..=12)?,
            day_of_week: weekday(required_text(element, "DayOfWeek")?)?,
            occurrence: occurrence(element)?,
        },
        "RecurringDateTransition" => TransitionKind::RecurringDate {
            time_offset: time_offset(element)?,
            month: number(element, "Month", 1..=12)?,
            day: number(element, "Day", 1..=31)?,
        },
        other => return Err(invalid(
            "Transitions",
            other,
            "Transition, AbsoluteDateTransition, RecurringDayTransition or RecurringDateTransition",
        )),
    };
    Ok(Transition { to, kind })
}

fn required_text<'a>(element: &'a Element, name: &str) -> Result<&'a str, EwsError> {
    Ok(element.required_child(name)?.text().trim())
}

fn time_offset(element: &Element) -> Result<TimeDelta, EwsError> {
    let text = required_text(element, "TimeOffset")?;
    parse_duration(text)
        .filter(|t| seconds(*t).is_some_and(|s| (0..=86_400).contains(&s)))
        .ok_or_else(|| invalid("TimeOffset", text, "an xs:duration from 0 to 24 hours"))
}

fn number(
    element: &Element,
    name: &'static str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, EwsError> {
    let text = required_text(element, name)?;
    text.parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| invalid(name, text, "a number in range"))
}

fn occurrence(element: &Element) -> Result<i8, EwsError> {
    let text = required_text(element, "Occurrence")?;
    text.parse::<i8>()
        .ok()
        .filter(|n| (1..=5).contains(&n.unsigned_abs()))
        .ok_or_else(|| invalid("Occurrence", text, "1 to 5 or -1 to -5"))
}

fn weekday(text: &str) -> Result<Weekday, EwsError> {
    Ok(match text {
        "Monday" => Weekday::Mon,
        "Tuesday" => Weekday::Tue,
        "Wednesday" => Weekday::Wed,
        "Thursday" => Weekday::Thu,
        "Friday" => Weekday::Fri,
        "Saturday" => Weekday::Sat,
        "Sunday" => Weekday::Sun,
        _ => {
            return Err(invalid(
                "DayOfWeek",
                text,
                "a day of the week (Monday…Sunday)",
            ))
        }
    })
}

/// Whole seconds of a duration, when they fit an `i32` (parsed ones are within a week).
fn seconds(delta: TimeDelta) -> Option<i32> {
    i32::try_from(delta.num_seconds()).ok()
}
