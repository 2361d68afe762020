"""Where operations meet DynamoDB: error translation, retries and transactions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from models import MODELS, Category, Product
from models.base import LIVE, REQUEST_BUDGET_SECONDS, sort_key
from resolvers.errors import BadUserInput, Conflict, ServiceUnavailable
from resolvers.storage_bytes import (
    BytesExhausted,
    count_bytes,
    refuse_when_spent,
    start_byte_budget,
)
from settings import settings

M = TypeVar("M", bound=Model)
R = TypeVar("R")

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
# DynamoDB refuses items over 400 KB; checked before writing, with room for rounding.
MAX_ITEM_BYTES = 400 * 1024
# A write that loses a race re-reads and tries again; contention this long is rare.
MAX_ATTEMPTS = 8
# Backoff jitter from the OS, not `random`'s module state: under Lambda SnapStart
# every environment restored from one snapshot would share that state and retry
# in lockstep.
_jitter = random.SystemRandom()


class Raced(Exception):
    """A conditional write found the item changed since it was read; try again."""


class DeadlineExceeded(BotoCoreError):
    """The request's time for DynamoDB ran out before another attempt could start."""

    fmt = "The request's time budget for DynamoDB calls has run out."


class CallsExhausted(BotoCoreError):
    """The request has made as many DynamoDB calls as one request may."""

    fmt = "The request has made its maximum of {limit} DynamoDB calls."


@dataclass
class CallBudget:
    """The DynamoDB calls one request may still make."""

    limit: int
    made: int = 0


_deadline: ContextVar[float | None] = ContextVar("dynamodb_deadline", default=None)
_calls: ContextVar[CallBudget | None] = ContextVar("dynamodb_calls", default=None)


def start_request(budget: float = REQUEST_BUDGET_SECONDS) -> None:
    """Give the current request `budget` seconds in which DynamoDB attempts may start.

    Every HTTP attempt botocore makes, retries included, checks the budget first, so
    a request with many storage calls fails within a bound when DynamoDB is down
    (models/base.py has the arithmetic). The budget lives in a context variable:
    each request, and the tasks it starts, sees its own.
    """
    _deadline.set(time.monotonic() + budget)
    hook_dynamodb("before-send.dynamodb", _check_deadline, "catalog-request-deadline")
    # The document limits estimate the calls before any resolver runs; this bounds the
    # calls actually made, which a 1 MB page or a write's retries can push past it.
    _calls.set(CallBudget(settings.max_storage_calls))
    hook_dynamodb("before-call.dynamodb", _count_call, "catalog-request-calls")
    # And the bytes they bring back, which 1 MB pages of large items make unbounded.
    start_byte_budget(settings.max_storage_bytes)
    hook_dynamodb("after-call.dynamodb", count_bytes, "catalog-request-bytes")
    hook_dynamodb("before-call.dynamodb", refuse_when_spent, "catalog-request-bytes-left")


def hook_dynamodb(event: str, handler: Callable[..., Any], unique_id: str) -> None:
    """Register a botocore event handler for every model's DynamoDB calls, idempotently.

    Registered on each connection's botocore session (clients created later copy its
    hooks) and on its client if one exists, without creating a client this request
    may never use.
    """
    for model in MODELS:
        connection = model._get_connection().connection
        _register_once(connection.session, event, handler, unique_id)
        client = getattr(connection, "_client", None)
        if client is not None:
            _register_once(client.meta.events, event, handler, unique_id)


def hook_deadline(events: Any, service: str) -> None:
    """Make a botocore client's calls to `service` respect the request's budget too."""
    _register_once(events, f"before-send.{service}", _check_deadline, "catalog-request-deadline")


def _register_once(emitter: Any, event: str, handler: Callable[..., Any], unique_id: str) -> None:
    # botocore's `register` ignores a unique id it has, but only after inspecting the
    # handler's signature: a tenth of a warm request's CPU when done on every request.
    registered: set[str] = emitter.__dict__.setdefault("_catalog_hooks", set())
    if unique_id not in registered:
        emitter.register(event, handler, unique_id=unique_id)
        registered.add(unique_id)


def _check_deadline(**_: Any) -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        # A BotoCoreError raised before sending is not retried: botocore gives up.
        raise DeadlineExceeded()


def _count_call(**_: Any) -> None:
    # `before-call` comes once per API call, before botocore's retries: a throttled
    # call is one call, as the estimate counts it.
    calls = _calls.get()
    if calls is None:
        return
    if calls.made >= calls.limit:
        # Raised before the request is built: nothing is sent, and botocore gives up.
        raise CallsExhausted(limit=calls.limit)
    calls.made += 1


def _response(error: PynamoDBException) -> dict[str, Any]:
    # Not `error.cause_response_code`: botocore's timeout errors carry
    # `response = None`, on which PynamoDB's property raises AttributeError.
    return getattr(error.cause, "response", None) or {}


