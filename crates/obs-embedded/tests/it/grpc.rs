//! OTLP/gRPC edge cases through a tonic client: partial success for invalid spans, gzip
//! accepted, and messages over the limit refused before they are decoded.

use obs_stack::ports;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use test_support::embedded::EmbeddedServer;
use tonic::codec::CompressionEncoding;

use crate::otlp_build::{hex, span, traces};
use crate::{get, status};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn client(server: &EmbeddedServer) -> TraceServiceClient<tonic::transport::Channel> {
    let endpoint = tonic::transport::Endpoint::from_shared(server.url(ports::OTLP_GRPC))
        .unwrap()
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5));
    TraceServiceClient::new(endpoint.connect().await.unwrap())
}

/// A gzip-compressed gRPC export with one all-zero trace id is a partial success; the valid span is stored.
#[test]
fn grpc_gzip_partial_success() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let request = traces("grpc-edge", vec![span([0x2f; 16], [1; 8], "grpc-span"), span([0; 16], [2; 8], "zero")]);
    let response = runtime().block_on(async {
        let mut client = client(&server).await.send_compressed(CompressionEncoding::Gzip);
        client.export(request).await.unwrap().into_inner()
    });
    let partial = response.partial_success.unwrap();
    assert_eq!(partial.rejected_spans, 1);
    assert!(!partial.error_message.is_empty());
    assert_eq!(get(&format!("{}/api/traces/{}", server.url(ports::TEMPO), hex(&[0x2f; 16]))).status, 200);
}

/// A gzip message that inflates past --max-request-bytes is refused and nothing of it is stored.
#[test]
fn grpc_gzip_bomb_is_refused() {
    let server = EmbeddedServer::start(&["--max-request-bytes", "65536"]).unwrap();
    let mut big = span([0x1e; 16], [1; 8], "huge-span");
    big.name = "x".repeat(1 << 20);
    let err = runtime().block_on(async {
        let mut client = client(&server).await.send_compressed(CompressionEncoding::Gzip);
        client.export(traces("grpc-edge", vec![big])).await.unwrap_err()
    });
    assert_eq!(err.code(), tonic::Code::ResourceExhausted, "{err:?}");
    assert!(err.message().contains("size limit, of 65536 bytes, exceeded"), "{err:?}");
    assert_eq!(status(&server)["stores"]["traces"]["items"], 0);
}
