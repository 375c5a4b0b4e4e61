//! The standard health service, `grpc.health.v1.Health`, as load balancers, orchestrators and
//! `grpc-health-probe` ask it: SERVING for the server as a whole (`""`) and for each area's
//! service while the server runs, NOT_SERVING once it is stopping.

use std::pin::Pin;

use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::server::NamedService;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::proto::admin_server::AdminServer;
use crate::proto::calendar_server::CalendarServer;
use crate::proto::directory_server::DirectoryServer;
use crate::proto::sessions_server::SessionsServer;
use crate::proto::tables_server::TablesServer;
use crate::server::Adapter;

/// The names a health check knows: the server as a whole and every area's service.
pub(crate) const SERVICES: [&str; 6] = [
    "",
    <AdminServer<Adapter> as NamedService>::NAME,
    <SessionsServer<Adapter> as NamedService>::NAME,
    <CalendarServer<Adapter> as NamedService>::NAME,
    <TablesServer<Adapter> as NamedService>::NAME,
    <DirectoryServer<Adapter> as NamedService>::NAME,
];

/// The health service of one server, and the switch that tells it the server is stopping.
pub(crate) fn service() -> (HealthServer<AreaHealth>, Stopping) {
    let (serving, watched) = watch::channel(true);
    let health = AreaHealth {
        serving: serving.clone(),
        watched,
    };
    (HealthServer::new(health), Stopping(serving))
}

/// Turns every name NOT_SERVING and ends the open watches, so that they do not hold a
/// graceful shutdown open.
pub(crate) struct Stopping(watch::Sender<bool>);

impl Stopping {
    pub(crate) fn stop(&self) {
        self.0.send_replace(false);
    }
}

/// Every area is served for as long as the server runs: their health is the server's.
pub(crate) struct AreaHealth {
    // Held so that the channel stays open (and watches stay open) while the service lives,
    // whether or not anyone keeps the `Stopping` switch.
    serving: watch::Sender<bool>,
    watched: watch::Receiver<bool>,
}

fn reply(status: ServingStatus) -> HealthCheckResponse {
    HealthCheckResponse {
        status: status as i32,
    }
}

fn status_of(serving: bool) -> ServingStatus {
    if serving {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    }
}

type Replies = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for AreaHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let name = request.into_inner().service;
        if !SERVICES.contains(&name.as_str()) {
            return Err(Status::not_found(format!("no service named {name:?}")));
        }
        Ok(Response::new(reply(status_of(*self.serving.borrow()))))
    }

    type WatchStream = Replies;

    /// Sends the status at once, and NOT_SERVING when the server stops, which ends the
    /// stream; an unknown name gets SERVICE_UNKNOWN and the stream stays open until then too.
    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Replies>, Status> {
        let known = SERVICES.contains(&request.into_inner().service.as_str());
        let mut watched = self.watched.clone();
        let (replies, stream) = mpsc::channel(2);
        tokio::spawn(async move {
            let now = if known {
                status_of(*watched.borrow_and_update())
            } else {
                ServingStatus::ServiceUnknown
            };
            if replies.send(Ok(reply(now))).await.is_err() || now == ServingStatus::NotServing {
                return;
            }
            let stopped = tokio::select! {
                stopped = watched.wait_for(|serving| !*serving) => stopped.is_ok(),
                () = replies.closed() => false,
            };
            if known && stopped {
                let _ = replies.send(Ok(reply(ServingStatus::NotServing))).await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(stream))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_names_are_the_areas_services() {
        assert_eq!(
            SERVICES,
            [
                "",
                "mediagateway.v1.Admin",
                "mediagateway.v1.Sessions",
                "mediagateway.v1.Calendar",
                "mediagateway.v1.Tables",
                "mediagateway.v1.Directory"
            ]
        );
    }
}
