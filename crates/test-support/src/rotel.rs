//! A real rotel collector (a third-party OTLP forwarder) on free loopback ports, exporting over
//! OTLP/gRPC to a given endpoint and killed when dropped.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{free_port, target_dir, tools};

/// A running rotel agent; killed on drop so a failed assertion leaves nothing running.
pub struct Rotel {
    child: Child,
    /// Its OTLP/gRPC receiver's port on 127.0.0.1.
    pub grpc_port: u16,
    /// Its OTLP/HTTP receiver's port on 127.0.0.1.
    pub http_port: u16,
}

impl Rotel {
    /// Starts rotel receiving OTLP on fresh ports and forwarding over gRPC to `exporter_endpoint`;
    /// its pid and log files go to a directory of its own under the target directory.
    pub fn start(exporter_endpoint: &str) -> Result<Self> {
        let (grpc_port, http_port) = (free_port()?, free_port()?);
        let dir = own_dir(grpc_port)?;
        let child = Command::new(tools::rotel_agent()?)
            .arg("start")
            .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_port}")])
            .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_port}")])
            .args(["--exporter", "otlp", "--otlp-exporter-protocol", "grpc"])
            .args(["--otlp-exporter-endpoint", exporter_endpoint])
            .args(["--pid-file", &dir.join("rotel.pid").display().to_string()])
            .args(["--log-file", &dir.join("rotel.log").display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("start rotel-agent")?;
        Ok(Self { child, grpc_port, http_port })
    }

    /// Waits (20 s at most) until rotel accepts TCP connections on `port`.
    pub fn wait_listening(&self, port: u16) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_err() {
            if Instant::now() >= deadline {
                bail!("rotel did not listen on 127.0.0.1:{port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one rotel's pid and log files (named after a port no other rotel holds now).
fn own_dir(port: u16) -> Result<PathBuf> {
    let dir = target_dir().join("test-support").join(format!("rotel-{port}"));
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    Ok(dir)
}
