"""Storage errors translated once, into the project's coded errors (errors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException

from errors import BadUserInput, ServiceUnavailable
from store.budget import BytesExhausted, CallsExhausted

CONDITION_FAILED = "ConditionalCheckFailedException"
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
# Why a transaction was cancelled, per item, when DynamoDB itself was the reason.
UNAVAILABLE_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
# What DynamoDB answers a Query of an index that does not exist, or is still filling.
INDEX_PENDING_MESSAGES = (
    "does not have the specified index",
    "Cannot read from backfilling global secondary index",
)


class Raced(Exception):
    """A conditional write found the item changed since it was read; try again."""


def _response(error: PynamoDBException) -> dict[str, Any]:
    # Not `error.cause_response_code`: botocore's timeout errors carry
    # `response = None`, on which PynamoDB's property raises AttributeError.
    return getattr(error.cause, "response", None) or {}


def response_code(error: PynamoDBException) -> str | None:
    """DynamoDB's error code, or None when no answer came."""
    code = (_response(error).get("Error") or {}).get("Code")
    return code if isinstance(code, str) else None


def is_condition_failure(error: PynamoDBException) -> bool:
    return response_code(error) == CONDITION_FAILED


def is_unavailable(error: PynamoDBException) -> bool:
    """Whether DynamoDB failed (throttled, erred, unreachable), not the request."""
    if isinstance(error.cause, BotoCoreError) or response_code(error) in UNAVAILABLE_CODES:
        return True
    if (_response(error).get("ResponseMetadata") or {}).get("HTTPStatusCode", 0) >= 500:
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code in UNAVAILABLE_REASONS for reason in reasons)


def is_index_pending(error: PynamoDBException) -> bool:
    """Whether a list index is missing or still filling: a stack in mid-upgrade.

    docs/lists.md: a stack from before the sorted lists gains their indexes one
    deployment at a time, and DynamoDB refuses reads of an index while it fills.
    """
    if response_code(error) != "ValidationException":
        return False
    message = str((_response(error).get("Error") or {}).get("Message", ""))
    return any(part in message for part in INDEX_PENDING_MESSAGES)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn DynamoDB throttling, unreachability and pending indexes into
    SERVICE_UNAVAILABLE, and a request past its DynamoDB calls or bytes into BAD_USER_INPUT."""
    try:
        yield
    except PynamoDBException as error:
        if isinstance(error.cause, BytesExhausted):
            raise BadUserInput(
                f"This request reads more than the at most {error.cause.kwargs['limit']} "
                "bytes of storage one request may read; ask for fewer or smaller pages."
            ) from error
        if isinstance(error.cause, CallsExhausted):
            raise BadUserInput(
                f"This request needs more than the at most {error.cause.kwargs['limit']} "
                "storage calls one request may make; ask for fewer or smaller pages."
            ) from error
        if is_unavailable(error):
            raise ServiceUnavailable(
                "The catalog store is busy or unreachable; try again shortly."
            ) from error
        if is_index_pending(error):
            raise ServiceUnavailable(
                "This list is not available yet: its index is being built; try again later."
            ) from error
        raise
