"""The request's DynamoDB budget (a deadline, a call cap and a bound on the bytes read)
and the stats it publishes.

Every layer above the store reads what a request did from `current()`; none hooks
botocore itself. The hooks find the request's budget in a context variable: each
request, and the tasks it starts, sees its own.
"""

from __future__ import annotations

import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError

from models import MODELS, base
from store import compat

_DEADLINE_HOOK = "catalog-request-deadline"


class DeadlineExceeded(BotoCoreError):
    """The request's time for DynamoDB ran out before another attempt could start."""

    fmt = "The request's time budget for DynamoDB calls has run out."


class CallsExhausted(BotoCoreError):
    """The request has made as many DynamoDB calls as one request may."""

    fmt = "The request has made its maximum of {limit} DynamoDB calls."


class BytesExhausted(BotoCoreError):
    """The request has read as many bytes from DynamoDB as one request may."""

    fmt = "The request has read more than its maximum of {limit} bytes from DynamoDB."


@dataclass
class RequestStats:
    """What one request may still spend on DynamoDB, and what it has spent."""

    limit: int
    deadline: float
    # The bytes of DynamoDB answers the request may read: the call cap bounds how many
    # calls it makes, not what they bring back (a Query answers up to 1 MB, so 120
    # calls could read 120 MB of 20 KB descriptions). None: unbounded (the CLI).
    max_bytes: int | None = None
    # Calls started, counted before botocore's retries: a throttled call is one call,
    # as the static estimate counts it (schema/limits.py).
    made: int = 0
    # Calls answered, by operation, and what they consumed and read.
    operations: Counter[str] = field(default_factory=Counter)
    consumed_capacity: float = 0.0
    items_read: int = 0
    # The bodies of the answers, in bytes, as they came over the wire.
    bytes_read: int = 0

    @property
    def bytes_spent(self) -> bool:
        return self.max_bytes is not None and self.bytes_read > self.max_bytes


_current: ContextVar[RequestStats | None] = ContextVar("catalog_store_request", default=None)


def start_request(
    limit: int, max_bytes: int | None = None, budget: float | None = None
) -> RequestStats:
    """Give the current request `limit` DynamoDB calls, started within `budget` seconds,
    and answers of at most `max_bytes` bytes in all (`budget` defaults to
    `models.base.REQUEST_BUDGET_SECONDS`, read at each call).

    Every HTTP attempt botocore makes, retries included, checks the deadline first, so
    a request with many storage calls fails within a bound when DynamoDB is down.
    The answer that takes the request past `max_bytes` is refused as it lands, and no
    call is started after it.
    The hooks are registered on the first request (each registration is checked once
    per emitter, cheaply), so importing the app makes no connection to snapshot.
    """
    for event, handler, unique_id in DYNAMODB_HOOKS:
        compat.hook_models(MODELS, event, handler, unique_id)
    if budget is None:
        budget = base.REQUEST_BUDGET_SECONDS
    stats = RequestStats(limit=limit, deadline=time.monotonic() + budget, max_bytes=max_bytes)
    _current.set(stats)
    return stats


def current() -> RequestStats | None:
    """The current request's stats; None outside a request (the CLI, a migration)."""
    return _current.get()


def hook_deadline(events: Any, service: str) -> None:
    """Make a botocore client's calls to `service` respect the request's deadline too."""
    compat.register_once(events, f"before-send.{service}", check_deadline, _DEADLINE_HOOK)


def check_deadline(**_: Any) -> None:
    stats = _current.get()
    if stats is not None and time.monotonic() > stats.deadline:
        # A BotoCoreError raised before sending is not retried: botocore gives up.
        raise DeadlineExceeded()


def count_call(**_: Any) -> None:
    """botocore's `before-call`: once per API call, before its retries."""
    stats = _current.get()
    if stats is None:
        return
    # Raised before the request is built: nothing is sent, and botocore gives up.
    if stats.bytes_spent:
        raise BytesExhausted(limit=stats.max_bytes)
    if stats.made >= stats.limit:
        raise CallsExhausted(limit=stats.limit)
    stats.made += 1


def note_answer(**kwargs: Any) -> None:
    """botocore's `after-call`: `model` is the operation, `parsed` its response, and
    `http_response` what came over the wire (once per API call, after its retries)."""
    stats = _current.get()
    if stats is None:
        return
    stats.operations[kwargs["model"].name] += 1
    _note_items(stats, kwargs["parsed"])
    http_response = kwargs.get("http_response")
    if http_response is not None:
        stats.bytes_read += len(http_response.content or b"")
    if stats.bytes_spent:
        # Refuses the answer that went past the bound; PynamoDB wraps the error.
        raise BytesExhausted(limit=stats.max_bytes)


def _note_items(stats: RequestStats, parsed: dict[str, Any]) -> None:
    capacity = parsed.get("ConsumedCapacity")
    for entry in capacity if isinstance(capacity, list) else [capacity]:
        if isinstance(entry, dict):
            stats.consumed_capacity += float(entry.get("CapacityUnits") or 0)
    count = parsed.get("Count")
    if isinstance(count, int):
        stats.items_read += count
    elif "Item" in parsed:
        stats.items_read += 1
    elif isinstance(parsed.get("Responses"), dict):
        stats.items_read += sum(len(items) for items in parsed["Responses"].values())


# (event, handler, unique id) registered on every model's DynamoDB client.
DYNAMODB_HOOKS = (
    ("before-send.dynamodb", check_deadline, _DEADLINE_HOOK),
    ("before-call.dynamodb", count_call, "catalog-request-calls"),
    ("after-call.dynamodb", note_answer, "catalog-request-stats"),
)
