//! In-process tests over the SDK's in-memory exporters: the bridge, the guard, and every lake
//! operation.

mod bridge;
mod init;
mod lake_ops;
mod lake_streams;
