//! gRPC backpressure as the OTLP spec asks: `UNAVAILABLE` carrying a `google.rpc.RetryInfo`
//! detail with the delay, so exporters know when to retry.

use bytes::Bytes;
use prost::Message;
use tonic::{Code, Status};

/// Seconds a refused gRPC client should wait (same as the HTTP `Retry-After`).
pub const RETRY_DELAY_SECONDS: i64 = obs_contract::http::RETRY_AFTER_SECONDS as i64;

/// `google.rpc.Status` with its details, the payload of `grpc-status-details-bin`.
#[derive(Clone, PartialEq, Message)]
pub struct StatusDetails {
    /// gRPC code.
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// Human-readable message.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Typed details.
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<Any>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, Message)]
pub struct Any {
    /// Type URL of the packed message.
    #[prost(string, tag = "1")]
    pub type_url: String,
    /// The packed message.
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, Message)]
pub struct RetryInfo {
    /// How long to wait before retrying.
    #[prost(message, optional, tag = "1")]
    pub retry_delay: Option<ProtoDuration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, Message)]
pub struct ProtoDuration {
    /// Whole seconds.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds past the seconds.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// Type URL of `google.rpc.RetryInfo`.
pub const RETRY_INFO_TYPE: &str = "type.googleapis.com/google.rpc.RetryInfo";

/// `UNAVAILABLE` with `message` and a RetryInfo of [`RETRY_DELAY_SECONDS`].
pub fn unavailable(message: String) -> Status {
    let retry = RetryInfo { retry_delay: Some(ProtoDuration { seconds: RETRY_DELAY_SECONDS, nanos: 0 }) };
    let details = StatusDetails {
        code: Code::Unavailable as i32,
        message: message.clone(),
        details: vec![Any { type_url: RETRY_INFO_TYPE.to_string(), value: retry.encode_to_vec() }],
    };
    Status::with_details(Code::Unavailable, message, Bytes::from(details.encode_to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status carries UNAVAILABLE and a decodable RetryInfo with the delay.
    #[test]
    fn unavailable_has_retry_info() {
        let status = unavailable("store full".into());
        assert_eq!((status.code(), status.message()), (Code::Unavailable, "store full"));
        let details = StatusDetails::decode(status.details()).unwrap_or_default();
        assert_eq!(details.code, Code::Unavailable as i32);
        assert_eq!(details.details[0].type_url, RETRY_INFO_TYPE);
        let retry = RetryInfo::decode(&details.details[0].value[..]).unwrap_or_default();
        assert_eq!(retry.retry_delay, Some(ProtoDuration { seconds: 1, nanos: 0 }));
    }
}
