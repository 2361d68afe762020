"""One catalog change event from one DynamoDB stream record: pure, no AWS call.

The item is shown as the public API shows it (the schema's own `from_model`, with
GraphQL field names and scalars), so storage details never leave the catalog.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pynamodb.models import Model
from strawberry.types import has_object_definition

from models import Category as CategoryModel
from models import Product as ProductModel
from models.base import is_claim
from schema.category import Category
from schema.compat import data_fields
from schema.product import Product
from schema.scalars import serialize_datetime, serialize_decimal

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

SOURCE = "catalog"
# Every write changes these, so they are never a change of their own.
EVERY_WRITE = frozenset({"updatedAt", "version"})

MALFORMED_RECORD = "MALFORMED_RECORD"
UNKNOWN_TABLE = "UNKNOWN_TABLE"

# An EventBridge entry's size, as PutEvents counts it: its Time takes 14 bytes.
TIME_BYTES = 14


class RecordError(ValueError):
    """A stream record that cannot become an event; `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Kind:
    """What the records of one table are: their model, public type and event names."""

    name: str
    model: type[Model]
    public_type: Any

    @property
    def key(self) -> str:
        return self.name.lower()

    def public(self, image: dict[str, Any]) -> dict[str, Any]:
        """The item of a stream image as the public API shows it."""
        return public_fields(self.public_type.from_model(self.model.from_raw_data(image)))


PRODUCT = Kind("Product", ProductModel, Product)
CATEGORY = Kind("Category", CategoryModel, Category)


def kinds(products_table: str, categories_table: str) -> dict[str, Kind]:
    """Each table's kind, by table name."""
    return {products_table: PRODUCT, categories_table: CATEGORY}


@dataclass(frozen=True)
class ChangeEvent:
    """One event to put on the bus, and the stream record it comes from."""

    detail_type: str
    detail: dict[str, Any]

    @property
    def sequence(self) -> str:
        return str(self.detail["sequence"])

    def envelope(self) -> dict[str, Any]:
        """The fields of the EventBridge event a rule's target (a webhook) receives that we set."""
        return {"source": SOURCE, "detail-type": self.detail_type, "detail": self.detail}

    @functools.cached_property
    def detail_json(self) -> str:
        return json.dumps(self.detail, separators=(",", ":"), ensure_ascii=False)

    def entry(self, bus: str) -> dict[str, str]:
        """The PutEvents entry."""
        return {
            "Source": SOURCE,
            "DetailType": self.detail_type,
            "Detail": self.detail_json,
            "EventBusName": bus,
        }


def entry_size(entry: Mapping[str, str]) -> int:
    """The bytes PutEvents counts for an entry against its 256 KiB request limit."""
    counted = ("Source", "DetailType", "Detail")
    return TIME_BYTES + sum(len(entry[name].encode()) for name in counted)


def public_fields(value: Any) -> dict[str, Any]:
    """A Strawberry object's data fields (no relation) by GraphQL name, as JSON values."""
    strawberry_type: Any = type(value)
    return {
        graphql_name: _json(getattr(value, python_name))
        for python_name, graphql_name in _data_fields(strawberry_type)
    }


@functools.cache
def _data_fields(type_: Any) -> list[tuple[str, str]]:
    return data_fields(type_)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return serialize_decimal(value)
    if isinstance(value, datetime):
        return serialize_datetime(value)
    if has_object_definition(value):
        return public_fields(value)
    return value


def table_name(source_arn: str) -> str:
    """The table of a stream ARN: arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<t>."""
    _, _, path = source_arn.partition(":table/")
    name, _, _ = path.partition("/stream/")
    return name


def change_event(record: Mapping[str, Any], by_table: Mapping[str, Kind]) -> ChangeEvent | None:
    """The event of one stream record, or None when no public field changed.

    Raises RecordError for a record that is not a catalog table's or cannot be read.
    """
    if not isinstance(record, Mapping):
        raise RecordError(MALFORMED_RECORD, f"a record is an object, not {type(record).__name__}")
    # Imported here, not above: the data classes package imports every event class it
    # has (80 ms), and the API function, built from the same handler module, never
    # reads a stream record.
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

    stream = DynamoDBRecord(dict(record))
    kind = by_table.get(table_name(stream.event_source_arn or ""))
    if kind is None:
        raise RecordError(
            UNKNOWN_TABLE, f"the record comes from {stream.event_source_arn!r}, no catalog table"
        )
    try:
        return _change_event(stream, kind)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise RecordError(MALFORMED_RECORD, f"the record cannot be read: {error!r}") from error


def _change_event(stream: DynamoDBRecord, kind: Kind) -> ChangeEvent | None:
    images = stream["dynamodb"]
    # A slug's claim item (models/claims.py) is bookkeeping in the entity's table, no
    # entity: its owner's own record carries the slug.
    if is_claim(str(images["Keys"]["id"]["S"])):
        return None
    event_name = stream.event_name  # KeyError for a name DynamoDB does not send
    if event_name is None:
        raise KeyError("eventName")
    name = event_name.name
    detail: dict[str, Any] = {"eventId": stream["eventID"], "sequence": images["SequenceNumber"]}
    previous: dict[str, Any] | None = None
    if name == "INSERT":
        state, action = kind.public(images["NewImage"]), "Created"
        changed = [field for field, value in state.items() if value is not None]
    elif name == "REMOVE":
        state, action = kind.public(images["OldImage"]), "Purged"
        changed = [field for field, value in state.items() if value is not None]
    else:
        previous, state = kind.public(images["OldImage"]), kind.public(images["NewImage"])
        action = _modify_action(previous, state)
        changed = [field for field, value in state.items() if value != previous.get(field)]
    changed = [field for field in changed if field not in EVERY_WRITE]
    if not changed:
        return None
    detail.update(id=state["id"], version=state["version"], changedFields=changed)
    detail[kind.key] = state
    if previous is not None:
        detail["previous"] = {field: previous.get(field) for field in changed}
    return ChangeEvent(kind.name + action, detail)


def _modify_action(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if old.get("deletedAt") is None and new.get("deletedAt") is not None:
        return "Deleted"
    if old.get("deletedAt") is not None and new.get("deletedAt") is None:
        return "Restored"
    return "Updated"
