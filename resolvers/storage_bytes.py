"""The bytes one request may read from DynamoDB, counted from each response as it lands.

The call cap (resolvers/storage.py) bounds how many calls a request makes, not what they
bring back: a Query answers up to 1 MB, so 120 calls could read 120 MB of 20 KB
descriptions. This counts each response's body and refuses the request once it has read
more than its budget, before the time budget runs out.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError


class BytesExhausted(BotoCoreError):
    """The request has read as many bytes from DynamoDB as one request may."""

    fmt = "The request has read more than its maximum of {limit} bytes from DynamoDB."


@dataclass
class ByteBudget:
    """The bytes of DynamoDB responses one request may still read."""

    limit: int
    read: int = 0


_bytes: ContextVar[ByteBudget | None] = ContextVar("dynamodb_bytes", default=None)


def start_byte_budget(limit: int) -> None:
    """Give the current request `limit` bytes of DynamoDB responses (resolvers/storage.py
    hooks `count_bytes` and `refuse_when_spent` on the models' clients)."""
    _bytes.set(ByteBudget(limit))


def bytes_read() -> int:
    """What the current request has read from DynamoDB so far, in bytes."""
    budget = _bytes.get()
    return budget.read if budget else 0


def count_bytes(http_response: Any = None, **_: Any) -> None:
    """`after-call`: count the response's body; refuse once past the budget."""
    # `after-call` comes once per API call with its final HTTP response; raising here
    # refuses the page that went past the budget, and PynamoDB wraps the error.
    budget = _bytes.get()
    if budget is None or http_response is None:
        return
    budget.read += len(http_response.content or b"")
    if budget.read > budget.limit:
        raise BytesExhausted(limit=budget.limit)


def refuse_when_spent(**_: Any) -> None:
    """`before-call`: no more calls once the budget is spent."""
    budget = _bytes.get()
    if budget is not None and budget.read > budget.limit:
        raise BytesExhausted(limit=budget.limit)
