"""One JSON log line, CloudWatch EMF metrics and optional X-Ray subsegments per request.

Written with AWS Lambda Powertools: its Logger (with its standard keys), its Metrics'
EMF documents and, only when `settings.tracing` is on, its Tracer. The deployed
function gets Powertools from AWS's managed layer (infra/template.yaml), so it costs
the artifact nothing; tests and local runs install the same pinned version.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.constants import COMPACT_INDENT, PRETTY_INDENT
from aws_lambda_powertools.shared.functions import powertools_dev_is_set

from schema.recorder import OperationRecord, bounded, current_operation
from settings import Settings
from store import budget
from web.identity import identity_from_event
from web.routes import ADMIN_PATH

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A request with one of these failed on our side, not the caller's: logged as an error.
_SERVER_SIDE_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})
# Operation names are chosen by clients, and each distinct value of a dimension is a
# custom metric billed by CloudWatch: a container gives the first few names their own
# metrics, and counts the rest as `other`. The storefront and admin clients use a
# dozen operations; 50 leaves room for more without letting a client mint thousands.
MAX_OPERATION_DIMENSIONS = 50
_MAX_DIMENSION_LENGTH = 64
# Every log line is bounded, and so is what one request can log, whatever it sends:
# CloudWatch bills each byte, and a line of 125,000 characters hides the others.
MAX_LOG_LINE_BYTES = 8 * 1024
MAX_REQUEST_LOG_BYTES = 16 * 1024
# The warnings and errors of one request (their message, traceback included, each cut
# to MAX_MESSAGE_BYTES) share MAX_WARNING_BYTES; the rest of a request's 16 KiB is its
# own line (about 3 KiB at most) and its EMF documents (under 0.5 KiB each).
MAX_MESSAGE_BYTES = 6 * 1024
MAX_WARNING_BYTES = 8 * 1024
# The loggers a request can make write: ours, and the libraries' on the request's path.
BOUNDED_LOGGERS = ("catalog", "mangum", "mangum.http", "mangum.lifespan", "strawberry.execution")
# A client can send errors by the hundred; the line keeps the first codes.
MAX_LOGGED_ERROR_CODES = 20


class _StdoutHandler(logging.Handler):
    """Write to whatever `sys.stdout` is now: Lambda sends stdout to CloudWatch Logs.

    Powertools' default handler keeps the stream it found at import, which a test's
    captured stdout (or anything else that swaps `sys.stdout`) would never see.
    """

    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record) + "\n")
        sys.stdout.flush()


def _line_encoder() -> Callable[[Any], str]:
    """What Powertools' formatter serialises a line with (its `json.dumps` options), as
    one encoder built once instead of one per line: 3% of a warm get-by-id's CPU."""
    encoder = json.JSONEncoder(
        default=str,
        separators=(",", ":"),
        indent=PRETTY_INDENT if powertools_dev_is_set() else COMPACT_INDENT,
        ensure_ascii=False,
    )
    return encoder.encode


# The characters a JSON text can start with (json.loads skips leading whitespace,
# and reads NaN and Infinity).
_JSON_STARTS = frozenset('{["-0123456789tfnNI \t\n\r')


def _message_as_json(message: Any) -> Any:
    """Powertools' reading of a message as JSON (`json.loads`), without trying on one that
    cannot be: "request" would raise and catch a JSONDecodeError on every line."""
    if isinstance(message, str) and message[:1] not in _JSON_STARTS:
        return message
    return json.loads(message)


@dataclass
class RequestRecord:
    """What one request did, filled in as it runs and logged when it ends."""

    route: str
    operation: OperationRecord = field(default_factory=OperationRecord)
    # What the store says the request spent (store/budget.py), read as it ends.
    dynamodb_calls: Counter[str] = field(default_factory=Counter)
    consumed_capacity: float = 0.0
    # The manifest's name for a trusted document (web/persisted.py), if it was one.
    trusted_operation: str | None = None


_current: ContextVar[RequestRecord | None] = ContextVar("catalog_request", default=None)
_cold_start = True


