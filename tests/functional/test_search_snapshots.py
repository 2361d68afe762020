"""The deployed path on moto's S3: the indexer publishes snapshots as the only writer,
and serving containers load the newest one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

import compose
from search import snapshots
from search.backfill import BACKFILL_POSITION, reindex
from search.records import changes
from search.snapshots import SnapshotReader, SnapshotStore, SnapshotWriter
from search.types import PRODUCT, Search
from settings import Settings

BUCKET = "catalog-search-test"
PREFIX = "search/"
STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/catalog-products/stream/2026-12-01"


def record(sequence: int, product_id: str, name: str, *, event: str = "INSERT") -> dict[str, Any]:
    """A products-table stream record as Lambda delivers it."""
    image = {
        "id": {"S": product_id},
        "name": {"S": name},
        "price": {"N": "10"},
        "currency": {"S": "USD"},
        "stock": {"N": "3"},
        "created_at": {"S": "2026-12-01T10:00:00.000000+0000"},
        "updated_at": {"S": "2026-12-01T10:00:00.000000+0000"},
        "version": {"N": "1"},
        "status": {"S": "LIVE"},
        "sort_key": {"S": f"{name.casefold()}\x1f{product_id}"},
    }
    data: dict[str, Any] = {"Keys": {"id": {"S": product_id}}, "SequenceNumber": str(sequence)}
    if event != "REMOVE":
        data["NewImage"] = image
    return {"eventName": event, "eventSourceARN": STREAM, "dynamodb": data}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[SnapshotStore]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield SnapshotStore(snapshots.s3_client("us-east-1"), BUCKET, PREFIX)


def found(reader: SnapshotReader, word: str) -> list[str]:
    page = reader.current().search(Search(words=(word,)), 10)
    return [product_id for _, product_id in page.items]


def batch(*records: dict[str, Any]) -> Any:
    return changes(records, {"catalog-products": PRODUCT})


def test_indexer_publishes_what_serving_containers_find(
    store: SnapshotStore, tmp_path: Path
) -> None:
    config = replace(Settings.from_env(), search_bucket=BUCKET, search_prefix=PREFIX)
    index_changes = compose.indexer(config)

    answer = index_changes({"Records": [record(1, "p1", "Hiking Backpack")]}, None)

    assert answer == {"records": 1, "published": 1}
    assert found(SnapshotReader(store, tmp_path), "backpack") == ["p1"]


def test_indexer_retry_of_a_batch_publishes_nothing_new(
    store: SnapshotStore, tmp_path: Path
) -> None:
    writer = SnapshotWriter(store, tmp_path)
    first = batch(record(1, "p1", "Hiking Backpack"))
    writer.apply(first)

    assert writer.apply(first) is None
    assert SnapshotWriter(store, tmp_path).apply(first) is None


def test_indexer_overlapping_invocations_lose_no_update(
    store: SnapshotStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two indexer containers that both read snapshot 1
    SnapshotWriter(store, tmp_path).apply(batch(record(1, "p1", "Hiking Backpack")))
    slow, fast = SnapshotWriter(store, tmp_path), SnapshotWriter(store, tmp_path)
    publish = store.publish
    raced: list[bool] = []

    def publish_after_the_other(index: Any, after: Any) -> Any:
        # WHEN the other publishes between this one's read and its publish
        if not raced:
            raced.append(True)
            fast.apply(batch(record(2, "p2", "Summit Duffel")))
        return publish(index, after)

    monkeypatch.setattr(store, "publish", publish_after_the_other)
    slow.apply(batch(record(3, "p3", "Trail Tent")))

    # THEN the newest snapshot holds every change, each once
    monkeypatch.setattr(store, "publish", publish)
    reader = SnapshotReader(store, tmp_path)
    assert [found(reader, word) for word in ("backpack", "duffel", "tent")] == [
        ["p1"],
        ["p2"],
        ["p3"],
    ]
    assert store.manifest() is not None
    # 1, the other one's 2, then this one's again on top of it: 3.
    assert store.manifest().version == 3  # type: ignore[union-attr]


def test_indexer_older_record_never_undoes_a_newer_one(
    store: SnapshotStore, tmp_path: Path
) -> None:
    writer = SnapshotWriter(store, tmp_path)
    writer.apply(batch(record(5, "p1", "Hiking Backpack", event="REMOVE")))

    writer.apply(batch(record(4, "p1", "Hiking Backpack")))

    assert found(SnapshotReader(store, tmp_path), "backpack") == []


def test_serving_container_picks_up_a_newer_snapshot(
    store: SnapshotStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = SnapshotWriter(store, tmp_path)
    writer.apply(batch(record(1, "p1", "Hiking Backpack")))
    reader = SnapshotReader(store, tmp_path / "serving")
    assert found(reader, "duffel") == []

    writer.apply(batch(record(2, "p2", "Summit Duffel")))
    monkeypatch.setattr(snapshots, "REFRESH_SECONDS", 0.0)

    assert found(reader, "duffel") == ["p2"]


def test_serving_container_without_a_snapshot_finds_nothing(
    store: SnapshotStore, tmp_path: Path
) -> None:
    assert found(SnapshotReader(store, tmp_path), "backpack") == []


def test_indexer_keeps_the_newest_two_snapshots_only(store: SnapshotStore, tmp_path: Path) -> None:
    writer = SnapshotWriter(store, tmp_path)
    for sequence in range(1, 5):
        writer.apply(batch(record(sequence, f"p{sequence}", "Hiking Backpack")))

    listed = store.client.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}snapshots/")
    kept = sorted(item["Key"].rsplit("/", 1)[1][:12] for item in listed["Contents"])
    assert kept == ["000000000003", "000000000004"]


def test_reindex_backfills_what_the_streams_no_longer_hold(
    store: SnapshotStore, tmp_path: Path
) -> None:
    # GIVEN the indexer saw p2 renamed and p3 deleted, but never saw p1 (too old)
    writer = SnapshotWriter(store, tmp_path)
    writer.apply(batch(record(7, "p2", "Summit Duffel"), record(8, "p3", "x", event="REMOVE")))
    # WHEN the backfill publishes what a scan read earlier: all three, p2 by its old name
    scanned = batch(
        record(1, "p1", "Hiking Backpack"),
        record(1, "p2", "Old Duffel Name"),
        record(1, "p3", "Trail Tent"),
    )
    backfill = [replace(change, sequence=BACKFILL_POSITION) for change in scanned]
    published = reindex(SnapshotWriter(store, tmp_path), iter(backfill))

    # THEN p1 is found, and the indexer's newer changes still hold
    assert len(published) == 1
    reader = SnapshotReader(store, tmp_path)
    assert [found(reader, word) for word in ("backpack", "duffel", "old", "tent")] == [
        ["p1"],
        ["p2"],
        [],
        [],
    ]
