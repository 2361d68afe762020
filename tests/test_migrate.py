"""`catalog migrate`: products written by the previous release join every new list."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from cli.dynamodb_local import LocalDynamoDB
from cli.main import main
from cli.migrate import migrate, stale_keys, write_keys
from models import Product
from tests.catalog import UPSERT_PRODUCT
from tests.client import ApiClient
from tests.test_sorted_lists import PRODUCTS

STORED_AT = "2026-11-01T10:00:00.000000+0000"
# (id, name, price, stock, category, deleted): the previous release's items.
OLD = [
    ("p01", "Kiwi", "2.5", 3, "c1", False),
    ("p02", "apple", "2.5", 0, "c1", False),
    ("p03", "Mango", "0.99", 7, None, False),
    ("p04", "Lime", "9", 0, "c1", True),
    ("p05", "Banana", "1", 2, "c1", False),
]


def put_as_previous_release(
    client: Any,
    item_id: str,
    name: str,
    price: str,
    stock: int,
    category: str | None,
    deleted: bool,
) -> None:
    """The item exactly as the release before the sorted lists wrote it."""
    status = "DELETED" if deleted else "LIVE"
    item: dict[str, Any] = {
        "id": {"S": item_id},
        "name": {"S": name},
        "price": {"N": price},
        "currency": {"S": "USD"},
        "stock": {"N": str(stock)},
        "created_at": {"S": STORED_AT},
        "updated_at": {"S": STORED_AT},
        "version": {"N": "1"},
        "status": {"S": status},
        "sort_key": {"S": f"{name.casefold()}\x1f{item_id}"},
    }
    if deleted:
        item["deleted_at"] = {"S": STORED_AT}
    if category:
        item["category_id"] = {"S": category}
        item["category_status"] = {"S": f"{category}#{status}"}
    client.put_item(TableName=Product.Meta.table_name, Item=item)


@pytest.fixture
def previous_release(local_backend: LocalDynamoDB) -> Any:
    client = boto3.client("dynamodb", endpoint_url=local_backend.endpoint_url)
    client.put_item(
        TableName="catalog-categories",
        Item={
            "id": {"S": "c1"},
            "name": {"S": "Fruit"},
            "product_count": {"N": "3"},
            "created_at": {"S": STORED_AT},
            "updated_at": {"S": STORED_AT},
            "version": {"N": "1"},
            "status": {"S": "LIVE"},
            "sort_key": {"S": "fruit\x1fc1"},
        },
    )
    for row in OLD:
        put_as_previous_release(client, *row)
    return client


def listed(api: ApiClient, **variables: Any) -> list[str]:
    data = api.ok(PRODUCTS, {"first": 100, **variables})["products"]
    return [edge["node"]["id"] for edge in data["edges"]]


def test_migrate_puts_previous_release_products_in_every_new_list(
    previous_release: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    api = ApiClient("http-v2")
    # GIVEN the default list shows them, the new lists do not yet
    assert listed(api) == ["p02", "p05", "p01", "p03"]
    assert listed(api, sortKey="PRICE") == []

    # WHEN the command runs
    status = main(["migrate", "--rate", "1000"])

    # THEN every new list holds them, in order
    assert status == 0
    assert "examined 5, updated 5, changed meanwhile 0; done" in capsys.readouterr().out
    assert listed(api, sortKey="PRICE") == ["p03", "p05", "p02", "p01"]
    assert listed(api, sortKey="PRICE", reverse=True) == ["p01", "p02", "p05", "p03"]
    assert listed(api, sortKey="CREATED_AT") == ["p01", "p02", "p03", "p05"]
    assert listed(api, filter={"inStock": False}) == ["p02"]
    assert listed(api, filter={"nameStartsWith": "KI"}) == ["p01"]
    assert listed(api, sortKey="PRICE", categoryId="c1", filter={"inStock": True}) == [
        "p05",
        "p01",
    ]
    assert listed(api, sortKey="PRICE", all=True) == ["p03", "p05", "p02", "p01", "p04"]


def test_migrate_twice_writes_nothing_the_second_time(previous_release: Any) -> None:
    first = migrate(rate=1000)

    again = migrate(rate=1000)

    assert (first.examined, first.updated) == (5, 5)
    assert (again.examined, again.updated, again.complete) == (5, 0, True)


def test_migrate_resumes_where_it_stopped(previous_release: Any) -> None:
    stopped = migrate(rate=1000, page_size=2, max_items=2)

    resumed = migrate(rate=1000, page_size=2, resume_after=stopped.position)

    assert not stopped.complete and stopped.examined == 2
    assert resumed.complete and resumed.examined == 3
    assert stopped.updated + resumed.updated == 5
    assert migrate(rate=1000).updated == 0


def test_migrate_is_paced_to_its_rate(previous_release: Any) -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    migrate(rate=2, sleep=sleep, clock=lambda: now[0])

    # Five products at two a second: the four after the first each wait half a second.
    assert waits == [0.5] * 4


def test_migrate_leaves_a_product_changed_meanwhile_to_its_writer(
    previous_release: Any,
) -> None:
    api = ApiClient("http-v2")
    # GIVEN this release rewrote a product after the migration read it
    read = Product.get("p01")
    api.ok(UPSERT_PRODUCT, {"input": {"id": "p01", "stock": 0}})

    # WHEN the migration writes what it derived from its read
    written = write_keys(read, stale_keys(read))

    # THEN the write is refused, and the product stays where its writer put it
    assert not written
    assert listed(api, filter={"inStock": False}) == ["p01"]
    assert "p01" not in listed(api, filter={"inStock": True})
