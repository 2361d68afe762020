"""`catalog migrate`: products written by the previous release join every new list."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from cli.dynamodb_local import LocalDynamoDB
from cli.main import main
from cli.migrate import migrate, stale_keys, write_keys
from cli.tables import create_table, enable_stream
from models import Category, Product
from tests.catalog import UPSERT_CATEGORY, UPSERT_PRODUCT
from tests.client import ApiClient
from tests.functional.test_sorted_lists import PRODUCTS

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
    # (the five products, then the category, which gets its slug and tree keys, then the
    # claim of that slug, written with its slug)
    assert "examined 7, updated 6, changed meanwhile 0; done" in capsys.readouterr().out
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

    assert (first.examined, first.updated) == (7, 6)
    assert (again.examined, again.updated, again.complete) == (7, 0, True)


def test_migrate_resumes_where_it_stopped(previous_release: Any) -> None:
    stopped = migrate(rate=1000, page_size=2, max_items=2)

    resumed = migrate(rate=1000, page_size=2, resume_after=stopped.position)

    assert not stopped.complete
    assert stopped.examined == 2
    assert resumed.complete
    assert resumed.examined == 5
    assert stopped.updated + resumed.updated == 6
    assert migrate(rate=1000).updated == 0


def test_migrate_is_paced_to_its_rate(previous_release: Any) -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    migrate(rate=2, sleep=sleep, clock=lambda: now[0])

    # Five products, a category and its slug's claim at two a second: the six after the
    # first each wait half a second.
    assert waits == [0.5] * 6


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


PRODUCT_SLUG = "query($id: ID!) { product(id: $id, includeDeleted: true) { slug } }"
BY_SLUG = "query($slug: String!) { product(slug: $slug, includeDeleted: true) { id slug } }"
CATEGORY_BY_SLUG = "query($slug: String!) { category(slug: $slug) { id slug } }"


def test_items_without_slugs_are_read_before_the_migration(previous_release: Any) -> None:
    api = ApiClient("http-v2")

    product = api.ok(PRODUCT_SLUG, {"id": "p01"})["product"]

    # A placeholder from the id: no crash, and stable across a rename.
    assert product == {"slug": "p01"}
    api.ok(UPSERT_PRODUCT, {"input": {"id": "p01", "name": "Golden Kiwi"}})
    assert api.ok(PRODUCT_SLUG, {"id": "p01"})["product"] == {"slug": "p01"}


def test_migrate_gives_every_product_and_category_a_slug_from_its_name(
    previous_release: Any,
) -> None:
    api = ApiClient("http-v2")
    # GIVEN this release made a product whose slug an old product's name will ask for
    created = api.ok(UPSERT_PRODUCT, {"input": {"name": "Kiwi", "price": "1"}})["upsertProduct"]

    migrate(rate=1000)

    slugs = {row[0]: api.ok(PRODUCT_SLUG, {"id": row[0]})["product"]["slug"] for row in OLD}
    assert slugs == {
        "p01": "kiwi-2",
        "p02": "apple",
        "p03": "mango",
        "p04": "lime",
        "p05": "banana",
    }
    assert created["slug"] == "kiwi"
    for product_id, slug in slugs.items():
        assert api.ok(BY_SLUG, {"slug": slug})["product"] == {"id": product_id, "slug": slug}
    assert api.ok(CATEGORY_BY_SLUG, {"slug": "fruit"})["category"] == {"id": "c1", "slug": "fruit"}


def test_migrate_resumes_in_the_categories_pass(previous_release: Any) -> None:
    stopped = migrate(rate=1000, max_items=6)

    resumed = migrate(rate=1000, resume_after=stopped.position)

    assert stopped.position == "categories/c1"
    # Then only the claim of the slug c1 got, which has its slug already.
    assert (resumed.examined, resumed.updated, resumed.complete) == (1, 0, True)
    assert migrate(rate=1000, resume_after="categories/").examined == 2


# -- the whole upgrade, as docs/lists.md orders it -----------------------------------

NEW_INDEXES = [
    "shelf_by_name",
    "shelf_by_price",
    "shelf_by_created",
    "category_shelf_by_name",
    "category_shelf_by_price",
    "category_shelf_by_created",
]


def _index(name: str) -> dict[str, Any]:
    """The model's definition of one index, as UpdateTable (and CloudFormation) sends it."""
    (index,) = (
        each
        for each in Product._get_schema()["global_secondary_indexes"]
        if each["index_name"] == name
    )
    return {
        "definitions": index["attribute_definitions"],
        "create": {
            "IndexName": name,
            # DynamoDB wants the hash key first.
            "KeySchema": sorted(index["key_schema"], key=lambda key: key["KeyType"]),
            "Projection": index["projection"],
        },
    }