class Observed:
    """ASGI middleware: time each request, log it and emit its metrics."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.logger = Logger(
            service=settings.service_name,
            level=settings.log_level,
            logger_handler=_StdoutHandler(),
            utc=True,
            use_rfc3339=True,
            json_serializer=_line_encoder(),
            json_deserializer=_message_as_json,
        )
        self.metrics = Metrics(namespace=settings.metrics_namespace, service=settings.service_name)
        self.tracer = _tracer(settings) if settings.tracing else None
        self.untrusted_dimension = OperationDimensions(MAX_OPERATION_DIMENSIONS)
        bound_logs()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        global _cold_start
        cold_start, _cold_start = _cold_start, False
        route = "admin" if scope["path"] == ADMIN_PATH else "public"
        record = RequestRecord(route=route)
        token = _current.set(record)
        budget_token = _log_budget.set(LogBudget(MAX_WARNING_BYTES))
        operation_token = current_operation.set(record.operation)
        response: dict[str, Any] = {"status": 500, "body": b""}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
            elif message["type"] == "http.response.body" and response["status"] >= 400:
                response["body"] += message.get("body", b"")
            await send(message)

        started = time.perf_counter()
        try:
            with self._subsegment("GraphQL operation") as subsegment:
                await self.app(scope, receive, send_and_note)
                _annotate(subsegment, record)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            stats = budget.current()
            if stats is not None:
                record.dynamodb_calls = stats.operations
                record.consumed_capacity = stats.consumed_capacity
            _current.reset(token)
            _log_budget.reset(budget_token)
            current_operation.reset(operation_token)
            if not record.operation.error_codes and response["status"] >= 400:
                record.operation.error_codes = _codes_in(response["body"])
            self._log(record, scope, response["status"], duration_ms, cold_start)
            self._emit_metrics(record, duration_ms, cold_start)

    def _subsegment(self, name: str) -> AbstractContextManager[Any]:
        if self.tracer is None:
            return nullcontext()
        return self.tracer.provider.in_subsegment(name)

    def _log(
        self, record: RequestRecord, scope: Scope, status: int, duration_ms: float, cold_start: bool
    ) -> None:
        """The request's log line: Powertools' keys (level, location, message, timestamp,
        service, xray_trace_id) and the Lambda context's, then the request's own."""
        event: dict[str, Any] = scope.get("aws.event") or {}
        request_context = event.get("requestContext") or {}
        operation = record.operation
        fields: dict[str, Any] = {
            **_lambda_context_keys(scope.get("aws.context"), cold_start),
            "api_request_id": request_context.get("requestId"),
            "route": record.route,
            "method": scope.get("method"),
            "status": status,
            "operation_name": bounded(operation.operation_name),
            "operation_type": operation.operation_type,
            "variable_names": _logged_variable_names(operation),
            "duration_ms": duration_ms,
            "dynamodb_calls": sum(record.dynamodb_calls.values()),
            "dynamodb_operations": dict(record.dynamodb_calls),
            "consumed_capacity_units": record.consumed_capacity,
            "error_codes": operation.error_codes[:MAX_LOGGED_ERROR_CODES],
        }
        if record.route == "admin":
            identity = identity_from_event(event)
            fields["caller_sub"] = identity.subject if identity else None
        failed = status >= 500 or not _SERVER_SIDE_CODES.isdisjoint(operation.error_codes)
        if failed:
            self.logger.error("request", extra=fields)
        else:
            self.logger.info("request", extra=fields)

    def _emit_metrics(self, record: RequestRecord, duration_ms: float, cold_start: bool) -> None:
        """EMF documents, one per set of dimensions, each with the `service` dimension."""
        operation = record.operation
        # Metrics keeps one set of dimensions per process; with no await between adding
        # and flushing, concurrent requests (`catalog serve`) cannot mix theirs.
        self.metrics.add_dimension(name="route", value=record.route)
        self.metrics.add_dimension(name="operation", value=self.operation_dimension(record))
        self.metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        self.metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=duration_ms)
        self.metrics.flush_metrics()
        for code, count in sorted(Counter(operation.error_codes).items()):
            self._count("Errors", count, code=code)
        if cold_start:
            # Powertools' capture_cold_start_metric would add a function_name dimension,
            # making it another CloudWatch metric than the one dashboards and alarms know.
            self._count("ColdStart", 1)

    def _count(self, name: str, value: int, **dimensions: str) -> None:
        """One Count metric in a document of its own, under `service` and `dimensions`."""
        with single_metric(
            name=name,
            unit=MetricUnit.Count,
            value=value,
            namespace=self.settings.metrics_namespace,
            default_dimensions={"service": self.settings.service_name, **dimensions},
        ):
            pass  # single_metric prints the document as the block ends

    def operation_dimension(self, record: RequestRecord) -> str:
        """The `operation` dimension: never a value a client can multiply at will.

        With trusted documents on, the manifest's name of a trusted document, and "other"
        for any other; without, one of the first names this container saw (`OperationDimensions`).
        """
        if self.settings.trusted_documents != "off":
            return record.trusted_operation or "other"
        return self.untrusted_dimension(record.operation.operation_name)


def note_trusted_operation(name: str) -> None:
    """Record that the request runs the trusted document of the manifest named `name`."""
    record = _current.get()
    if record is not None:
        record.trusted_operation = name


def _lambda_context_keys(context: Any, cold_start: bool) -> dict[str, Any]:
    """The keys Powertools' `inject_lambda_context` adds, read from Mangum's scope.

    Read here rather than by decorating the handler, so `catalog serve` (no Lambda
    context) logs the same line and one flag says cold start to the log and metric.
    """
    return {
        "cold_start": cold_start,
        "function_name": getattr(context, "function_name", None),
        "function_memory_size": getattr(context, "memory_limit_in_mb", None),
        "function_arn": getattr(context, "invoked_function_arn", None),
        "function_request_id": getattr(context, "aws_request_id", None),
    }


def _logged_variable_names(operation: OperationRecord) -> list[str]:
    """The variables' names only: their values may hold anything an admin typed.

    The record holds only names the operation declares, bounded in count and length
    (schema/recorder.py), so the line cannot grow with the request.
    """
    return operation.variable_names


class OperationDimensions:
    """The names of operations without trusted documents: the first `limit` distinct names
    seen in this container, the rest `other`, so clients cannot create metrics at will.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._known: set[str] = set()

    def __call__(self, operation_name: str | None) -> str:
        if not operation_name:
            return "anonymous"
        if operation_name in self._known:
            return operation_name
        if len(operation_name) > _MAX_DIMENSION_LENGTH or len(self._known) >= self.limit:
            return "other"
        self._known.add(operation_name)
        return operation_name


