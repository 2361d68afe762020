"""One JSON log line, CloudWatch EMF metrics and optional X-Ray subsegments per request.

The formats are those of AWS Lambda Powertools (its Logger's keys, its Metrics' EMF
documents), written with the standard library: Powertools itself would take the
function's artifact past its 5 MB budget and cost the cold start its imports. Traces
use the X-Ray SDK, imported only when `CATALOG_TRACING` is on.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from resolvers.storage import hook_dynamodb
from schema.recorder import OperationRecord, current_operation
from settings import settings
from web.identity import identity_from_event
from web.routes import ADMIN_PATH

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

SERVICE = "catalog-api"
# A request with one of these failed on our side, not the caller's: logged as an error.
_SERVER_SIDE_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})
# Operation names are chosen by clients: a metric dimension takes only tame ones.
_MAX_DIMENSION_LENGTH = 64
_HOOK_ID = "catalog-observability"

logger = logging.getLogger("catalog.request")


@dataclass
class RequestRecord:
    """What one request did, filled in as it runs and logged when it ends."""

    route: str
    operation: OperationRecord = field(default_factory=OperationRecord)
    dynamodb_calls: Counter[str] = field(default_factory=Counter)
    consumed_capacity: float = 0.0


_current: ContextVar[RequestRecord | None] = ContextVar("catalog_request", default=None)
_cold_start = True


class Observed:
    """ASGI middleware: time each request, log it and emit its metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        if settings.tracing:
            _start_tracing()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        global _cold_start
        cold_start, _cold_start = _cold_start, False
        route = "admin" if scope["path"] == ADMIN_PATH else "public"
        record = RequestRecord(route=route)
        token = _current.set(record)
        operation_token = current_operation.set(record.operation)
        # Counts every DynamoDB call and its consumed capacity into the current record.
        hook_dynamodb("after-call.dynamodb", _after_call, _HOOK_ID)
        response: dict[str, Any] = {"status": 500, "body": b""}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
            elif message["type"] == "http.response.body" and response["status"] >= 400:
                response["body"] += message.get("body", b"")
            await send(message)

        started = time.perf_counter()
        try:
            with _subsegment("GraphQL operation"):
                await self.app(scope, receive, send_and_note)
                _annotate(record)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            _current.reset(token)
            current_operation.reset(operation_token)
            if not record.operation.error_codes and response["status"] >= 400:
                record.operation.error_codes = _codes_in(response["body"])
            _log(record, scope, response["status"], duration_ms, cold_start)
            _emit_metrics(record, duration_ms, cold_start)


def _log(
    record: RequestRecord, scope: Scope, status: int, duration_ms: float, cold_start: bool
) -> None:
    event: dict[str, Any] = scope.get("aws.event") or {}
    lambda_context = scope.get("aws.context")
    request_context = event.get("requestContext") or {}
    operation = record.operation
    failed = status >= 500 or not _SERVER_SIDE_CODES.isdisjoint(operation.error_codes)
    level = logging.ERROR if failed else logging.INFO
    line: dict[str, Any] = {
        "level": logging.getLevelName(level),
        "message": "request",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "service": SERVICE,
        "cold_start": cold_start,
        "function_request_id": getattr(lambda_context, "aws_request_id", None),
        "api_request_id": request_context.get("requestId"),
        "route": record.route,
        "method": scope.get("method"),
        "status": status,
        "operation_name": operation.operation_name,
        "operation_type": operation.operation_type,
        "variable_names": operation.variable_names,
        "duration_ms": duration_ms,
        "dynamodb_calls": sum(record.dynamodb_calls.values()),
        "dynamodb_operations": dict(record.dynamodb_calls),
        "consumed_capacity_units": record.consumed_capacity,
        "error_codes": operation.error_codes,
    }
    if record.route == "admin":
        identity = identity_from_event(event)
        line["caller_sub"] = identity.subject if identity else None
    trace_id = _trace_id()
    if trace_id:
        line["xray_trace_id"] = trace_id
    logger.log(level, json.dumps(line, default=str))