@pytest.fixture
def previous_table(local_backend: LocalDynamoDB) -> Iterator[Any]:
    """The products table as the release before the sorted lists created it."""
    client = boto3.client("dynamodb", endpoint_url=local_backend.endpoint_url)
    table = Product.Meta.table_name
    client.delete_table(TableName=table)
    client.get_waiter("table_not_exists").wait(TableName=table)
    old = [_index("by_name"), _index("by_category")]
    definitions = {"id": "S"} | {
        d["AttributeName"]: d["AttributeType"] for index in old for d in index["definitions"]
    }
    try:
        client.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind} for name, kind in definitions.items()
            ],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[index["create"] for index in old],
        )
        client.get_waiter("table_exists").wait(TableName=table)
        yield client
    finally:
        # The other tests get the table the models define back.
        if Product.exists():
            client.delete_table(TableName=table)
            client.get_waiter("table_not_exists").wait(TableName=table)
        create_table(Product)
        # With its stream, as create-tables makes it: the search index reads it.
        enable_stream(Product)


def test_upgrade_from_the_previous_release_in_documented_order(
    previous_table: Any, previous_release: Any
) -> None:
    api = ApiClient("http-v2")
    table = Product.Meta.table_name

    # 1. This release serves the old table: the default lists work, new ones wait.
    assert listed(api) == ["p02", "p05", "p01", "p03"]
    response = api.admin(PRODUCTS, {"sortKey": "PRICE"})
    assert response.codes == ["SERVICE_UNAVAILABLE"]
    assert "index" in response.errors[0]["message"]
    api.ok(UPSERT_PRODUCT, {"input": {"id": "p05", "stock": 0}})

    # 2. catalog migrate derives the keys of what the previous release wrote, and gives
    # every item a slug (p05, rewritten by this release, has its keys but no slug yet).
    report = migrate(rate=1000)
    assert (report.examined, report.updated) == (7, 6)

    # 3. One index per table update, as CloudFormation does at each ListIndexes step.
    for name in NEW_INDEXES:
        index = _index(name)
        previous_table.update_table(
            TableName=table,
            AttributeDefinitions=index["definitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index["create"]}],
        )
        _wait_until_active(previous_table, table, name)

    # THEN every list is right, the product this release wrote included
    assert listed(api, sortKey="PRICE") == ["p03", "p05", "p02", "p01"]
    assert listed(api, sortKey="PRICE", filter={"inStock": False}) == ["p05", "p02"]
    assert listed(api, categoryId="c1", sortKey="CREATED_AT", filter={"inStock": True}) == ["p01"]
    assert listed(api, filter={"nameStartsWith": "b", "inStock": False}) == ["p05"]


def _wait_until_active(client: Any, table: str, index: str) -> None:
    for _ in range(600):
        described = client.describe_table(TableName=table)["Table"]
        statuses = {
            each["IndexName"]: each["IndexStatus"]
            for each in described.get("GlobalSecondaryIndexes", [])
        }
        if statuses.get(index) == "ACTIVE" and described["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise AssertionError(f"index {index} did not become ACTIVE")


# -- the category tree (docs/decisions/0015-category-tree.md) -----------------------

TREE = """
query($id: ID!) {
  category(id: $id) { id slug level parentId parent { id } ancestors { id } }
}
"""
LEVEL = "query($level: Int) { categories(level: $level) { edges { node { id level } } } }"


def _raw_category(client: Any, category_id: str) -> dict[str, Any]:
    item = client.get_item(TableName="catalog-categories", Key={"id": {"S": category_id}})
    return item["Item"]  # type: ignore[no-any-return]


def test_categories_without_levels_are_read_before_the_migration(previous_release: Any) -> None:
    api = ApiClient("http-v2")

    category = api.ok(TREE, {"id": "c1"})["category"]

    # An older release's category is a root at level 0; its slug a placeholder (the id).
    assert category == {
        "id": "c1",
        "slug": "c1",
        "level": 0,
        "parentId": None,
        "parent": None,
        "ancestors": [],
    }


def test_migrate_puts_previous_release_categories_in_the_tree(previous_release: Any) -> None:
    api = ApiClient("http-v2")

    migrate(rate=1000)

    stored = _raw_category(previous_release, "c1")
    assert (stored["level"], stored["level_key"]) == ({"N": "0"}, {"S": "LIVE#0"})
    assert "parent_key" not in stored
    assert api.ok(LEVEL, {"level": 0})["categories"]["edges"] == [
        {"node": {"id": "c1", "level": 0}}
    ]


def test_migrate_leaves_categories_this_release_wrote(previous_release: Any) -> None:
    api = ApiClient("http-v2")
    root = api.ok(UPSERT_CATEGORY, {"input": {"name": "Garden"}})["upsertCategory"]
    child = api.ok(UPSERT_CATEGORY, {"input": {"name": "Tools", "parentId": root["id"]}})
    before = {
        item_id: _raw_category(previous_release, item_id)
        for item_id in (root["id"], child["upsertCategory"]["id"])
    }

    report = migrate(rate=1000)

    # The five old products and c1 only; the new categories are as they were.
    assert report.updated == 6
    for item_id, item in before.items():
        assert _raw_category(previous_release, item_id) == item


def test_migrate_gives_category_slug_claims_their_slug(previous_release: Any) -> None:
    # GIVEN c1 with a slug and an old one, as the release before the tree wrote them:
    # claims without their slug attribute, so not in by_slug
    api = ApiClient("http-v2")
    migrate(rate=1000)
    api.ok(UPSERT_CATEGORY, {"input": {"id": "c1", "slug": "fresh-fruit"}})
    for slug in ("fruit", "fresh-fruit"):
        previous_release.update_item(
            TableName="catalog-categories",
            Key={"id": {"S": f"slug#{slug}"}},
            UpdateExpression="REMOVE slug",
        )

    report = migrate(rate=1000)
    again = migrate(rate=1000)

    assert report.updated == 2
    assert (again.updated, again.complete) == (0, True)
    for slug in ("fruit", "fresh-fruit"):
        assert _raw_category(previous_release, f"slug#{slug}")["slug"] == {"S": slug}
        found = api.ok(CATEGORY_BY_SLUG, {"slug": slug})["category"]
        assert found == {"id": "c1", "slug": "fresh-fruit"}


def test_migrate_resumes_in_the_category_slugs_pass(previous_release: Any) -> None:
    # 5 products, 1 category, then its new slug's claim.
    stopped = migrate(rate=1000, max_items=7)

    resumed = migrate(rate=1000, resume_after=stopped.position)

    assert stopped.position == "category-slugs/slug#fruit"
    assert (resumed.examined, resumed.updated, resumed.complete) == (0, 0, True)
    assert migrate(rate=1000, resume_after="category-slugs/").examined == 1


def _category_index(name: str) -> dict[str, Any]:
    """The Category model's definition of one index, as UpdateTable sends it."""
    (index,) = (
        each
        for each in Category._get_schema()["global_secondary_indexes"]
        if each["index_name"] == name
    )
    return {
        "definitions": index["attribute_definitions"],
        "create": {
            "IndexName": name,
            "KeySchema": sorted(index["key_schema"], key=lambda key: key["KeyType"]),
            "Projection": index["projection"],
        },
    }


@pytest.fixture
def previous_categories_table(local_backend: LocalDynamoDB) -> Iterator[Any]:
    """The categories table as the release before the category tree created it."""
    client = boto3.client("dynamodb", endpoint_url=local_backend.endpoint_url)
    table = Category.Meta.table_name
    client.delete_table(TableName=table)
    client.get_waiter("table_not_exists").wait(TableName=table)
    old = _category_index("by_name")
    try:
        client.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}]
            + old["definitions"],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[old["create"]],
        )
        client.get_waiter("table_exists").wait(TableName=table)
        yield client
    finally:
        if Category.exists():
            client.delete_table(TableName=table)
            client.get_waiter("table_not_exists").wait(TableName=table)
        create_table(Category)
        enable_stream(Category)


