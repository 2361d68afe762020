"""Change events from real stream records (tests/events/streams, captured from moto and
DynamoDB Local), and how the publisher batches, retries and reports them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from events.changes import (
    MALFORMED_RECORD,
    UNKNOWN_TABLE,
    ChangeEvent,
    RecordError,
    change_event,
    entry_size,
    kinds,
)
from events.publisher import (
    CALL_SECONDS,
    MAX_ENTRIES,
    MAX_REQUEST_BYTES,
    PUT_ATTEMPTS,
    Publisher,
    batches,
)
from settings import Settings
from tests.catalog import public_schema_fields

STREAMS = Path(__file__).parents[1] / "events" / "streams"
BACKENDS = ("moto", "dynamodb_local")
TABLES = kinds("catalog-products", "catalog-categories")
# What the models store beside the public fields; none may leave the catalog.
STORAGE_ONLY = {
    "status",
    "sort_key",
    "shelf",
    "price_key",
    "created_key",
    "category_status",
    "category_shelf",
    "image_key",
    "image_width",
    "image_height",
    "image_content_type",
}

CREATED_PRODUCT = [
    "id",
    "name",
    "description",
    "price",
    "currency",
    "stock",
    "categoryId",
    "createdAt",
    "slug",
]
# The captured records predate slugs: their events carry the placeholder made from the id.
CREATED_CATEGORY = ["id", "name", "productCount", "createdAt", "slug", "level"]
# Each captured scenario: the events its records give, in record order on DynamoDB Local
# (moto writes a transaction's items in another order), with their changed fields.
EXPECTED: dict[str, list[tuple[str, list[str]] | None]] = {
    "category_created": [("CategoryCreated", CREATED_CATEGORY)],
    "product_created_in_category": [
        ("ProductCreated", CREATED_PRODUCT),
        ("CategoryUpdated", ["productCount"]),
    ],
    "product_price_and_stock_updated": [("ProductUpdated", ["price", "stock"])],
    "product_description_cleared": [("ProductUpdated", ["description"])],
    "product_moved_out_of_category": [
        ("ProductUpdated", ["categoryId"]),
        ("CategoryUpdated", ["productCount"]),
    ],
    "product_moved_into_category": [
        ("ProductUpdated", ["categoryId"]),
        ("CategoryUpdated", ["productCount"]),
    ],
    "product_keys_rederived": [None, None],
    "product_deleted": [("ProductDeleted", ["deletedAt"]), ("CategoryUpdated", ["productCount"])],
    "product_restored": [
        ("ProductRestored", ["deletedAt"]),
        ("CategoryUpdated", ["productCount"]),
    ],
    "product_purged": [
        ("ProductPurged", [name for name in CREATED_PRODUCT if name != "description"]),
        ("CategoryUpdated", ["productCount"]),
    ],
    "category_updated": [("CategoryUpdated", ["name"])],
    "category_deleted": [("CategoryDeleted", ["deletedAt"])],
    "category_restored": [("CategoryRestored", ["deletedAt"])],
    "category_purged": [("CategoryPurged", CREATED_CATEGORY)],
}


@cache
def _captured(backend: str) -> dict[str, Any]:
    return json.loads((STREAMS / f"{backend}.json").read_text())  # type: ignore[no-any-return]


def records(backend: str, scenario: str) -> list[dict[str, Any]]:
    """A fresh copy of one scenario's captured records."""
    return copy.deepcopy(_captured(backend)[scenario]["Records"])


def all_records(backend: str) -> list[dict[str, Any]]:
    return [record for scenario in EXPECTED for record in records(backend, scenario)]


def events_of(backend: str) -> list[ChangeEvent]:
    found = [change_event(record, TABLES) for record in all_records(backend)]
    return [change for change in found if change is not None]


