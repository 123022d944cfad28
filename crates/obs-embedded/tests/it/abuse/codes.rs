//! Status codes as the OTLP specification asks, so exporters retry only what can succeed:
//! non-gRPC on the gRPC port, oversized and undecodable gRPC messages, batches that can never
//! fit, and Tempo's `start > end`.

use obs_stack::ports;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use prost::Message;
use test_support::embedded::EmbeddedServer;

use crate::otlp_build::{span, traces};
use crate::{get, post};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn channel(server: &EmbeddedServer) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(server.url(ports::OTLP_GRPC))
        .unwrap()
        .timeout(std::time::Duration::from_secs(10))
        .connect()
        .await
        .unwrap()
}

/// An OTLP/HTTP export sent to the gRPC port gets 415 naming the OTLP/HTTP port, never a 200.
#[test]
fn http_on_the_grpc_port_is_refused() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let body = traces("codes", vec![span([0x61; 16], [1; 8], "lost")]).encode_to_vec();
    let answer = post(
        &format!("{}/v1/traces", server.url(ports::OTLP_GRPC)),
        &[("content-type", "application/x-protobuf")],
        &body,
    );
    assert_eq!(answer.status, 415);
    let text = super::short(&answer.body);
    assert!(text.contains("OTLP gRPC port") && text.contains(&server.url(ports::OTLP_HTTP)), "{text}");
}

/// An uncompressed gRPC message over the limit is RESOURCE_EXHAUSTED (not OUT_OF_RANGE).
#[test]
fn oversized_grpc_message_is_resource_exhausted() {
    let server = EmbeddedServer::start(&["--max-request-bytes", "65536"]).unwrap();
    let mut big = span([0x62; 16], [1; 8], "big");
    big.name = "x".repeat(1 << 20);
    let err = runtime().block_on(async {
        TraceServiceClient::new(channel(&server).await).export(traces("codes", vec![big])).await.unwrap_err()
    });
    assert_eq!(err.code(), tonic::Code::ResourceExhausted, "{err:?}");
}

/// A batch with more spans than the whole store is RESOURCE_EXHAUSTED without RetryInfo.
#[test]
fn batch_over_the_cap_is_not_retryable_over_grpc() {
    let server = EmbeddedServer::start(&["--max-spans", "10"]).unwrap();
    let spans = (0..20u8).map(|n| span([0x63; 16], [n, 2, 2, 2, 2, 2, 2, 2], "many")).collect();
    let err = runtime().block_on(async {
        TraceServiceClient::new(channel(&server).await).export(traces("codes", spans)).await.unwrap_err()
    });
    assert_eq!(err.code(), tonic::Code::ResourceExhausted, "{err:?}");
    assert!(err.details().is_empty(), "no RetryInfo for a request that can never fit");
    assert!(err.message().contains("OBS_MAX_SPANS"), "{err:?}");
}

/// Garbage bytes as a gRPC message are INVALID_ARGUMENT (not INTERNAL).
#[test]
fn undecodable_grpc_message_is_invalid_argument() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let err = runtime().block_on(async {
        let mut grpc = tonic::client::Grpc::new(channel(&server).await);
        grpc.ready().await.unwrap();
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(
            "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        );
        let garbage = tonic::Request::new(vec![0xffu8; 64]);
        grpc.unary::<_, Vec<u8>, _>(garbage, path, RawCodec).await.unwrap_err()
    });
    assert_eq!(err.code(), tonic::Code::InvalidArgument, "{err:?}");
}

/// Tempo answers `start` after `end` with 400.
#[test]
fn tempo_start_after_end_is_400() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let answer = get(&format!("{}/api/search?start=2000&end=1000", server.url(ports::TEMPO)));
    assert_eq!(answer.status, 400, "{}", super::short(&answer.body));
}

/// Sends and receives message bytes as they are.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;
    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }
    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut tonic::codec::EncodeBuf<'_>) -> Result<(), tonic::Status> {
        bytes::BufMut::put_slice(dst, &item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        let len = bytes::Buf::remaining(src);
        Ok(Some(bytes::Buf::copy_to_bytes(src, len).to_vec()))
    }
}
