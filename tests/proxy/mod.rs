//! A loopback TCP proxy in front of the test cluster, for tests of a chain server that goes away: "stopped" closes its port and every open connection (what a desk sees of a server that is down or a cable pulled); "cut" drops each new connection after a random number of bytes, at any point of a transaction.
//!
//! Shared by `tests/outbox.rs` and the window's end-to-end test
//! (`e2e/tests/e2e/chain.rs`).
#![allow(dead_code)]

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A number in `0..n` (`n` > 0), from the standard library's random hash
/// keys: enough for where to cut a connection.
pub fn random_below(n: u64) -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let draw = std::collections::hash_map::RandomState::new()
        .hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
    draw % n.max(1)
}

/// A loopback proxy to one server.
pub struct Proxy {
    /// The proxy's port on 127.0.0.1.
    pub port: u16,
    upstream: String,
    /// The accept loop and every connection's task.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// 0: never cut; else each new connection is cut after a random number
    /// of bytes between `cut / 4` and `cut`, in one direction.
    pub cut: Arc<AtomicU64>,
    /// Connections cut so far.
    pub cuts: Arc<AtomicU64>,
}

impl Proxy {
    /// A proxy on a free loopback port to the host and port of `server_url`.
    pub async fn start(server_url: &str) -> Proxy {
        let u = url::Url::parse(server_url).expect("a server URL");
        let upstream = format!(
            "{}:{}",
            u.host_str().expect("a host"),
            u.port().unwrap_or(5432)
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("its address").port();
        let proxy = Proxy {
            port,
            upstream,
            tasks: Arc::default(),
            cut: Arc::default(),
            cuts: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let (upstream, tasks, cut, cuts) = (
            self.upstream.clone(),
            self.tasks.clone(),
            self.cut.clone(),
            self.cuts.clone(),
        );
        let accept_tasks = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let limit = match cut.load(Ordering::SeqCst) {
                    0 => u64::MAX,
                    n => n / 4 + random_below(n - n / 4 + 1),
                };
                let task = tokio::spawn(pipe(client, server, limit, cuts.clone()));
                accept_tasks.lock().expect("the task list").push(task);
            }
        });
        tasks.lock().expect("the task list").push(accept);
    }

    /// The server "stops": the port refuses connections and every open
    /// connection is closed.
    pub fn stop(&self) {
        for task in self.tasks.lock().expect("the task list").drain(..) {
            task.abort();
        }
    }

    /// The server is back, on the same port.
    pub async fn resume(&self) {
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(("127.0.0.1", self.port)).await {
                self.serve(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("cannot listen on {} again", self.port);
    }

    /// `url` reaching its server through this proxy.
    pub fn url(&self, url: &str) -> String {
        let mut u = url::Url::parse(url).expect("a URL");
        u.set_host(Some("127.0.0.1")).expect("a host");
        u.set_port(Some(self.port)).expect("a port");
        u.to_string()
    }
}

/// Copies both ways until either side closes, or cuts both after `limit`
/// bytes in one direction (chosen at random): from the desk, so a
/// statement or a COMMIT never arrives, or from the server, so an answer —
/// a COMMIT's included — is lost after the server acted on it.
async fn pipe(mut client: TcpStream, mut server: TcpStream, limit: u64, cuts: Arc<AtomicU64>) {
    let (up_limit, down_limit) = if random_below(2) == 0 {
        (limit, u64::MAX)
    } else {
        (u64::MAX, limit)
    };
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    tokio::select! {
        _ = copy_until(&mut cr, &mut sw, up_limit, &cuts) => {},
        _ = copy_until(&mut sr, &mut cw, down_limit, &cuts) => {},
    }
}

async fn copy_until(
    from: &mut (impl AsyncReadExt + Unpin),
    to: &mut (impl AsyncWriteExt + Unpin),
    limit: u64,
    cuts: &AtomicU64,
) {
    let mut sent = 0u64;
    let mut buf = vec![0u8; 8192];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let room = limit.saturating_sub(sent);
        if (n as u64) >= room {
            let _ = to.write_all(&buf[..room as usize]).await;
            cuts.fetch_add(1, Ordering::SeqCst);
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        sent += n as u64;
    }
}
