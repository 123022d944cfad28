//! Attempts to stall the server: idle and half-sent connections past the connection cap, and
//! slow queries. Health keeps answering; idle connections are closed; a query past its
//! deadline answers a timeout.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use obs_stack::ports;
use prost::Message;
use test_support::embedded::EmbeddedServer;

use super::{addr, raw, under_attack};
use crate::otlp_build::{logs, now_ns, record};
use crate::{enc, get, post};

/// Whether the server closed `stream` (EOF or reset) within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 256];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

/// 100 idle and half-sent connections against a cap of 32: the extra ones get a 503, the
/// health port keeps answering, and every idle connection is closed after the idle timeout.
#[test]
fn idle_connections_are_capped_and_closed() {
    let server = EmbeddedServer::start(&["--max-connections", "32", "--idle-timeout", "2"]).unwrap();
    let tempo = addr(&server, ports::TEMPO);
    let mut held = under_attack(&server, 300, || {
        let mut held = Vec::new();
        for n in 0..100 {
            let mut stream = TcpStream::connect(&tempo).unwrap();
            if n % 2 == 0 {
                let _ = stream.write_all(b"GET /ready HTTP/1.1\r\nHost: loc");
            }
            held.push(stream);
        }
        let (status, text) = raw(&tempo, b"GET /ready HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(status, 503, "over the cap: {text}");
        assert!(text.contains("too many open connections"), "{text}");
        held
    });
    for stream in held.iter_mut().take(32) {
        assert!(closed_within(stream, Duration::from_secs(15)), "an idle connection stayed open past the idle timeout");
    }
    assert_eq!(get(&format!("{}/ready", server.url(ports::TEMPO))).status, 200);
}

/// Four heavy `| json` queries against a one-second deadline: each answers (200 or a
/// timeout), health answers throughout, and ingest still goes through.
#[test]
fn slow_queries_do_not_freeze_the_server() {
    let server = EmbeddedServer::start(&["--query-timeout", "1", "--max-concurrent-queries", "2"]).unwrap();
    let otlp = format!("{}/v1/logs", server.url(ports::OTLP_HTTP));
    let line = r#"{"a":1,"b":"two","c":3.5,"d":"four","e":{"f":"g"},"h":[1,2,3],"level":"info","msg":"backtest step"}"#;
    for _ in 0..20 {
        let records = (0..5_000).map(|_| record(line, now_ns(), vec![])).collect();
        let answer = post(&otlp, &[("content-type", "application/x-protobuf")], &logs("slow", records).encode_to_vec());
        assert_eq!(answer.status, 200);
    }
    let query = enc(r#"sum by (d) (count_over_time({service_name="slow"} | json | a > 0 [1h]))"#);
    let url = format!("{}/loki/api/v1/query?query={query}", server.url(ports::LOKI));
    let statuses = under_attack(&server, 400, || {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || get(&url).status)
            })
            .collect();
        let ingest = post(
            &otlp,
            &[("content-type", "application/x-protobuf")],
            &logs("slow", vec![record("during", now_ns(), vec![])]).encode_to_vec(),
        );
        assert_eq!(ingest.status, 200, "ingest blocked behind queries");
        workers.into_iter().map(|w| w.join().unwrap_or(0)).collect::<Vec<_>>()
    });
    for status in statuses {
        assert!(matches!(status, 200 | 503 | 504), "a slow query answered {status}");
    }
}
