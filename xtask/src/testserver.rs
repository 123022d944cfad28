//! Test-only loopback HTTP server: answers each path with scripted replies (the last one
//! repeats), records the request lines, or accepts and never answers. Real sockets, so the
//! probes and verifiers are tested as they run.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl Reply {
    /// A `text/plain` answer.
    pub fn text(status: u16, body: &str) -> Self {
        Self { status, content_type: "text/plain; charset=utf-8", body: body.into() }
    }

    /// An `application/json` answer.
    pub fn json(status: u16, body: &str) -> Self {
        Self { status, content_type: "application/json", body: body.into() }
    }
}

type Routes = Vec<(String, Vec<Reply>)>;

/// A running server on 127.0.0.1; stops when dropped.
pub struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Answers every path with `replies` in turn.
    pub fn start(replies: Vec<Reply>) -> std::io::Result<Self> {
        Self::routes(vec![("/", replies)])
    }

    /// Answers a request with the replies of the first route whose prefix its target starts with.
    pub fn routes(routes: Vec<(&str, Vec<Reply>)>) -> std::io::Result<Self> {
        let routes: Routes = routes.into_iter().map(|(p, r)| (p.to_string(), r)).collect();
        Self::spawn(Some(routes))
    }

    /// Accepts connections and never answers them.
    pub fn silent() -> std::io::Result<Self> {
        Self::spawn(None)
    }

    fn spawn(routes: Option<Routes>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut counts = vec![0usize; routes.as_ref().map_or(0, Vec::len)];
            let mut held = Vec::new();
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                match &routes {
                    None => held.push(stream),
                    Some(routes) => serve(stream, routes, &mut counts, &seen2),
                }
            }
        });
        Ok(Self { port, seen, stop })
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Request lines seen so far, such as `GET /ready`.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().map(|seen| seen.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, routes: &Routes, counts: &mut [usize], seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() || first.is_empty() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if let Ok(mut seen) = seen.lock() {
        seen.push(format!("{method} {target}"));
    }
    let reply = match routes.iter().position(|(prefix, _)| target.starts_with(prefix.as_str())) {
        Some(i) => {
            let replies = &routes[i].1;
            let reply = replies[counts[i].min(replies.len() - 1)].clone();
            counts[i] += 1;
            reply
        }
        None => Reply::text(404, "404 page not found\n"),
    };
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let mut out = &stream;
    let _ = out.write_all(head.as_bytes()).and_then(|()| out.write_all(reply.body.as_bytes()));
}

/// A loopback port with nothing listening (bound, read, released).
pub fn closed_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