def _emit_metrics(record: RequestRecord, duration_ms: float, cold_start: bool) -> None:
    """CloudWatch Embedded Metric Format documents, one per set of dimensions."""
    operation = record.operation
    documents = [
        _emf(
            {"Requests": (1, "Count"), "Latency": (duration_ms, "Milliseconds")},
            {
                "service": SERVICE,
                "route": record.route,
                "operation": _dimension(operation.operation_name),
            },
        )
    ]
    for code, count in sorted(Counter(operation.error_codes).items()):
        documents.append(_emf({"Errors": (count, "Count")}, {"service": SERVICE, "code": code}))
    if cold_start:
        documents.append(_emf({"ColdStart": (1, "Count")}, {"service": SERVICE}))
    for document in documents:
        _stdout(json.dumps(document))


def _emf(metrics: dict[str, tuple[float, str]], dimensions: dict[str, str]) -> dict[str, Any]:
    definitions = [{"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()]
    return {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": settings.metrics_namespace,
                    "Dimensions": [list(dimensions)],
                    "Metrics": definitions,
                }
            ],
        },
        **dimensions,
        **{name: value for name, (value, _) in metrics.items()},
    }


def _dimension(operation_name: str | None) -> str:
    if not operation_name:
        return "anonymous"
    if len(operation_name) > _MAX_DIMENSION_LENGTH:
        return "other"
    return operation_name


def _codes_in(body: bytes) -> list[str]:
    """The codes of a JSON error body that never reached GraphQL (a malformed request)."""
    try:
        errors = json.loads(body).get("errors") or []
        return [str(error["extensions"]["code"]) for error in errors]
    except (ValueError, AttributeError, KeyError, TypeError):
        return []


class _StdoutHandler(logging.Handler):
    """Write to whatever `sys.stdout` is now: Lambda sends stdout to CloudWatch Logs."""

    def emit(self, record: logging.LogRecord) -> None:
        _stdout(self.format(record))


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


logger.addHandler(_StdoutHandler())
logger.setLevel(logging.INFO)
logger.propagate = False


# DynamoDB calls: botocore's public event hooks on the models' clients.


def _after_call(**kwargs: Any) -> None:
    """botocore's `after-call` event: `model` is the operation, `parsed` its response."""
    record = _current.get()
    if record is None:
        return
    record.dynamodb_calls[kwargs["model"].name] += 1
    capacity = kwargs["parsed"].get("ConsumedCapacity")
    for entry in capacity if isinstance(capacity, list) else [capacity]:
        if isinstance(entry, dict):
            record.consumed_capacity += float(entry.get("CapacityUnits") or 0)


# X-Ray: one subsegment per GraphQL operation, one per DynamoDB call (the SDK's
# botocore patch), only with CATALOG_TRACING on.

_recorder: Any = None


def _start_tracing() -> None:
    global _recorder
    from aws_xray_sdk.core import patch, xray_recorder

    patch(["botocore"])
    _recorder = xray_recorder


def _subsegment(name: str) -> AbstractContextManager[Any]:
    if _recorder is None:
        return nullcontext()
    return _recorder.in_subsegment(name)  # type: ignore[no-any-return]


def _annotate(record: RequestRecord) -> None:
    if _recorder is None:
        return
    subsegment = _recorder.current_subsegment()
    if subsegment is None:
        return
    operation = record.operation
    subsegment.put_annotation("route", record.route)
    subsegment.put_annotation("operation_name", operation.operation_name or "")
    subsegment.put_annotation("operation_type", operation.operation_type or "")
    subsegment.put_annotation("error_codes", ",".join(operation.error_codes))


def _trace_id() -> str | None:
    """The invocation's trace, from the header Lambda sets, as Powertools' Logger does."""
    header = os.environ.get("_X_AMZN_TRACE_ID", "")
    for part in header.split(";"):
        key, _, value = part.partition("=")
        if key == "Root":
            return value
    return None
