//! The process lifecycle: a taken port fails the start with a clear error, SIGTERM stops it
//! with exit 0, and data arriving during shutdown is refused with a retryable 503.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use obs_stack::{PORTS, env::OBS_BIND, ports};
use prost::Message;
use test_support::embedded::{EmbeddedServer, build_binary};
use test_support::free_port;

use crate::otlp_build::{span, traces};
use crate::poll;

/// A port already taken makes the server exit non-zero, naming the port, its variable and the address.
#[test]
fn port_in_use_is_a_clear_error() {
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().port();
    let mut cmd = Command::new(build_binary().unwrap());
    cmd.env_clear().env(OBS_BIND, "127.0.0.1");
    for port in PORTS {
        let number = if port.key == ports::LOKI.key { taken } else { free_port().unwrap() };
        cmd.env(port.env, number.to_string());
    }
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let status = poll("obs-embedded exit", Duration::from_secs(20), || Ok(child.try_wait()?)).unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let expected = format!(
        "error: cannot listen for Loki on 127.0.0.1:{taken} (port set by OBS_LOKI_PORT); stop whatever holds that \
         port or set OBS_LOKI_PORT to a free port: "
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    drop(holder);
}

/// SIGTERM stops the server gracefully with exit status 0.
#[test]
fn sigterm_exits_zero() {
    let mut server = EmbeddedServer::start(&[]).unwrap();
    server.terminate().unwrap();
    let status = server.wait_exit(Duration::from_secs(20)).unwrap();
    assert_eq!(status.code(), Some(0));
}

/// A request whose body is still being sent when shutdown begins (the server has answered
/// `100 Continue`, so its handler is reading) is refused with 503, Retry-After and an
/// UNAVAILABLE status, so the client keeps the data and retries; the server still exits 0.
#[test]
fn ingest_during_shutdown_is_503() {
    let mut server = EmbeddedServer::start(&[]).unwrap();
    let addr = address(&server, ports::OTLP_HTTP);
    let body = traces("shutdown", vec![span([9; 16], [9; 8], "late-span")]).encode_to_vec();
    let mut conn = begin_post(&addr, "/v1/traces", "application/x-protobuf", body.len());
    server.terminate().unwrap();
    wait_closed(&addr);
    conn.write_all(&body).unwrap();
    let reply = read_response(&mut conn);
    assert!(reply.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("\r\nretry-after: 1\r\n"), "{reply}");
    assert!(reply.contains("the server is shutting down; retry once it is back"), "{reply}");
    let started = Instant::now();
    assert_eq!(server.wait_exit(Duration::from_secs(20)).unwrap().code(), Some(0), "after {:?}", started.elapsed());
}

/// On the Loki port too, a push and an OTLP logs request whose bodies are still being read when
/// shutdown begins are refused with 503 and Retry-After: shutdown closes the log store.
#[test]
fn loki_ingest_during_shutdown_is_503() {
    let mut server = EmbeddedServer::start(&[]).unwrap();
    let addr = address(&server, ports::LOKI);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let push =
        serde_json::json!({"streams": [{"stream": {"job": "late"}, "values": [[now.to_string(), "late line"]]}]});
    let push = push.to_string();
    let otlp = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"late record"}}]}]}]}"#;
    let mut push_conn = begin_post(&addr, "/loki/api/v1/push", "application/json", push.len());
    let mut otlp_conn = begin_post(&addr, "/otlp/v1/logs", "application/json", otlp.len());
    server.terminate().unwrap();
    wait_closed(&addr);
    for (conn, body) in [(&mut push_conn, push.as_bytes()), (&mut otlp_conn, otlp.as_bytes())] {
        conn.write_all(body).unwrap();
        let reply = read_response(conn);
        assert!(reply.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{reply}");
        assert!(reply.to_ascii_lowercase().contains("\r\nretry-after: 1\r\n"), "{reply}");
        assert!(reply.contains("shutting down"), "{reply}");
    }
    assert_eq!(server.wait_exit(Duration::from_secs(20)).unwrap().code(), Some(0));
}

/// `host:port` of one of the server's listeners.
fn address(server: &EmbeddedServer, port: obs_stack::Port) -> String {
    server.endpoints.url(port).trim_start_matches("http://").to_string()
}

/// Sends a POST head with `Expect: 100-continue` and waits for `100 Continue`, so the handler
/// is running and reading the body when this returns.
fn begin_post(addr: &str, path: &str, content_type: &str, len: usize) -> TcpStream {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
         Expect: 100-continue\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).unwrap();
    let interim = read_until_blank_line(&mut conn);
    assert!(interim.starts_with("HTTP/1.1 100 Continue"), "the handler reads the body: {interim}");
    conn
}

/// Polls until the listener at `addr` stops accepting (shutdown has begun).
fn wait_closed(addr: &str) {
    poll("the listener to close", Duration::from_secs(10), || {
        Ok(TcpStream::connect_timeout(&addr.parse()?, Duration::from_millis(200)).is_err().then_some(()))
    })
    .unwrap();
}

/// Reads up to the blank line ending an interim (1xx) response's head.
fn read_until_blank_line(conn: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
        buf.push(byte[0]);
    }
    String::from_utf8_lossy(&buf).to_string()
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body) as lossy text.
fn read_response(conn: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = conn.read(&mut chunk).unwrap();
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return text;
            }
        }
        if n == 0 {
            return String::from_utf8_lossy(&buf).to_string();
        }
    }
}
