"""`catalog seed`: the sample catalog, written once, however often it runs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cli.sample import CATEGORIES, PRODUCTS


def scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """The table's products or categories: not the claims of their slugs, which share it."""
    pages = dynamodb.get_paginator("scan").paginate(TableName=table)
    items = [item for page in pages for item in page["Items"]]
    return [item for item in items if not item["id"]["S"].startswith("slug#")]


def catalog_counts(dynamodb: Any) -> dict[str, Any]:
    """What a user would count: items, products per category, and each category's count."""
    products = scan(dynamodb, "catalog-products")
    categories = scan(dynamodb, "catalog-categories")
    return {
        "products": len(products),
        "categories": len(categories),
        "products_per_category": Counter(
            item["category_id"]["S"] if "category_id" in item else None for item in products
        ),
        "product_count": {item["id"]["S"]: int(item["product_count"]["N"]) for item in categories},
        "versions": Counter(int(item["version"]["N"]) for item in products + categories),
    }


def set_product_attribute(dynamodb: Any, product_id: str, name: str, value: Any) -> None:
    """Change a stored product behind the API's back, as another writer might."""
    dynamodb.update_item(
        TableName="catalog-products",
        Key={"id": {"S": product_id}},
        UpdateExpression=f"SET {name} = :value",
        ExpressionAttributeValues={":value": value},
    )


def get_product(dynamodb: Any, product_id: str) -> dict[str, Any]:
    item: dict[str, Any] = dynamodb.get_item(
        TableName="catalog-products", Key={"id": {"S": product_id}}
    )["Item"]
    return item


@pytest.fixture
def tables(catalog: Any) -> None:
    assert catalog("create-tables").returncode == 0


@pytest.mark.usefixtures("tables")
def test_seed_writes_the_sample_catalog(catalog: Any, dynamodb: Any) -> None:
    result = catalog("seed")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "categories: 11 created, 0 updated, 0 unchanged",
        f"products: {len(PRODUCTS)} created, 0 updated, 0 unchanged",
    ]
    counts = catalog_counts(dynamodb)
    assert counts["categories"] == len(CATEGORIES) == 11
    assert counts["products"] == len(PRODUCTS) == 50
    assert counts["products_per_category"][None] == 2
    for category in CATEGORIES:
        assert counts["product_count"][category.id] == counts["products_per_category"][category.id]


@pytest.mark.usefixtures("tables")
def test_seed_twice_changes_nothing(catalog: Any, dynamodb: Any) -> None:
    # GIVEN a seeded catalog
    assert catalog("seed").returncode == 0
    before = catalog_counts(dynamodb)

    # WHEN it is seeded again
    result = catalog("seed")

    # THEN nothing is written: same counts, every item still at version 1
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"categories: 0 created, 0 updated, {len(CATEGORIES)} unchanged",
        f"products: 0 created, 0 updated, {len(PRODUCTS)} unchanged",
    ]
    assert catalog_counts(dynamodb) == before
    assert before["versions"] == {1: len(CATEGORIES) + len(PRODUCTS)}


@pytest.mark.usefixtures("tables")
def test_seed_restores_a_changed_sample_product(catalog: Any, dynamodb: Any) -> None:
    # GIVEN a seeded catalog whose trail runner's price was changed
    assert catalog("seed").returncode == 0
    set_product_attribute(dynamodb, "prod-trail-runner", "price", {"N": "1"})

    # WHEN it is seeded again
    result = catalog("seed")

    # THEN that product alone is written back, with the sample's price
    assert result.returncode == 0, result.stderr
    assert f"products: 0 created, 1 updated, {len(PRODUCTS) - 1} unchanged" in result.stdout
    assert get_product(dynamodb, "prod-trail-runner")["price"] == {"N": "129.99"}
    assert catalog_counts(dynamodb)["products"] == len(PRODUCTS)


@pytest.mark.usefixtures("tables")
def test_seed_leaves_a_deleted_sample_product_deleted_and_says_so(
    catalog: Any, dynamodb: Any
) -> None:
    # GIVEN a seeded catalog whose sticker was deleted
    assert catalog("seed").returncode == 0
    set_product_attribute(
        dynamodb, "prod-sticker", "deleted_at", {"S": "2026-11-27T18:30:00.000000+0000"}
    )

    # WHEN it is seeded again
    result = catalog("seed")

    # THEN the command fails, naming the product, and the product stays deleted
    assert result.returncode == 1
    assert "catalog seed: not written: prod-sticker: " in result.stderr
    assert "deleted" in result.stderr
    assert "deleted_at" in get_product(dynamodb, "prod-sticker")
