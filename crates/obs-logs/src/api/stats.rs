//! Loki's `stats` object: the same keys a real Loki answers with, filled with what the embedded
//! store measures (time, entries, bytes) and zero for what it has no equivalent of (chunks,
//! caches).

/// What a query did, for the `stats.summary` object.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Seconds spent.
    pub exec_seconds: f64,
    /// Entries or samples returned.
    pub returned: u64,
    /// Line bytes of the returned entries.
    pub bytes: u64,
}

/// Loki's `stats` object (same keys; what we do not measure is 0).
pub fn stats(summary: Summary) -> serde_json::Value {
    let per_second = |n: u64| if summary.exec_seconds > 0.0 { (n as f64 / summary.exec_seconds) as u64 } else { 0 };
    let zero_cache = serde_json::json!({
        "entriesFound": 0, "entriesRequested": 0, "entriesStored": 0, "bytesReceived": 0,
        "bytesSent": 0, "requests": 0, "downloadTime": 0, "queryLengthServed": 0
    });
    let store = |lines: u64, bytes: u64| {
        serde_json::json!({
            "totalChunksRef": 0, "totalChunksDownloaded": 0, "chunksDownloadTime": 0,
            "queryReferencedStructuredMetadata": false,
            "chunk": {
                "headChunkBytes": bytes, "headChunkLines": lines, "decompressedBytes": 0, "decompressedLines": 0,
                "compressedBytes": 0, "totalDuplicates": 0, "postFilterLines": lines,
                "headChunkStructuredMetadataBytes": 0, "decompressedStructuredMetadataBytes": 0
            },
            "chunkRefsFetchTime": 0, "congestionControlLatency": 0, "pipelineWrapperFilteredLines": 0
        })
    };
    let caches: serde_json::Map<String, serde_json::Value> = [
        "chunk",
        "index",
        "result",
        "statsResult",
        "volumeResult",
        "seriesResult",
        "labelResult",
        "instantMetricResult",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), zero_cache.clone()))
    .collect();
    serde_json::json!({
        "summary": {
            "bytesProcessedPerSecond": per_second(summary.bytes),
            "linesProcessedPerSecond": per_second(summary.returned),
            "totalBytesProcessed": summary.bytes,
            "totalLinesProcessed": summary.returned,
            "execTime": summary.exec_seconds,
            "queueTime": 0,
            "subqueries": 0,
            "totalEntriesReturned": summary.returned,
            "splits": 0,
            "shards": 1,
            "totalPostFilterLines": summary.returned,
            "totalStructuredMetadataBytesProcessed": 0
        },
        "querier": { "store": store(0, 0) },
        "ingester": {
            "totalReached": 1, "totalChunksMatched": 0, "totalBatches": 0, "totalLinesSent": summary.returned,
            "store": store(summary.returned, summary.bytes)
        },
        "cache": caches,
        "index": { "totalChunks": 0, "postFilterChunks": 0, "shardsDuration": 0, "usedBloomFilters": false }
    })
}
