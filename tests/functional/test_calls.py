"""What each request costs in DynamoDB calls: no N+1, no table management, no scans."""

from __future__ import annotations

from tests.catalog import (
    CATEGORY_PRODUCTS,
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    GET_PRODUCT,
    LIST_CATEGORIES,
    LIST_PRODUCTS,
    RESTORE_CATEGORY,
    RESTORE_PRODUCT,
    UPSERT_CATEGORY,
    UPSERT_PRODUCT,
    UPSERT_PRODUCTS,
    create_category,
    create_product,
)
from tests.client import ApiClient
from tests.e2e.infra.conftest import dynamodb_actions, iam_actions_for_call
from tests.functional.conftest import CallRecorder

PAGE_WITH_CATEGORIES = """
query Page($first: Int!) {
  products(first: $first) { edges { node { name category { name productCount } } } }
}
"""
TABLE_MANAGEMENT = {"DescribeTable", "CreateTable", "UpdateTable", "ListTables", "Scan"}


def test_product_by_id_is_one_get_item(api: ApiClient, dynamodb_calls: CallRecorder) -> None:
    product = create_product(api)  # no category: `category` resolves without a call
    dynamodb_calls.reset()

    api.public(GET_PRODUCT, {"id": product["id"]})

    assert dynamodb_calls.calls == ["GetItem"]


def test_products_page_loads_categories_in_one_batch(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    # GIVEN 20 products spread over 5 categories
    categories = [create_category(api, f"C{i}") for i in range(5)]
    for i in range(20):
        create_product(api, name=f"P{i:02}", categoryId=categories[i % 5]["id"])
    dynamodb_calls.reset()

    # WHEN a page of all 20 asks for each product's category
    data = api.public(PAGE_WITH_CATEGORIES, {"first": 20}).data

    # THEN one Query and one BatchGetItem served it
    assert len(data["products"]["edges"]) == 20
    assert {e["node"]["category"]["name"] for e in data["products"]["edges"]} == {
        f"C{i}" for i in range(5)
    }
    assert dynamodb_calls.calls == ["Query", "BatchGetItem"]


def test_products_page_of_100_is_one_query_and_one_batch(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    category = create_category(api)
    for i in range(100):
        create_product(api, name=f"P{i:03}", categoryId=category["id"])
    dynamodb_calls.reset()

    data = api.public(PAGE_WITH_CATEGORIES, {"first": 100}).data

    assert len(data["products"]["edges"]) == 100
    assert dynamodb_calls.counts == {"Query": 1, "BatchGetItem": 1}


def test_category_page_is_one_get_and_one_query(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    category = create_category(api)
    for i in range(3):
        create_product(api, name=f"P{i}", categoryId=category["id"])
    dynamodb_calls.reset()

    api.public(CATEGORY_PRODUCTS, {"id": category["id"]})

    assert dynamodb_calls.calls == ["GetItem", "Query"]


def test_category_page_asking_products_for_their_category_reads_no_more(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    category = create_category(api, "Shoes")
    for i in range(3):
        create_product(api, name=f"P{i}", categoryId=category["id"])
    query = """
    query Page($id: ID!) {
      category(id: $id) { products { edges { node { name category { name } } } } }
    }
    """
    dynamodb_calls.reset()

    data = api.public(query, {"id": category["id"]}).data

    edges = data["category"]["products"]["edges"]
    assert [edge["node"]["category"]["name"] for edge in edges] == ["Shoes"] * 3
    assert dynamodb_calls.calls == ["GetItem", "Query"]


def test_product_update_of_unlisted_fields_is_one_update(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    product = create_product(api)
    dynamodb_calls.reset()

    api.ok(
        UPSERT_PRODUCT, {"input": {"id": product["id"], "description": "New", "currency": "EUR"}}
    )

    assert dynamodb_calls.calls == ["UpdateItem"]


def test_product_update_of_stock_price_or_name_reads_then_puts(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    # The list keys combine these with other stored fields (docs/lists.md).
    product = create_product(api)

    for change in ({"stock": 4}, {"price": "2.50"}, {"name": "Renamed"}):
        dynamodb_calls.reset()
        api.ok(UPSERT_PRODUCT, {"input": {"id": product["id"], **change}})

        assert dynamodb_calls.calls == ["GetItem", "PutItem"], change


def test_product_create_in_category_is_one_transaction(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    category = create_category(api)
    dynamodb_calls.reset()

    create_product(api, categoryId=category["id"])

    assert dynamodb_calls.calls == ["TransactWriteItems"]


def test_serving_never_manages_tables_or_scans(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    # Every operation of the API, public and admin, in one session.
    category = create_category(api)
    product = create_product(api, categoryId=category["id"])
    other = create_category(api, "Other")
    api.ok(UPSERT_PRODUCT, {"input": {"id": product["id"], "categoryId": other["id"]}})
    api.ok(UPSERT_CATEGORY, {"input": {"id": category["id"], "name": "Renamed"}})
    bulk = [{"id": product["id"], "categoryId": category["id"]}, {"name": "B", "price": "1"}]
    api.ok(UPSERT_PRODUCTS, {"inputs": bulk})
    api.ok(UPSERT_PRODUCTS, {"inputs": [{"id": product["id"], "categoryId": other["id"]}]})
    api.public(PAGE_WITH_CATEGORIES, {"first": 10})
    api.public(LIST_CATEGORIES)
    api.ok(LIST_PRODUCTS, {"all": True, "categoryId": other["id"]})
    api.public(CATEGORY_PRODUCTS, {"id": other["id"]})
    api.ok(DELETE_PRODUCT, {"id": product["id"]})
    api.ok(RESTORE_PRODUCT, {"id": product["id"]})
    api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})
    api.ok(DELETE_CATEGORY, {"id": category["id"]})
    api.ok(RESTORE_CATEGORY, {"id": category["id"]})
    api.ok(DELETE_CATEGORY, {"id": category["id"], "hard": True})

    assert dynamodb_calls.calls
    assert not set(dynamodb_calls.calls) & TABLE_MANAGEMENT
    # ...and the Lambda role grants exactly the actions these calls need.
    calls = zip(dynamodb_calls.calls, dynamodb_calls.params, strict=True)
    used = set().union(*(iam_actions_for_call(op, params) for op, params in calls))
    assert used == dynamodb_actions()
