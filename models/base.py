"""What every catalog model shares: connection settings and the list-index keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pynamodb.constants import NULL
from pynamodb.models import Model

from settings import settings

M = TypeVar("M", bound=Model)

# Each list index is partitioned by liveness, so a page of live items never reads a
# deleted one; an `includeDeleted` page merges the two partitions.
LIVE = "LIVE"
DELETED = "DELETED"

# Joins the case-folded name and the id in a sort key. Names may not contain control
# characters, so this one sorts below every character a name can hold: "ab" < "abc".
SORT_KEY_SEPARATOR = "\x1f"
# A GSI sort key holds at most 1,024 bytes; the id (<= 64) and separator must fit.
_MAX_NAME_KEY_BYTES = 900

# Fail fast: a request must give up well inside API Gateway's 29 s.
RETRY_CONFIGURATION = {"mode": "standard", "total_max_attempts": 3}


def sort_key(name: str, item_id: str) -> str:
    """The key that orders a list by name (case-insensitive), then by id."""
    folded = name.casefold().encode()[:_MAX_NAME_KEY_BYTES].decode(errors="ignore")
    return f"{folded}{SORT_KEY_SEPARATOR}{item_id}"


def status(deleted_at: datetime | None) -> str:
    """The list-index partition an item belongs in."""
    return LIVE if deleted_at is None else DELETED


class BaseMeta:
    """Connection settings shared by every model's `Meta`."""

    region = settings.region
    host = settings.endpoint_url
    connect_timeout_seconds = 2
    read_timeout_seconds = 3
    retry_configuration = RETRY_CONFIGURATION


def from_raw_data(model: type[M], data: dict[str, Any]) -> M:
    """A model item read from DynamoDB, built in one pass over its attributes.

    Does what PynamoDB's `Model.from_raw_data` does for a flat model (scalar
    attributes, no discriminator, Python names equal to DynamoDB names), without
    running `__init__`, setting each default twice and going through the attribute
    descriptors: a page of 100 products is read in a third of the time.
    """
    if data is None:
        raise ValueError("Received no data to construct object")
    values: dict[str, Any] = {}
    for name, attribute in model.get_attributes().items():
        raw = data.get(attribute.attr_name)
        if raw and NULL not in raw:
            values[name] = attribute.deserialize(attribute.get_value(raw))
        elif attribute.default is not None:
            default = attribute.default
            values[name] = default() if callable(default) else default
    instance = model.__new__(model)
    instance.attribute_values = values
    return instance
