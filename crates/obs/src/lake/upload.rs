//! A multipart upload whose span lasts from the start of the upload to `complete` or `abort`.

use async_trait::async_trait;
use object_store::{MultipartUpload, PutPayload, PutResult, Result, UploadPart};

use tracing::Instrument as _;

use crate::lake::op::Op;

/// Counts parts and bytes, finishes the op when the upload ends.
#[derive(Debug)]
pub(crate) struct TracedUpload {
    inner: Box<dyn MultipartUpload>,
    op: Option<Op>,
    bytes: u64,
    parts: u64,
}

impl TracedUpload {
    pub(crate) fn new(inner: Box<dyn MultipartUpload>, op: Op) -> Self {
        Self { inner, op: Some(op), bytes: 0, parts: 0 }
    }

    fn finish(&mut self, result: Result<(), (&'static str, String)>) {
        if let Some(op) = self.op.take() {
            op.set_count("lake.part_count", self.parts);
            match result {
                Ok(()) => op.ok(self.bytes),
                Err((kind, message)) => op.fail_with(kind, &message, self.bytes),
            }
        }
    }
}

#[async_trait]
impl MultipartUpload for TracedUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        self.bytes += data.content_length() as u64;
        self.parts += 1;
        self.inner.put_part(data)
    }

    async fn complete(&mut self) -> Result<PutResult> {
        let result = match &self.op {
            Some(op) => {
                let span = op.span.clone();
                self.inner.complete().instrument(span).await
            }
            None => self.inner.complete().await,
        };
        match &result {
            Ok(_) => self.finish(Ok(())),
            Err(err) => self.finish(Err((crate::lake::op::error_type(err), err.to_string()))),
        }
        result
    }

    async fn abort(&mut self) -> Result<()> {
        let result = self.inner.abort().await;
        self.finish(Err(("aborted", "multipart upload aborted".to_string())));
        result
    }
}

impl Drop for TracedUpload {
    fn drop(&mut self) {
        self.finish(Err(("abandoned", "multipart upload dropped before complete".to_string())));
    }
}