def response_code(error: PynamoDBException) -> str | None:
    """DynamoDB's error code, or None when no answer came."""
    code = (_response(error).get("Error") or {}).get("Code")
    return code if isinstance(code, str) else None


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
    SERVICE_UNAVAILABLE, and a request past its DynamoDB calls into BAD_USER_INPUT."""
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


def item_size(item: Product | Category) -> int:
    """An upper bound of the item's size as DynamoDB counts it, in bytes.

    Names and strings count their UTF-8 bytes; a number counts at most one byte
    per character of its text plus one.
    """
    size = 0
    for name, value in item.serialize(null_check=False).items():
        size += len(name.encode())
        for kind, content in value.items():
            if kind == "S":
                size += len(content.encode())
            elif kind == "N":
                size += len(content) + 1
            else:
                size += len(str(content).encode())
    return size


def check_item_size(item: Product | Category) -> None:
    """Refuse an item DynamoDB would refuse, before anything is written."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        kind = type(item).__name__
        raise BadUserInput(
            f"{kind} {item.id} would take {size} bytes, over the "
            f"{MAX_ITEM_BYTES // 1024} KB limit of one item."
        )


def with_retries(operation: Callable[[], R]) -> R:
    """Run a read-then-conditional-write until it wins its race, with jittered backoff."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return operation()
        except Raced:
            time.sleep(_jitter.uniform(0, 0.01 * 2**attempt))
    raise Conflict("The item is being changed by other requests; try again.")


def now() -> datetime:
    """The current time in UTC, to the millisecond (what the API shows)."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def get(model: type[M], item_id: str, *, consistent: bool = False) -> M | None:
    with translated_errors():
        try:
            return model.get(item_id, consistent_read=consistent)
        except model.DoesNotExist:
            return None


def is_condition_failure(error: PynamoDBException) -> bool:
    return response_code(error) == CONDITION_FAILED


Listed = TypeVar("Listed", Product, Category)


def update_live(
    model: type[Listed], item_id: str, changes: dict[str, Any], expected_version: int | None
) -> Listed | None:
    """Update a live item's fields in `changes` with one UpdateItem (None clears a field).

    Bumps `version` and `updatedAt`, and the list key when the name changes; returns
    the stored item, or None when it is missing, deleted or not at `expected_version`.
    """
    actions: list[Any] = [model.updated_at.set(now()), model.version.add(1)]
    for name, value in changes.items():
        attribute = getattr(model, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    if "name" in changes:
        actions.append(model.sort_key.set(sort_key(changes["name"], item_id)))
    condition = model.status == LIVE
    if expected_version is not None:
        condition &= model.version == expected_version
    item = model(item_id)
    try:
        with translated_errors():
            item.update(actions=actions, condition=condition)
    except PynamoDBException as error:
        if is_condition_failure(error):
            return None
        raise
    return item


@dataclass
class CountChange:
    """A change of one category's `product_count`, made in the product's transaction."""

    category_id: str
    delta: int

    @property
    def condition(self) -> Condition:
        # Adding a live product needs a live category; removing one needs it to exist.
        if self.delta > 0:
            return Category.status == LIVE
        return Category.id.exists()


@dataclass
class ProductWrite:
    """A product put or delete, with the category counts it changes, as one write."""

    product: Product
    condition: Condition
    delete: bool = False
    counts: list[CountChange] = field(default_factory=list)

    def commit(self) -> CountChange | None:
        """Write atomically; return the count change whose condition failed, if any.

        Raises `Raced` when the product's own condition failed.
        """
        if not self.delete:
            check_item_size(self.product)
        with translated_errors():
            if not self.counts:
                self._write_alone()
                return None
            return self._write_in_transaction()

    def _write_alone(self) -> None:
        try:
            if self.delete:
                self.product.delete(condition=self.condition)
            else:
                self.product.save(condition=self.condition)
        except PynamoDBException as error:
            if is_condition_failure(error):
                raise Raced from error
            raise

    def _write_in_transaction(self) -> CountChange | None:
        connection = Product._get_connection().connection
        try:
            with TransactWrite(connection=connection) as transaction:
                if self.delete:
                    transaction.delete(self.product, condition=self.condition)
                else:
                    transaction.save(self.product, condition=self.condition)
                for change in self.counts:
                    transaction.update(
                        Category(change.category_id),
                        actions=[Category.product_count.add(change.delta)],
                        condition=change.condition,
                    )
        except TransactWriteError as error:
            # Reasons come in request order: the product first, then the counts.
            reasons = error.cancellation_reasons or []
            codes = [reason.code if reason else None for reason in reasons]
            if codes and codes[0] == "ConditionalCheckFailed":
                raise Raced from error
            for change, code in zip(self.counts, codes[1:], strict=False):
                if code == "ConditionalCheckFailed":
                    return change
            if "TransactionConflict" in codes or (
                response_code(error) == "TransactionConflictException"
            ):
                raise Raced from error
            raise
        return None
