"""What every catalog model shares: connection settings and the list-index keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any, TypeVar

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.constants import NULL
from pynamodb.models import Model

M = TypeVar("M", bound=Model)

# Each list index is partitioned by liveness, so a page of live items never reads a
# deleted one; an `includeDeleted` page merges the two partitions.
LIVE = "LIVE"
DELETED = "DELETED"
# The sorted and filtered product lists (docs/lists.md) also split live items by
# stock, so an `inStock` page reads one partition and never an item it would drop.
IN_STOCK = f"{LIVE}#IN"
OUT_OF_STOCK = f"{LIVE}#OUT"

# Joins the case-folded name and the id in a sort key. Names may not contain control
# characters, so this one sorts below every character a name can hold: "ab" < "abc".
SORT_KEY_SEPARATOR = "\x1f"
# A GSI sort key holds at most 1,024 bytes; the id (<= 64), a price (13 digits) and
# two separators must fit beside the name.
MAX_NAME_KEY_BYTES = 900
MAX_KEY_BYTES = 1024
# A price is below 1e9 with at most 4 decimals: in ten-thousandths it has at most 13
# digits, so zero-padded to 13 the strings sort as the amounts do.
PRICE_KEY_DIGITS = 13
PRICE_PLACES = 4
# How PynamoDB's UTCDateTimeAttribute stores a time: fixed width, so it sorts as text.
CREATED_KEY_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+0000"
UTC_DATETIME_LENGTH = 31

# Fail fast: a request must give up within 10 s, well inside API Gateway's 29 s.
# One HTTP attempt lasts at most CONNECT + READ = 3 s. botocore's standard mode
# retries throttling, 5xx and connection errors with full jitter, sleeping at most
# 1 s, then 2 s (throttling; 25-50 ms otherwise) between its 3 attempts. Alone that
# is up to 3 x 3 + 3 = 12 s for one call, and a request makes several calls, so the
# request also has a budget: no attempt starts once REQUEST_BUDGET_SECONDS have
# passed (store/budget.py). The worst case is then an attempt started just
# inside the budget, timing out, and one last backoff before the refused attempt:
# 4 + 3 + 2 = 9 s. Adaptive mode is not used: its client-side token bucket can
# sleep before a request is sent, outside any per-attempt timeout.
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
# PynamoDB 6.1 ignores `Meta.retry_configuration`; it builds botocore's config as
# {"mode": "standard", "total_max_attempts": 1 + Meta.max_retry_attempts}.
MAX_RETRY_ATTEMPTS = 2
MAX_BACKOFF_SECONDS = 2
REQUEST_BUDGET_SECONDS = 4
WORST_CASE_SECONDS = (
    REQUEST_BUDGET_SECONDS + CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS + MAX_BACKOFF_SECONDS
)


# Slug claims share their entity's table: one item per slug an entity holds, keyed
# "slug#<slug>", holding the owner's id (docs/decisions/0014-url-handles.md). Ids
# never contain "#", so a claim's key never names an entity.
CLAIM_PREFIX = "slug#"


def claim_key(slug: str) -> str:
    """The key of the claim item of `slug`."""
    return f"{CLAIM_PREFIX}{slug}"


def is_claim(item_id: str) -> bool:
    """Whether a key names a slug claim rather than an entity."""
    return item_id.startswith(CLAIM_PREFIX)


def folded_name(name: str) -> str:
    """A name as the list keys hold it: case-folded, cut to what a key can hold."""
    return name.casefold().encode()[:MAX_NAME_KEY_BYTES].decode(errors="ignore")


def sort_key(name: str, item_id: str) -> str:
    """The key that orders a list by name (case-insensitive), then by id."""
    return f"{folded_name(name)}{SORT_KEY_SEPARATOR}{item_id}"


def price_digits(price: Decimal) -> str:
    """A price as fixed-width digits that sort as the amounts do."""
    return f"{int(price.scaleb(PRICE_PLACES)):0{PRICE_KEY_DIGITS}d}"


def price_key(price: Decimal, name: str, item_id: str) -> str:
    """The key that orders a list by price, then name (case-insensitive), then id."""
    return f"{price_digits(price)}{SORT_KEY_SEPARATOR}{sort_key(name, item_id)}"


def created_key(created_at: datetime, item_id: str) -> str:
    """The key that orders a list by creation time, then id."""
    return f"{created_at.strftime(CREATED_KEY_FORMAT)}{SORT_KEY_SEPARATOR}{item_id}"


def status(deleted_at: datetime | None) -> str:
    """The list-index partition an item belongs in."""
    return LIVE if deleted_at is None else DELETED


def shelf(deleted_at: datetime | None, stock: int) -> str:
    """The stock-aware list partition: in stock, out of stock, or deleted."""
    if deleted_at is not None:
        return DELETED
    return IN_STOCK if stock > 0 else OUT_OF_STOCK


class BaseMeta:
    """Connection settings shared by every model's `Meta`.

    The region, endpoint and table names here are defaults: the store's `bind`
    (store/binding.py) sets each model's from the settings before any call.
    """

    region = "us-east-1"
    host: str | None = None
    connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
    read_timeout_seconds = READ_TIMEOUT_SECONDS
    max_retry_attempts = MAX_RETRY_ATTEMPTS


def values(item: Model) -> dict[str, Any]:
    """An item's attribute values by Python name (absent when null), read in one go.

    What reading each attribute returns, without a trip through PynamoDB's attribute
    descriptor per field: a page of 100 products is converted for GraphQL in a
    seventh of the time.
    """
    return item.attribute_values


def from_raw_data(model: type[M], data: dict[str, Any]) -> M:
    """A model item read from DynamoDB, built in one pass over its attributes.

    Does what PynamoDB's `Model.from_raw_data` does for a flat model (scalar
    attributes, no discriminator, Python names equal to DynamoDB names), without
    running `__init__`, setting each default twice and going through the attribute
    descriptors, and with faster readers (`_reader`) for strings, numbers and times:
    a product is read in a seventh of PynamoDB's time (4.7 against 34 us here), and
    tests/unit/test_model_reads.py checks that both read the same values.
    """
    if data is None:
        raise ValueError("Received no data to construct object")
    values: dict[str, Any] = {}
    for name, key, attribute, read, default in _plan(model):
        raw = data.get(key)
        if raw and NULL not in raw:
            value = raw.get(attribute.attr_type)
            if value is None:  # of another type than the model says: PynamoDB's error
                value = attribute.get_value(raw)
            values[name] = read(value)
        elif default is not None:
            values[name] = default() if callable(default) else default
    instance = model.__new__(model)
    instance.attribute_values = values
    return instance


Plan = tuple[tuple[str, str, Attribute[Any], Callable[[Any], Any], Any], ...]


@cache
def _plan(model: type[Model]) -> Plan:
    """Each attribute's Python name, DynamoDB name, reader and default, made once per model."""
    return tuple(
        (name, attribute.attr_name, attribute, _reader(attribute), attribute.default)
        for name, attribute in model.get_attributes().items()
    )


