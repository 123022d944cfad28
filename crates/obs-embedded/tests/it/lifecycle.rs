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
    let addr = server.endpoints.url(ports::OTLP_HTTP).trim_start_matches("http://").to_string();
    let body = traces("shutdown", vec![span([9; 16], [9; 8], "late-span")]).encode_to_vec();
    let mut conn = TcpStream::connect(&addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /v1/traces HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    let interim = read_until_blank_line(&mut conn);
    assert!(interim.starts_with("HTTP/1.1 100 Continue"), "the handler reads the body: {interim}");
    server.terminate().unwrap();
    poll("the OTLP HTTP listener to close", Duration::from_secs(10), || {
        Ok(TcpStream::connect_timeout(&addr.parse()?, Duration::from_millis(200)).is_err().then_some(()))
    })
    .unwrap();
    conn.write_all(&body).unwrap();
    let reply = read_response(&mut conn);
    assert!(reply.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("\r\nretry-after: 1\r\n"), "{reply}");
    assert!(reply.contains("the server is shutting down; retry once it is back"), "{reply}");
    let started = Instant::now();
    assert_eq!(server.wait_exit(Duration::from_secs(20)).unwrap().code(), Some(0), "after {:?}", started.elapsed());
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
