//! The directory area's messages.

use std::time::Duration;

use mediagateway_api::{
    ApiError, BusyPeriod, BusyStatus, ContactDetails, ErrorParts, FreeBusy, FreeBusyRequest,
    MailboxAvailability, MailboxType, NameQuery, PhoneNumber, ResolvedName, TimeWindow,
};

use super::{millis, time, FromWire};
use crate::proto;
use crate::status::{kind_from_wire, kind_to_wire};

impl From<&FreeBusyRequest> for proto::FreeBusyRequest {
    fn from(request: &FreeBusyRequest) -> Self {
        Self {
            window: Some((&request.window).into()),
            mailboxes: request.mailboxes.clone(),
        }
    }
}

impl TryFrom<proto::FreeBusyRequest> for FreeBusyRequest {
    type Error = ApiError;

    fn try_from(request: proto::FreeBusyRequest) -> Result<Self, ApiError> {
        Ok(Self {
            window: TimeWindow::from_wire(request.window, "window")?,
            mailboxes: request.mailboxes,
        })
    }
}

fn status_to_wire(status: BusyStatus) -> proto::BusyStatus {
    use proto::BusyStatus as Wire;
    match status {
        BusyStatus::Free => Wire::Free,
        BusyStatus::Tentative => Wire::Tentative,
        BusyStatus::Busy => Wire::Busy,
        BusyStatus::OutOfOffice => Wire::OutOfOffice,
        BusyStatus::WorkingElsewhere => Wire::WorkingElsewhere,
        BusyStatus::NoData => Wire::NoData,
    }
}

fn status_from_wire(status: i32) -> Result<BusyStatus, ApiError> {
    use proto::BusyStatus as Wire;
    Ok(match Wire::try_from(status).unwrap_or(Wire::Unspecified) {
        Wire::Free => BusyStatus::Free,
        Wire::Tentative => BusyStatus::Tentative,
        Wire::Busy => BusyStatus::Busy,
        Wire::OutOfOffice => BusyStatus::OutOfOffice,
        Wire::WorkingElsewhere => BusyStatus::WorkingElsewhere,
        Wire::NoData => BusyStatus::NoData,
        Wire::Unspecified => {
            return Err(ApiError::invalid(format!("{status} is not a busy status")))
        }
    })
}

impl From<BusyPeriod> for proto::BusyPeriod {
    fn from(period: BusyPeriod) -> Self {
        Self {
            start_ms: millis(period.start),
            end_ms: millis(period.end),
            status: status_to_wire(period.status) as i32,
            subject: period.subject,
            location: period.location,
        }
    }
}

impl TryFrom<proto::BusyPeriod> for BusyPeriod {
    type Error = ApiError;

    fn try_from(period: proto::BusyPeriod) -> Result<Self, ApiError> {
        Ok(Self {
            start: time(period.start_ms, "start")?,
            end: time(period.end_ms, "end")?,
            status: status_from_wire(period.status)?,
            subject: period.subject,
            location: period.location,
        })
    }
}

impl From<&ApiError> for proto::MailboxError {
    fn from(error: &ApiError) -> Self {
        let parts = error.to_parts();
        Self {
            kind: kind_to_wire(parts.kind) as i32,
            message: parts.message,
            exchange_code: parts.exchange_code,
            back_off_ms: parts
                .back_off
                .map(|b| u64::try_from(b.as_millis()).unwrap_or(u64::MAX)),
        }
    }
}

impl TryFrom<proto::MailboxError> for ApiError {
    type Error = ApiError;

    fn try_from(error: proto::MailboxError) -> Result<Self, ApiError> {
        let kind = proto::ErrorKind::try_from(error.kind)
            .ok()
            .and_then(kind_from_wire)
            .ok_or_else(|| ApiError::invalid(format!("{} is not an error kind", error.kind)))?;
        let mut parts = ErrorParts::new(kind, error.message);
        parts.exchange_code = error.exchange_code;
        parts.back_off = error.back_off_ms.map(Duration::from_millis);
        // A mailbox's error comes from Exchange, never from reaching the gateway.
        Ok(ApiError::from_parts(parts, ""))
    }
}