def _reader(attribute: Attribute[Any]) -> Callable[[Any], Any]:
    """The attribute's own `deserialize`, or a faster one giving the same value.

    Only for the exact classes below, whose `deserialize` a subclass may not have
    changed; the faster readers fall back to the attribute's own on any value
    outside their fast path. tests/unit/test_model_reads.py compares them with
    PynamoDB's.
    """
    deserialize = attribute.deserialize
    kind = type(attribute)
    if kind is UnicodeAttribute:
        return _same
    if kind is NumberAttribute:
        return partial(_number, deserialize)
    if kind is UTCDateTimeAttribute:
        return partial(_utc_datetime, deserialize)
    return deserialize


def _same(value: str) -> str:
    return value


def _number(deserialize: Callable[[str], Any], value: str) -> Any:
    # `json.loads` (PynamoDB's) gives an int for a string of digits, 10 times slower.
    if value.isascii() and value.isdigit():
        return int(value)
    return deserialize(value)


def _utc_datetime(deserialize: Callable[[str], datetime], value: str) -> datetime:
    # PynamoDB's format, "2026-12-03T09:00:00.000000+0000", is one `fromisoformat`
    # parses (to the `UTC` singleton), 10 times faster than PynamoDB's own parser;
    # anything else goes to it.
    if (
        len(value) == UTC_DATETIME_LENGTH
        and value[10] == "T"
        and value[19] == "."
        and value.endswith("+0000")
    ):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return deserialize(value)
