"""Test client: sends one span, one log record inside it and one counter through the
OpenTelemetry Python SDK over OTLP (gRPC or HTTP/protobuf), then prints the span's ids as JSON.

Used by crates/obs-embedded/tests/it/python_sdk.rs against a real obs-embedded process.
"""

import argparse
import json
import logging
import sys

from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor


def exporters(protocol, endpoint):
    """The three OTLP exporters for `protocol`, pointed at `endpoint`."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return (
            OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=10),
            OTLPLogExporter(endpoint=endpoint, insecure=True, timeout=10),
            OTLPMetricExporter(endpoint=endpoint, insecure=True, timeout=10),
        )
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return (
        OTLPSpanExporter(endpoint=endpoint + "/v1/traces", timeout=10),
        OTLPLogExporter(endpoint=endpoint + "/v1/logs", timeout=10),
        OTLPMetricExporter(endpoint=endpoint + "/v1/metrics", timeout=10),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--protocol", choices=["grpc", "http"], required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--service", required=True)
    args = parser.parse_args()

    resource = Resource.create({"service.name": args.service, "deployment.environment": "test"})
    span_exporter, log_exporter, metric_exporter = exporters(args.protocol, args.endpoint)

    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=3_600_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])

    log = logging.getLogger("py-e2e")
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))

    tracer = tracer_provider.get_tracer("py-e2e")
    with tracer.start_as_current_span("py-e2e-span", attributes={"order.id": "ord-4711", "order.qty": 3}) as span:
        ctx = span.get_span_context()
        trace_id = format(ctx.trace_id, "032x")
        span_id = format(ctx.span_id, "016x")
        log.warning("py e2e order ord-4711 filled", extra={"order.side": "buy"})
        counter = meter_provider.get_meter("py-e2e").create_counter("py_e2e_orders", description="orders filled")
        counter.add(7, {"run_id": trace_id})

    ok = tracer_provider.force_flush(10_000) and logger_provider.force_flush(10_000) and meter_provider.force_flush(10_000)
    meter_provider.shutdown()
    logger_provider.shutdown()
    tracer_provider.shutdown()
    print(json.dumps({"trace_id": trace_id, "span_id": span_id}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
