// The shapes of the Tempo, Loki and Prometheus answers the UI reads, as JSDoc types: pages annotate
// what getJSON/getData answer with these, and `tsc --noEmit --checkJs` (ui-tests/tsconfig.json) checks
// the modules against them. No code: importing this module only makes the types visible.

/**
 * @typedef {{stringValue?: string, intValue?: string|number, doubleValue?: number, boolValue?: boolean,
 *   bytesValue?: string, arrayValue?: {values?: OtlpAnyValue[]}, kvlistValue?: {values?: OtlpKeyValue[]}}} OtlpAnyValue
 * @typedef {{key: string, value?: OtlpAnyValue}} OtlpKeyValue
 * @typedef {{code?: number|string, message?: string}} OtlpStatus
 * @typedef {{timeUnixNano?: string, name?: string, attributes?: OtlpKeyValue[]}} OtlpEvent
 * @typedef {{traceId?: string, spanId?: string, attributes?: OtlpKeyValue[]}} OtlpLink
 * @typedef {{traceId?: string, spanId?: string, parentSpanId?: string, name?: string, kind?: number|string,
 *   startTimeUnixNano?: string, endTimeUnixNano?: string, attributes?: OtlpKeyValue[], events?: OtlpEvent[],
 *   links?: OtlpLink[], status?: OtlpStatus}} OtlpSpan
 * @typedef {{name?: string, version?: string}} OtlpScope
 * @typedef {{scope?: OtlpScope, instrumentationLibrary?: OtlpScope, spans?: OtlpSpan[]}} OtlpScopeSpans
 * @typedef {{resource?: {attributes?: OtlpKeyValue[]}, scopeSpans?: OtlpScopeSpans[],
 *   instrumentationLibrarySpans?: OtlpScopeSpans[]}} OtlpResourceSpans
 */

/**
 * Tempo `GET /api/traces/<id>` (v1 `batches`) or `/api/v2/traces/<id>` (`trace.resourceSpans`).
 * @typedef {{batches?: OtlpResourceSpans[], resourceSpans?: OtlpResourceSpans[],
 *   trace?: {resourceSpans?: OtlpResourceSpans[]}}} TempoTrace
 */

/**
 * Tempo `GET /api/search`: `serviceStats` only comes with a TraceQL `q`.
 * @typedef {{spanCount?: number, errorCount?: number}} TempoServiceStats
 * @typedef {{spans?: {spanID: string, name?: string, startTimeUnixNano?: string, durationNanos?: string}[], matched?: number}} TempoSpanSet
 * @typedef {{traceID: string, rootServiceName?: string, rootTraceName?: string, startTimeUnixNano?: string,
 *   durationMs?: number, spanSet?: TempoSpanSet, spanSets?: TempoSpanSet[],
 *   serviceStats?: Record<string, TempoServiceStats>}} TempoSearchHit
 * @typedef {{traces?: TempoSearchHit[], metrics?: Record<string, unknown>}} TempoSearch
 * @typedef {{tagValues?: (string | {type?: string, value: string})[]}} TempoTagValues
 * @typedef {{scopes?: {name: string, tags?: string[]}[]}} TempoTagNames
 */

/**
 * Loki `query_range` / `query` data (inside the `{status, data}` envelope). With the header
 * `X-Loki-Response-Encoding-Flags: categorize-labels` a value carries a third element.
 * @typedef {{structuredMetadata?: Record<string, string>, parsed?: Record<string, string>}} LokiCategories
 * @typedef {[string, string] | [string, string, LokiCategories]} LokiValue
 * @typedef {{stream?: Record<string, string>, values?: LokiValue[]}} LokiStream
 * @typedef {{metric?: Record<string, string>, values?: [number, string][], value?: [number, string]}} LokiSample
 * @typedef {{resultType: 'streams', result: LokiStream[]} | {resultType: 'matrix' | 'vector', result: LokiSample[]}} LokiData
 */

/**
 * Prometheus `query` / `query_range` data (inside the `{status, data}` envelope).
 * @typedef {{metric: Record<string, string>, value: [number, string]}} PromInstant
 * @typedef {{metric: Record<string, string>, values: [number, string][]}} PromRange
 * @typedef {{resultType: 'vector', result: PromInstant[]} | {resultType: 'matrix', result: PromRange[]}
 *   | {resultType: 'scalar' | 'string', result: [number, string]}} PromData
 * @typedef {{status: 'success' | 'error', data?: unknown, error?: string, errorType?: string}} PromEnvelope
 */

export {};