def by_key(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records in DynamoDB Local's order: the product before its category's count."""
    return sorted(records, key=lambda record: "/catalog-products/" not in record["eventSourceARN"])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_change_event_of_each_captured_write(backend: str, scenario: str) -> None:
    found = [change_event(record, TABLES) for record in by_key(records(backend, scenario))]

    described = [
        (change.detail_type, change.detail["changedFields"]) if change else None for change in found
    ]
    assert described == EXPECTED[scenario]


@pytest.mark.parametrize("backend", BACKENDS)
def test_change_event_detail_names_its_record(backend: str) -> None:
    for record in all_records(backend):
        change = change_event(record, TABLES)
        if change is None:
            continue
        item = change.detail[change.detail_type.removesuffix(_action(change.detail_type)).lower()]
        assert change.detail["eventId"] == record["eventID"]
        assert change.detail["sequence"] == record["dynamodb"]["SequenceNumber"]
        assert change.detail["id"] == record["dynamodb"]["Keys"]["id"]["S"] == item["id"]
        assert change.detail["version"] == item["version"]


def _action(detail_type: str) -> str:
    return next(
        action
        for action in ("Created", "Updated", "Deleted", "Restored", "Purged")
        if detail_type.endswith(action)
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_change_event_item_has_every_public_field_and_nothing_stored(backend: str) -> None:
    for change in events_of(backend):
        kind = "product" if change.detail_type.startswith("Product") else "category"
        item = change.detail[kind]
        assert set(item) == public_schema_fields(kind.title())
        assert not set(item) & STORAGE_ONLY
        assert not set(change.detail.get("previous", {})) & STORAGE_ONLY
        assert not {"updatedAt", "version"} & set(change.detail["changedFields"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_change_event_previous_holds_the_changed_fields_former_values(backend: str) -> None:
    changes = events_of(backend)
    for change in changes:
        if change.detail_type.endswith(("Created", "Purged")):
            assert "previous" not in change.detail
        else:
            assert list(change.detail["previous"]) == change.detail["changedFields"]
    priced = next(c for c in changes if c.detail["changedFields"] == ["price", "stock"])
    assert priced.detail["previous"] == {"price": "89.9", "stock": 3}
    assert priced.detail["product"]["price"] == "19.99"
    assert priced.detail["product"]["stock"] == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_change_event_shows_scalars_as_the_api_does(backend: str) -> None:
    created = next(c for c in events_of(backend) if c.detail_type == "ProductCreated")
    product = created.detail["product"]

    assert product["price"] == "89.9"
    assert product["stock"] == 3
    assert product["createdAt"].endswith("Z")
    assert product["image"] is None
    assert product["deletedAt"] is None


def test_change_event_of_an_unknown_table_is_refused() -> None:
    record = records("moto", "category_created")[0]
    record["eventSourceARN"] = record["eventSourceARN"].replace("catalog-categories", "orders")

    with pytest.raises(RecordError) as refused:
        change_event(record, TABLES)

    assert refused.value.code == UNKNOWN_TABLE
    assert "orders" in str(refused.value)


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: record["dynamodb"].pop("NewImage"),
        lambda record: record["dynamodb"]["NewImage"].pop("name"),
        lambda record: record["dynamodb"]["NewImage"].update(price={"N": "not a number"}),
        lambda record: record.update(eventName="UPSERT"),
        lambda record: record.pop("eventName"),
        lambda record: record["dynamodb"].pop("SequenceNumber"),
    ],
    ids=["no-image", "no-name", "bad-price", "unknown-event-name", "no-event-name", "no-sequence"],
)
def test_change_event_of_a_malformed_record_is_refused(
    damage: Callable[[dict[str, Any]], Any],
) -> None:
    record = records("dynamodb_local", "product_created_in_category")[0]
    damage(record)

    with pytest.raises(RecordError) as refused:
        change_event(record, TABLES)

    assert refused.value.code == MALFORMED_RECORD


def test_change_event_of_something_not_a_record_is_refused() -> None:
    with pytest.raises(RecordError) as refused:
        change_event(["not", "a", "record"], TABLES)  # type: ignore[arg-type]

    assert refused.value.code == MALFORMED_RECORD


def test_entry_is_a_catalog_event_on_the_bus() -> None:
    change = events_of("dynamodb_local")[0]

    entry = change.entry("catalog-bus")

    assert entry["Source"] == "catalog"
    assert entry["DetailType"] == "CategoryCreated"
    assert entry["EventBusName"] == "catalog-bus"
    assert json.loads(entry["Detail"]) == change.detail


def _change(number: int, size: int = 0) -> ChangeEvent:
    detail = {
        "eventId": f"e{number}",
        "sequence": str(number),
        "id": f"p{number}",
        "pad": "x" * size,
    }
    return ChangeEvent("ProductUpdated", detail)


def test_batches_hold_at_most_ten_entries() -> None:
    groups = list(batches([_change(n) for n in range(25)], "bus"))

    assert [len(group) for group in groups] == [10, 10, 5]


def test_batches_stay_within_the_request_size() -> None:
    big = [_change(n, size=60_000) for n in range(10)]

    groups = list(batches(big, "bus"))

    assert [len(group) for group in groups] == [4, 4, 2]
    for group in groups:
        assert sum(entry_size(change.entry("bus")) for change in group) <= MAX_REQUEST_BYTES


@dataclass
class FakeEventBridge:
    """PutEvents answered by `refuse(entry, call)`: an error code, or None to accept."""

    refuse: Callable[[dict[str, Any], int], str | None] = lambda entry, call: None
    raise_on: set[int] = field(default_factory=set)
    calls: list[list[dict[str, Any]]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        assert len(Entries) <= MAX_ENTRIES
        self.calls.append(Entries)
        if len(self.calls) in self.raise_on:
            raise ClientError({"Error": {"Code": "InternalException"}}, "PutEvents")
        results: list[dict[str, Any]] = []
        for entry in Entries:
            code = self.refuse(entry, len(self.calls))
            if code is None:
                self.accepted.append(json.loads(entry["Detail"]))
                results.append({"EventId": f"eb-{len(self.accepted)}"})
            else:
                results.append({"ErrorCode": code, "ErrorMessage": "refused"})
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}


def _settings() -> Settings:
    return replace(Settings.from_env(), event_bus="catalog-bus")


def _publisher(bridge: FakeEventBridge) -> tuple[Publisher, list[float]]:
    slept: list[float] = []
    return Publisher(_settings(), client=lambda region: bridge, sleep=slept.append), slept


def _sequences(found: list[dict[str, Any]]) -> list[str]:
    return [str(detail["sequence"]) for detail in found]


def test_publisher_puts_every_change_once_in_batches_of_ten() -> None:
    bridge = FakeEventBridge()
    publisher, slept = _publisher(bridge)
    batch = {"Records": all_records("dynamodb_local")}

    result = publisher(batch, None)

    published = events_of("dynamodb_local")
    assert result == {"batchItemFailures": []}
    assert _sequences(bridge.accepted) == [change.sequence for change in published]
    assert len(bridge.calls) == -(-len(published) // 10)
    assert {entry["EventBusName"] for call in bridge.calls for entry in call} == {"catalog-bus"}
    assert slept == []


def test_publisher_puts_refused_entries_again() -> None:
    refusals: dict[str, int] = {}

    def twice_each_odd(entry: dict[str, Any], call: int) -> str | None:
        sequence = json.loads(entry["Detail"])["sequence"]
        if int(sequence) % 2 and refusals.get(sequence, 0) < 2:
            refusals[sequence] = refusals.get(sequence, 0) + 1
            return "ThrottlingException"
        return None

    bridge = FakeEventBridge(refuse=twice_each_odd)
    publisher, slept = _publisher(bridge)

    result = publisher({"Records": all_records("moto")}, None)

    assert result == {"batchItemFailures": []}
    assert sorted(_sequences(bridge.accepted)) == sorted(c.sequence for c in events_of("moto"))
    assert slept
    assert all(pause > 0 for pause in slept)


def test_publisher_reports_the_records_of_entries_refused_every_time() -> None:
    batch = records("dynamodb_local", "product_created_in_category")
    product = next(r for r in batch if "/catalog-products/" in r["eventSourceARN"])
    refused = product["dynamodb"]["SequenceNumber"]
    bridge = FakeEventBridge(
        refuse=lambda entry, call: (
            "InternalFailure" if json.loads(entry["Detail"])["sequence"] == refused else None
        )
    )
    publisher, _ = _publisher(bridge)

    result = publisher({"Records": batch}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": refused}]}
    assert [detail["id"] for detail in bridge.accepted] == [
        r["dynamodb"]["Keys"]["id"]["S"] for r in batch if r is not product
    ]
    assert len(bridge.calls) == PUT_ATTEMPTS


def test_publisher_retries_a_failed_call_then_reports_its_records() -> None:
    batch = records("moto", "product_deleted")
    bridge = FakeEventBridge(raise_on={1, 2, 3})
    publisher, _ = _publisher(bridge)

    result = publisher({"Records": batch}, None)

    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": record["dynamodb"]["SequenceNumber"]} for record in batch
        ]
    }
    assert bridge.accepted == []


def test_publisher_recovers_when_a_later_call_succeeds() -> None:
    bridge = FakeEventBridge(raise_on={1})
    publisher, _ = _publisher(bridge)

    result = publisher({"Records": records("moto", "product_deleted")}, None)

    assert result == {"batchItemFailures": []}
    assert len(bridge.accepted) == 2


def test_publisher_reports_a_malformed_record_and_publishes_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch = records("dynamodb_local", "product_created_in_category")
    batch[0]["dynamodb"]["NewImage"].pop("name")
    bridge = FakeEventBridge()
    publisher, _ = _publisher(bridge)

    result = publisher({"Records": batch}, None)

    assert result == {
        "batchItemFailures": [{"itemIdentifier": batch[0]["dynamodb"]["SequenceNumber"]}]
    }
    assert [detail["id"] for detail in bridge.accepted] == [batch[1]["dynamodb"]["Keys"]["id"]["S"]]
    assert MALFORMED_RECORD in caplog.text
    assert batch[0]["eventID"] in caplog.text


def test_publisher_reports_a_record_without_sequence_number_as_the_whole_batch() -> None:
    # An empty identifier makes Lambda retry (and bisect) the batch: nothing is lost.
    batch = records("moto", "category_updated")
    del batch[0]["dynamodb"]["SequenceNumber"]
    publisher, _ = _publisher(FakeEventBridge())

    result = publisher({"Records": batch}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": ""}]}


def test_publisher_replay_puts_the_same_event_ids() -> None:
    bridge = FakeEventBridge()
    publisher, _ = _publisher(bridge)
    batch = {"Records": all_records("dynamodb_local")}

    publisher(batch, None)
    first = [detail["eventId"] for detail in bridge.accepted]
    bridge.accepted.clear()
    publisher(copy.deepcopy(batch), None)

    assert [detail["eventId"] for detail in bridge.accepted] == first
    assert len(set(first)) == len(first)


def test_publisher_of_an_empty_batch_calls_nothing() -> None:
    bridge = FakeEventBridge()
    publisher, _ = _publisher(bridge)

    assert publisher({"Records": []}, None) == {"batchItemFailures": []}
    assert bridge.calls == []


@dataclass
class DwindlingContext:
    """A Lambda context whose remaining time drops by `step_ms` each time it is asked."""

    remaining_ms: int
    step_ms: int

    def get_remaining_time_in_millis(self) -> int:
        self.remaining_ms -= self.step_ms
        return self.remaining_ms


def test_publisher_reports_the_batches_it_has_no_time_left_for() -> None:
    bridge = FakeEventBridge()
    publisher, _ = _publisher(bridge)
    changes = events_of("dynamodb_local")
    assert len(changes) > MAX_ENTRIES
    # Time for one call, then half a second short of a second one.
    context = DwindlingContext(remaining_ms=CALL_SECONDS * 1000 + 1500, step_ms=1000)

    result = publisher({"Records": all_records("dynamodb_local")}, context)

    assert len(bridge.calls) == 1
    assert _sequences(bridge.accepted) == [c.sequence for c in changes[:MAX_ENTRIES]]
    assert result == {
        "batchItemFailures": [{"itemIdentifier": c.sequence} for c in changes[MAX_ENTRIES:]]
    }
