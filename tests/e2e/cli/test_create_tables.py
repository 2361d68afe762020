"""`catalog create-tables`: the models' tables, created once, however often it runs."""

from __future__ import annotations

from typing import Any

PRODUCTS_TABLE = "catalog-products"
CATEGORIES_TABLE = "catalog-categories"


def key_schema(keys: list[dict[str, str]]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in keys}


def indexes(table: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        index["IndexName"]: key_schema(index["KeySchema"])
        for index in table.get("GlobalSecondaryIndexes", [])
    }


def test_create_tables_creates_the_models_tables(catalog: Any, dynamodb: Any) -> None:
    result = catalog("create-tables")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Created table {PRODUCTS_TABLE}",
        f"Created table {CATEGORIES_TABLE}",
    ]
    products = dynamodb.describe_table(TableName=PRODUCTS_TABLE)["Table"]
    assert key_schema(products["KeySchema"]) == {"HASH": "id"}
    assert indexes(products) == {
        "by_name": {"HASH": "status", "RANGE": "sort_key"},
        "by_category": {"HASH": "category_status", "RANGE": "sort_key"},
        "shelf_by_name": {"HASH": "shelf", "RANGE": "sort_key"},
        "shelf_by_price": {"HASH": "shelf", "RANGE": "price_key"},
        "shelf_by_created": {"HASH": "shelf", "RANGE": "created_key"},
        "category_shelf_by_name": {"HASH": "category_shelf", "RANGE": "sort_key"},
        "category_shelf_by_price": {"HASH": "category_shelf", "RANGE": "price_key"},
        "category_shelf_by_created": {"HASH": "category_shelf", "RANGE": "created_key"},
    }
    assert products["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    categories = dynamodb.describe_table(TableName=CATEGORIES_TABLE)["Table"]
    assert key_schema(categories["KeySchema"]) == {"HASH": "id"}
    assert indexes(categories) == {
        "by_name": {"HASH": "status", "RANGE": "sort_key"},
        "by_parent": {"HASH": "parent_key", "RANGE": "sort_key"},
        "by_level": {"HASH": "level_key", "RANGE": "sort_key"},
        "by_slug": {"HASH": "slug"},
    }


def test_create_tables_twice_succeeds_and_keeps_the_tables(catalog: Any, dynamodb: Any) -> None:
    # GIVEN the tables, holding an item
    assert catalog("create-tables").returncode == 0
    dynamodb.put_item(TableName=CATEGORIES_TABLE, Item={"id": {"S": "cat-kept"}})

    # WHEN the command runs again
    result = catalog("create-tables")

    # THEN it says they exist, and they are untouched
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Table {PRODUCTS_TABLE} exists",
        f"Table {CATEGORIES_TABLE} exists",
    ]
    assert sorted(dynamodb.list_tables()["TableNames"]) == [CATEGORIES_TABLE, PRODUCTS_TABLE]
    assert dynamodb.get_item(TableName=CATEGORIES_TABLE, Key={"id": {"S": "cat-kept"}})["Item"]


def test_create_tables_without_a_reachable_dynamodb_fails_in_one_line(run_catalog: Any) -> None:
    result = run_catalog("create-tables", AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:9")

    assert result.returncode == 1
    assert result.stderr.startswith("catalog create-tables: DynamoDB error:")
    assert "Traceback" not in result.stderr


def test_create_tables_gives_tables_without_a_stream_one(catalog: Any, dynamodb: Any) -> None:
    # GIVEN tables an older release created: without a stream
    for table in (PRODUCTS_TABLE, CATEGORIES_TABLE):
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    # WHEN create-tables runs
    result = catalog("create-tables")

    # THEN it leaves them in place and gives each a stream of new and old images
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Table {PRODUCTS_TABLE} exists",
        f"Table {CATEGORIES_TABLE} exists",
    ]
    for table in (PRODUCTS_TABLE, CATEGORIES_TABLE):
        described = dynamodb.describe_table(TableName=table)["Table"]
        assert described["StreamSpecification"] == {
            "StreamEnabled": True,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        assert described["LatestStreamArn"]
