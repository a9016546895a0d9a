"""A local OpenTelemetry collector for tests: accepts OTLP/HTTP ``POST /v1/traces`` and decodes
the protobuf the real exporter sends, so a test reads the spans as a trace store would."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass
class Collector:
    url: str
    requests: list[ExportTraceServiceRequest] = field(default_factory=list)

    def spans(self) -> list[dict]:
        """Every span received so far, flattened: name, trace id, kind, times, attributes, service."""
        return [span for request in list(self.requests) for span in _flatten(request)]

    def wait_for(self, ready, *, seconds: float = 30) -> list[dict]:
        """The spans, once ``ready(spans)`` holds (exporters send in batches, a little later)."""
        deadline = time.monotonic() + seconds
        while not ready(spans := self.spans()):
            if time.monotonic() > deadline:
                return spans
            time.sleep(0.2)
        return spans


@contextmanager
def otlp_collector() -> Iterator[Collector]:
    collector = Collector(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path == "/v1/traces":
                collector.requests.append(ExportTraceServiceRequest.FromString(body))
                self.send_response(200)
            else:
                self.send_response(404)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    collector.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield collector
    finally:
        server.shutdown()
        server.server_close()


def _flatten(request: ExportTraceServiceRequest) -> Iterator[dict]:
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope in resource_spans.scope_spans:
            for span in scope.spans:
                yield {
                    "name": span.name,
                    "trace": span.trace_id.hex(),
                    "kind": span.kind,
                    "start": span.start_time_unix_nano,
                    "end": span.end_time_unix_nano,
                    "attributes": {a.key: _value(a.value) for a in span.attributes},
                    "service": resource.get("service.name"),
                }


def _value(value):
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None