CHILDREN = "query($id: ID!) { category(id: $id) { children(first: 5) { edges { node { id } } } } }"


def test_upgrade_to_the_category_tree_in_documented_order(
    previous_categories_table: Any, previous_release: Any
) -> None:
    api = ApiClient("http-v2")
    table = Category.Meta.table_name
    api.ok(UPSERT_CATEGORY, {"input": {"id": "c1", "slug": "fruit"}})

    # 1. This release serves the old table: slugs through their claim, the tree's lists
    # wait for their indexes.
    assert api.ok(CATEGORY_BY_SLUG, {"slug": "fruit"})["category"] == {"id": "c1", "slug": "fruit"}
    for query, variables in ((CHILDREN, {"id": "c1"}), (LEVEL, {"level": 0})):
        assert api.public(query, variables).codes == ["SERVICE_UNAVAILABLE"]

    # 2. catalog migrate
    assert migrate(rate=1000).complete

    # 3. One index per table update, as each TreeIndexes step does.
    for name in ("by_parent", "by_level", "by_slug"):
        index = _category_index(name)
        previous_categories_table.update_table(
            TableName=table,
            AttributeDefinitions=index["definitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index["create"]}],
        )
        _wait_until_active(previous_categories_table, table, name)

    # THEN the tree's reads answer, the category written before the tree included
    child = api.ok(UPSERT_CATEGORY, {"input": {"name": "Berries", "parentId": "c1"}})
    child_id = child["upsertCategory"]["id"]
    assert api.ok(CHILDREN, {"id": "c1"})["category"]["children"]["edges"] == [
        {"node": {"id": child_id}}
    ]
    assert api.ok(LEVEL, {"level": 0})["categories"]["edges"] == [
        {"node": {"id": "c1", "level": 0}}
    ]
    assert api.ok(CATEGORY_BY_SLUG, {"slug": "fruit"})["category"] == {"id": "c1", "slug": "fruit"}
