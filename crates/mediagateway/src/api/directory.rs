//! The directory area: free/busy times of mailboxes and name resolution, as the calling
//! portal user's Exchange account may see them.
//!
//! Every request is checked before the backend is asked, so a window or a list of mailboxes
//! past Exchange's limits, an address that is not an SMTP address or an empty name never
//! reaches Exchange.

use async_trait::async_trait;
use mediagateway_api::{
    ApiError, DirectoryApi, FreeBusyRequest, MailboxAvailability, NameQuery, ResolvedName, UserCall,
};

use crate::Gateway;

#[async_trait]
impl DirectoryApi for Gateway {
    async fn free_busy(
        &self,
        call: &UserCall,
        request: &FreeBusyRequest,
    ) -> Result<Vec<MailboxAvailability>, ApiError> {
        let access = self.user_access(call)?;
        request.check()?;
        let answers = self.backend.free_busy(&access, request).await?;
        // One answer per mailbox, in the order asked: a portal pairs them by position.
        let in_order = answers.len() == request.mailboxes.len()
            && answers
                .iter()
                .zip(&request.mailboxes)
                .all(|(answer, asked)| answer.mailbox.eq_ignore_ascii_case(asked));
        if !in_order {
            return Err(ApiError::Internal {
                detail: format!(
                    "the mailbox backend answered {} mailboxes for the {} asked about, or out of order",
                    answers.len(),
                    request.mailboxes.len()
                ),
            });
        }
        Ok(answers)
    }

    async fn resolve_names(
        &self,
        call: &UserCall,
        request: &NameQuery,
    ) -> Result<Vec<ResolvedName>, ApiError> {
        let access = self.user_access(call)?;
        request.check()?;
        let mut names = self.backend.resolve_names(&access, request).await?;
        names.truncate(usize::try_from(request.max_results).unwrap_or(usize::MAX));
        Ok(names)
    }
}
