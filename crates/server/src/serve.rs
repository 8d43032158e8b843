//! The listener loop: what `axum::serve` does, plus the limits it leaves out.
//!
//! `axum::serve` sets no timer and accepts without bound, so one client opening connections
//! and sending its headers a byte at a time (slowloris) could hold the server's sockets and
//! memory forever. hyper has the header-read timer and graceful shutdown has hyper-util; what
//! no crate adds is the cap on open connections, which is a semaphore around `accept` here.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::Service as _;

/// How long a client may take, and how many connections may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From the first byte of a request (or from the end of the previous response, on a kept-alive
    /// connection) until its headers are complete. So it is also how long an idle kept-alive
    /// connection is kept.
    pub header_read_timeout: Duration,
    /// Connections open at once; above it new ones wait in the kernel's backlog until one
    /// closes, so a flood of connections queues rather than exhausting file descriptors.
    pub max_connections: usize,
}

/// How long in-flight requests get to finish once the server is told to stop.
const GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `stop` turns true, then lets open requests finish for a
/// moment. Every request carries the peer's address as axum's `ConnectInfo`.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) {
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait rather than spin, as
                // `axum::serve` does.
                if !is_connection_error(&e) {
                    tracing::error!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                continue;
            }
        };
        // As `axum::serve` does: without it a small answer can wait for the client's delayed
        // ACK (Nagle's algorithm), tens of milliseconds on every API call.
        let _ = stream.set_nodelay(true);
        let Ok(service) = make.call(peer).await;
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client that goes away or times out is an everyday event, not worth a log line.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