impl From<MailboxAvailability> for proto::MailboxAvailability {
    fn from(availability: MailboxAvailability) -> Self {
        use proto::mailbox_availability::Result as Wire;
        Self {
            mailbox: availability.mailbox,
            result: Some(match availability.result {
                Ok(free_busy) => Wire::FreeBusy(proto::FreeBusy {
                    periods: free_busy.periods.into_iter().map(Into::into).collect(),
                    merged: free_busy.merged,
                }),
                Err(error) => Wire::Error((&error).into()),
            }),
        }
    }
}

impl TryFrom<proto::MailboxAvailability> for MailboxAvailability {
    type Error = ApiError;

    fn try_from(availability: proto::MailboxAvailability) -> Result<Self, ApiError> {
        use proto::mailbox_availability::Result as Wire;
        let result = match availability.result {
            Some(Wire::FreeBusy(free_busy)) => Ok(FreeBusy {
                periods: free_busy
                    .periods
                    .into_iter()
                    .map(BusyPeriod::try_from)
                    .collect::<Result<_, _>>()?,
                merged: free_busy.merged,
            }),
            Some(Wire::Error(error)) => Err(ApiError::try_from(error)?),
            None => {
                return Err(ApiError::invalid(format!(
                    "the availability of {:?} holds neither free/busy times nor an error",
                    availability.mailbox
                )))
            }
        };
        Ok(Self {
            mailbox: availability.mailbox,
            result,
        })
    }
}