def _codes_in(body: bytes) -> list[str]:
    """The codes of a JSON error body that never reached GraphQL (a malformed request)."""
    try:
        errors = json.loads(body).get("errors") or []
        return [str(error["extensions"]["code"]) for error in errors]
    except (ValueError, AttributeError, KeyError, TypeError):
        return []


# Bounded logs: every line the request's loggers write is cut, and a request's
# warnings and errors stop at their budget, with one line saying so.


@dataclass
class LogBudget:
    """The bytes of warnings and errors the current request may still log."""

    remaining: int
    exhausted: bool = False


_log_budget: ContextVar[LogBudget | None] = ContextVar("catalog_log_budget", default=None)


def cut(text: str, limit: int) -> str:
    """`text` within `limit` UTF-8 bytes, marked where it was cut."""
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= limit:
        return text
    kept = encoded[: max(0, limit - 40)].decode("utf-8", "ignore")
    return f"{kept}… [cut {len(encoded) - len(kept.encode())} bytes]"


class BoundedLog(logging.Filter):
    """Cuts a record's message and traceback to MAX_MESSAGE_BYTES together, and drops
    what a request logs past its budget (after one line saying so).

    The traceback is formatted here into `exc_text`, which logging's formatters print
    instead of formatting `exc_info` again; `exc_info` stays for handlers that read it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = cut(record.getMessage(), MAX_MESSAGE_BYTES // 2)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        left = MAX_MESSAGE_BYTES - len(message.encode("utf-8", "replace"))
        if record.exc_text:
            record.exc_text = cut(record.exc_text, left // 2 if record.stack_info else left)
            left -= len(record.exc_text.encode("utf-8", "replace"))
        if record.stack_info:
            record.stack_info = cut(record.stack_info, left)
        record.msg, record.args = message, None
        allowance = _log_budget.get()
        if allowance is None:
            return True
        size = sum(
            len(part.encode("utf-8", "replace"))
            for part in (message, record.exc_text or "", record.stack_info or "")
        )
        if allowance.exhausted:
            return False
        if size > allowance.remaining:
            allowance.exhausted = True
            record.msg = "further warnings and errors of this request are not logged"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            return True
        allowance.remaining -= size
        return True


def bound_logs() -> None:
    """Install BoundedLog on the loggers a request can make write, once."""
    for name in BOUNDED_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(existing, BoundedLog) for existing in target.filters):
            target.addFilter(BoundedLog())


# X-Ray: one subsegment per GraphQL operation, one per DynamoDB call (the X-Ray SDK's
# botocore patch), only with tracing on.


def _tracer(settings: Settings) -> Tracer:
    """Powertools' Tracer, patching botocore alone (its default patches every library
    the X-Ray SDK knows, PynamoDB included, which would trace each call twice).

    Only with tracing on: creating it imports the X-Ray SDK.
    """
    return Tracer(service=settings.service_name, patch_modules=["botocore"])


def _annotate(subsegment: Any, record: RequestRecord) -> None:
    if subsegment is None:
        return
    operation = record.operation
    subsegment.put_annotation("route", record.route)
    subsegment.put_annotation("operation_name", operation.operation_name or "")
    subsegment.put_annotation("operation_type", operation.operation_type or "")
    subsegment.put_annotation("error_codes", ",".join(operation.error_codes))
