"""`catalog events`: the local tables' change events as JSON lines, as a webhook gets them."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from cli.sample import CATEGORIES, PRODUCTS
from tests.e2e.cli.conftest import catalog_command, cli_env

LINE_TIMEOUT_SECONDS = 60


@pytest.fixture
def seeded(catalog: Any) -> None:
    assert catalog("create-tables").returncode == 0
    assert catalog("seed").returncode == 0


@pytest.mark.usefixtures("seeded")
def test_events_prints_what_the_streams_hold_and_exits(catalog: Any) -> None:
    result = catalog("events")

    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {event["source"] for event in events} == {"catalog"}
    kinds = Counter(event["detail-type"] for event in events)
    assert kinds["CategoryCreated"] == len(CATEGORIES)
    assert kinds["ProductCreated"] == len(PRODUCTS)
    # Each category products were written into had its count changed: the seed writes
    # them as upsertProducts does, changing a category's count once per transaction.
    counted = Counter(e["detail"]["id"] for e in events if e["detail-type"] == "CategoryUpdated")
    holding = Counter(product.category_id for product in PRODUCTS if product.category_id)
    assert set(counted) == set(holding)
    assert all(counted[category] <= holding[category] for category in holding)
    created = {e["detail"]["id"] for e in events if e["detail-type"] == "ProductCreated"}
    assert created == {product.id for product in PRODUCTS}
    sequences = [int(event["detail"]["sequence"]) for event in events]
    assert sequences == sorted(sequences)


@pytest.mark.usefixtures("seeded")
def test_events_follow_prints_new_changes_until_interrupted(
    moto_endpoint: str, dynamodb: Any
) -> None:
    process = subprocess.Popen(
        catalog_command("events", "--follow"),
        env=cli_env(AWS_ENDPOINT_URL_DYNAMODB=moto_endpoint),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _read_lines(process)
    try:
        seen = _lines_until(lines, lambda event: event["detail-type"] == "ProductCreated", 50)
        product_id = seen[-1]["detail"]["id"]
        dynamodb.update_item(
            TableName="catalog-products",
            Key={"id": {"S": product_id}},
            UpdateExpression="SET stock = :stock",
            ExpressionAttributeValues={":stock": {"N": "987"}},
        )
        updated = _lines_until(lines, lambda event: event["detail-type"] == "ProductUpdated", 1)
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=15)

    assert updated[-1]["detail"]["id"] == product_id
    assert updated[-1]["detail"]["changedFields"] == ["stock"]
    assert updated[-1]["detail"]["product"]["stock"] == 987
    assert status == 0


def _lines_until(
    lines: queue.Queue[str], wanted: Callable[[dict[str, Any]], bool], count: int
) -> list[dict[str, Any]]:
    """Events read from the process until `count` of them are `wanted`."""
    found: list[dict[str, Any]] = []
    while sum(1 for event in found if wanted(event)) < count:
        try:
            line = lines.get(timeout=LINE_TIMEOUT_SECONDS)
        except queue.Empty:
            pytest.fail(f"`catalog events --follow` printed {len(found)} events, then nothing")
        found.append(json.loads(line))
    return found


def _read_lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The process's output lines, as a thread reads them."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    return lines