impl From<Vec<MailboxAvailability>> for proto::FreeBusyReply {
    fn from(mailboxes: Vec<MailboxAvailability>) -> Self {
        Self {
            mailboxes: mailboxes.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::FreeBusyReply> for Vec<MailboxAvailability> {
    type Error = ApiError;

    fn try_from(reply: proto::FreeBusyReply) -> Result<Self, ApiError> {
        reply
            .mailboxes
            .into_iter()
            .map(MailboxAvailability::try_from)
            .collect()
    }
}

impl From<&NameQuery> for proto::NameQuery {
    fn from(query: &NameQuery) -> Self {
        Self {
            text: query.text.clone(),
            include_contacts: query.include_contacts,
            max_results: query.max_results,
        }
    }
}

impl TryFrom<proto::NameQuery> for NameQuery {
    type Error = ApiError;

    fn try_from(query: proto::NameQuery) -> Result<Self, ApiError> {
        Ok(Self {
            text: query.text,
            include_contacts: query.include_contacts,
            max_results: query.max_results,
        })
    }
}

fn type_to_wire(kind: MailboxType) -> proto::MailboxType {
    use proto::MailboxType as Wire;
    match kind {
        MailboxType::Mailbox => Wire::Mailbox,
        MailboxType::PublicDl => Wire::PublicDl,
        MailboxType::PrivateDl => Wire::PrivateDl,
        MailboxType::Contact => Wire::Contact,
        MailboxType::PublicFolder => Wire::PublicFolder,
        MailboxType::OneOff => Wire::OneOff,
        MailboxType::GroupMailbox => Wire::GroupMailbox,
        MailboxType::Unknown => Wire::Unknown,
    }
}

fn type_from_wire(kind: i32) -> Result<MailboxType, ApiError> {
    use proto::MailboxType as Wire;
    Ok(match Wire::try_from(kind).unwrap_or(Wire::Unspecified) {
        Wire::Mailbox => MailboxType::Mailbox,
        Wire::PublicDl => MailboxType::PublicDl,
        Wire::PrivateDl => MailboxType::PrivateDl,
        Wire::Contact => MailboxType::Contact,
        Wire::PublicFolder => MailboxType::PublicFolder,
        Wire::OneOff => MailboxType::OneOff,
        Wire::GroupMailbox => MailboxType::GroupMailbox,
        Wire::Unknown => MailboxType::Unknown,
        Wire::Unspecified => {
            return Err(ApiError::invalid(format!("{kind} is not a mailbox type")))
        }
    })
}

impl From<ContactDetails> for proto::ContactDetails {
    fn from(contact: ContactDetails) -> Self {
        Self {
            given_name: contact.given_name,
            surname: contact.surname,
            company: contact.company,
            job_title: contact.job_title,
            department: contact.department,
            phone_numbers: contact
                .phone_numbers
                .into_iter()
                .map(|p| proto::PhoneNumber {
                    kind: p.kind,
                    number: p.number,
                })
                .collect(),
        }
    }
}

impl From<proto::ContactDetails> for ContactDetails {
    fn from(contact: proto::ContactDetails) -> Self {
        Self {
            given_name: contact.given_name,
            surname: contact.surname,
            company: contact.company,
            job_title: contact.job_title,
            department: contact.department,
            phone_numbers: contact
                .phone_numbers
                .into_iter()
                .map(|p| PhoneNumber {
                    kind: p.kind,
                    number: p.number,
                })
                .collect(),
        }
    }
}

impl From<ResolvedName> for proto::ResolvedName {
    fn from(name: ResolvedName) -> Self {
        Self {
            display_name: name.display_name,
            address: name.address,
            mailbox_type: type_to_wire(name.mailbox_type) as i32,
            contact: name.contact.map(Into::into),
        }
    }
}

impl TryFrom<proto::ResolvedName> for ResolvedName {
    type Error = ApiError;

    fn try_from(name: proto::ResolvedName) -> Result<Self, ApiError> {
        Ok(Self {
            mailbox_type: type_from_wire(name.mailbox_type)?,
            display_name: name.display_name,
            address: name.address,
            contact: name.contact.map(Into::into),
        })
    }
}

impl From<Vec<ResolvedName>> for proto::ResolveNamesReply {
    fn from(names: Vec<ResolvedName>) -> Self {
        Self {
            names: names.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::ResolveNamesReply> for Vec<ResolvedName> {
    type Error = ApiError;

    fn try_from(reply: proto::ResolveNamesReply) -> Result<Self, ApiError> {
        reply
            .names
            .into_iter()
            .map(ResolvedName::try_from)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use mediagateway_api::Unreachable;

    use super::*;
    use crate::convert::through_wire;

    fn window() -> TimeWindow {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 8, 0, 0).unwrap();
        TimeWindow::new(start, start + chrono::Duration::hours(8)).unwrap()
    }

    /// `value` to its message, to bytes and back.
    fn reply_through_wire<T, P>(value: T) -> Result<T, ApiError>
    where
        P: From<T> + prost::Message + Default,
        T: TryFrom<P, Error = ApiError>,
    {
        let bytes = P::from(value).encode_to_vec();
        T::try_from(P::decode(bytes.as_slice()).unwrap())
    }

    #[test]
    fn a_free_busy_request_and_its_reply_survive_the_wire() {
        let request = FreeBusyRequest::new(window(), ["bob@contoso.test", "x@contoso.test"]);
        assert_eq!(
            through_wire::<_, proto::FreeBusyRequest>(&request).unwrap(),
            request
        );
        let at = |h| Utc.with_ymd_and_hms(2026, 12, 8, h, 0, 0).unwrap();
        let reply: Vec<MailboxAvailability> = vec![
            MailboxAvailability {
                mailbox: "bob@contoso.test".into(),
                result: Ok(FreeBusy {
                    periods: BusyStatus::ALL
                        .into_iter()
                        .map(|status| BusyPeriod {
                            start: at(9),
                            end: at(10),
                            status,
                            subject: Some("Review".into()),
                            location: None,
                        })
                        .collect(),
                    merged: Some("0220".into()),
                }),
            },
            MailboxAvailability {
                mailbox: "gone@contoso.test".into(),
                result: Err(ApiError::MailboxNotFound {
                    detail: "ErrorMailRecipientNotFound".into(),
                }),
            },
            MailboxAvailability {
                mailbox: "busy@contoso.test".into(),
                result: Err(ApiError::Throttled {
                    back_off: Some(Duration::from_millis(1500)),
                    detail: "slow down".into(),
                }),
            },
            MailboxAvailability {
                mailbox: "odd@contoso.test".into(),
                result: Err(ApiError::Exchange {
                    code: "ErrorFreeBusyGenerationFailed".into(),
                    detail: "no".into(),
                }),
            },
            MailboxAvailability {
                mailbox: "empty@contoso.test".into(),
                result: Ok(FreeBusy::default()),
            },
        ];
        assert_eq!(
            reply_through_wire::<_, proto::FreeBusyReply>(reply.clone()).unwrap(),
            reply
        );
        // An unreachable cause is not carried per mailbox; the kind and message are.
        let unreachable = ApiError::ExchangeUnreachable {
            cause: Unreachable::Timeout,
            detail: "late".into(),
        };
        let back = ApiError::try_from(proto::MailboxError::from(&unreachable)).unwrap();
        assert_eq!(back.kind(), unreachable.kind());
    }

    #[test]
    fn names_survive_the_wire() {
        let query = NameQuery {
            text: "bob".into(),
            include_contacts: false,
            max_results: 7,
        };
        assert_eq!(through_wire::<_, proto::NameQuery>(&query).unwrap(), query);
        let names: Vec<ResolvedName> = MailboxType::ALL
            .into_iter()
            .map(|mailbox_type| ResolvedName {
                display_name: "Bob".into(),
                address: "bob@contoso.test".into(),
                mailbox_type,
                contact: (mailbox_type == MailboxType::Contact).then(|| ContactDetails {
                    given_name: Some("Bob".into()),
                    surname: None,
                    company: Some("Contoso".into()),
                    job_title: None,
                    department: Some("Sales".into()),
                    phone_numbers: vec![PhoneNumber {
                        kind: "BusinessPhone".into(),
                        number: "+1 555 0100".into(),
                    }],
                }),
            })
            .collect();
        assert_eq!(
            reply_through_wire::<_, proto::ResolveNamesReply>(names.clone()).unwrap(),
            names
        );
    }

    #[test]
    fn missing_messages_and_unknown_enum_values_are_refused() {
        let no_window = proto::FreeBusyRequest {
            window: None,
            mailboxes: vec!["bob@contoso.test".into()],
        };
        let err = FreeBusyRequest::try_from(no_window).unwrap_err();
        assert!(err.to_string().contains("window is missing"), "{err}");
        assert!(matches!(
            FreeBusyRequest::from_wire(None::<proto::FreeBusyRequest>, "request"),
            Err(ApiError::InvalidArgument { .. })
        ));
        assert!(NameQuery::from_wire(None::<proto::NameQuery>, "request").is_err());

        let period = |status| proto::BusyPeriod {
            start_ms: 0,
            end_ms: 1,
            status,
            subject: None,
            location: None,
        };
        assert!(BusyPeriod::try_from(period(0)).is_err(), "unspecified");
        assert!(BusyPeriod::try_from(period(99)).is_err());
        assert!(BusyPeriod::try_from(period(3)).is_ok());
        let no_result = proto::MailboxAvailability {
            mailbox: "bob@contoso.test".into(),
            result: None,
        };
        assert!(MailboxAvailability::try_from(no_result).is_err());
        for kind in [0, 99] {
            let error = proto::MailboxError {
                kind,
                message: "x".into(),
                exchange_code: None,
                back_off_ms: None,
            };
            assert!(ApiError::try_from(error).is_err(), "{kind}");
        }
        for kind in [0, 99] {
            let name = proto::ResolvedName {
                display_name: "Bob".into(),
                address: "bob@contoso.test".into(),
                mailbox_type: kind,
                contact: None,
            };
            assert!(ResolvedName::try_from(name).is_err(), "{kind}");
        }
    }
}
