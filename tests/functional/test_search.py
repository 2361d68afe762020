"""Search through the handler: the index follows the tables' streams, and the nodes come
fresh from DynamoDB in one BatchGetItem per kind, on moto and on DynamoDB Local."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.catalog import (
    DELETE_PRODUCT,
    RESTORE_PRODUCT,
    UPSERT_CATEGORY,
    create_category,
    create_product,
)
from tests.client import ApiClient
from tests.functional.conftest import CallRecorder

# Both backends; the event format changes nothing here.
pytestmark = pytest.mark.parametrize("backend", ["moto", "dynamodb-local"], indirect=True)
# The freshness window is 5 s; the bound leaves room for a busy test machine.
FRESHNESS_BOUND_SECONDS = 15
SEARCH = """
query Search($query: String! = "", $filter: SearchFilter, $first: Int! = 20) {
  search(query: $query, filter: $filter, first: $first) {
    totalCount
    edges { cursor node { id name price stock category { id name } } }
    facets { name values { value label count } }
    priceRange { min max }
  }
}
"""
UPDATE = "mutation U($input: UpsertProductInput!) { upsertProduct(input: $input) { id } }"


@pytest.fixture(autouse=True)
def own_index(api: ApiClient) -> Iterator[None]:
    """Each test's index starts anew, on the test's backend."""
    api.search.stop()
    yield
    api.search.stop()


def search(api: ApiClient, query: str = "", **search_filter: Any) -> dict[str, Any]:
    variables = {"query": query, "filter": search_filter or None}
    return api.ok(SEARCH, variables)["search"]  # type: ignore[no-any-return]


def found(api: ApiClient, query: str = "", **search_filter: Any) -> list[str]:
    return [edge["node"]["id"] for edge in search(api, query, **search_filter)["edges"]]


def eventually(condition: Callable[[], bool]) -> bool:
    """Whether `condition` comes true within the bound (it is polled, never timed).

    An answer of SERVICE_UNAVAILABLE ("try again shortly": the index could not catch
    up with the streams within the request's time, on a loaded machine) is polled
    again, as a client would; any other error fails the test.
    """
    deadline = time.monotonic() + FRESHNESS_BOUND_SECONDS
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except AssertionError as error:
            if "'SERVICE_UNAVAILABLE'" not in str(error):
                raise
        time.sleep(0.1)
    return condition()


def test_search_finds_a_created_product(api: ApiClient) -> None:
    assert found(api, "backpack") == []  # the index starts here, before the write

    product = create_product(api, name="Hiking Backpack", price="89.00", stock=4)

    assert eventually(lambda: found(api, "backpak") == [product["id"]])


def test_search_follows_renames_prices_and_stock(api: ApiClient) -> None:
    product = create_product(api, name="Hiking Backpack", price="89.00", stock=4)
    assert eventually(lambda: found(api, "backpack") == [product["id"]])

    api.ok(UPDATE, {"input": {"id": product["id"], "name": "Summit Duffel"}})
    assert eventually(lambda: found(api, "duffel") == [product["id"]])
    assert found(api, "backpack") == []

    api.ok(UPDATE, {"input": {"id": product["id"], "price": "120"}})
    assert eventually(lambda: found(api, "duffel", priceMin="100") == [product["id"]])

    api.ok(UPDATE, {"input": {"id": product["id"], "stock": 0}})
    assert eventually(lambda: found(api, "duffel", inStock=False) == [product["id"]])


def test_search_follows_category_moves(api: ApiClient) -> None:
    bags = create_category(api, name="Bags")
    packs = create_category(api, name="Packs")
    product = create_product(api, name="Hiking Backpack", categoryId=bags["id"])
    assert eventually(lambda: found(api, "backpack", categoryId=bags["id"]) == [product["id"]])

    api.ok(UPDATE, {"input": {"id": product["id"], "categoryId": packs["id"]}})

    assert eventually(lambda: found(api, "backpack", categoryId=packs["id"]) == [product["id"]])
    assert found(api, "backpack", categoryId=bags["id"]) == []


def test_search_category_filter_finds_products_below_it(api: ApiClient) -> None:
    outdoor = create_category(api, name="Outdoor")
    footwear = create_category(api, name="Footwear", parentId=outdoor["id"])
    boots = create_category(api, name="Hiking boots", parentId=footwear["id"])
    product = create_product(api, name="Ridge Mid Boot", categoryId=boots["id"])

    assert eventually(lambda: found(api, "ridge", categoryId=outdoor["id"]) == [product["id"]])
    result = search(api, "ridge", categoryId=outdoor["id"])
    # The facet drills down one level: Outdoor's child on the way to the product.
    assert result["facets"][0]["values"] == [
        {"value": footwear["id"], "label": "Footwear", "count": 1}
    ]
    assert result["edges"][0]["node"]["category"] == {"id": boots["id"], "name": "Hiking boots"}


def test_search_category_filter_follows_a_moved_subtree(api: ApiClient) -> None:
    # GIVEN a product in Outdoor > Footwear > Hiking boots, found below Outdoor
    outdoor = create_category(api, name="Outdoor")
    footwear = create_category(api, name="Footwear", parentId=outdoor["id"])
    boots = create_category(api, name="Hiking boots", parentId=footwear["id"])
    product = create_product(api, name="Ridge Mid Boot", categoryId=boots["id"])
    assert eventually(lambda: found(api, "ridge", categoryId=outdoor["id"]) == [product["id"]])

    # WHEN Footwear moves out of Outdoor, to the roots
    api.ok(UPSERT_CATEGORY, {"input": {"id": footwear["id"], "parentId": None}})

    # THEN the product is no longer below Outdoor, and still below Footwear
    assert eventually(lambda: found(api, "ridge", categoryId=outdoor["id"]) == [])
    assert found(api, "ridge", categoryId=footwear["id"]) == [product["id"]]
    assert found(api, "ridge", categoryId=boots["id"]) == [product["id"]]
    facet = search(api, "ridge")["facets"][0]["values"]
    assert facet == [{"value": footwear["id"], "label": "Footwear", "count": 1}]


def test_search_follows_deletes_and_restores(api: ApiClient) -> None:
    product = create_product(api, name="Hiking Backpack")
    assert eventually(lambda: found(api, "backpack") == [product["id"]])

    api.ok(DELETE_PRODUCT, {"id": product["id"]})
    assert eventually(lambda: search(api, "backpack")["totalCount"] == 0)

    api.ok(RESTORE_PRODUCT, {"id": product["id"]})
    assert eventually(lambda: found(api, "backpack") == [product["id"]])

    api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})
    assert eventually(lambda: search(api, "backpack")["totalCount"] == 0)


def test_search_page_reads_products_and_categories_in_one_batch_each(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    bags = create_category(api, name="Bags")
    for name in ("Hiking Backpack", "Hiking Daypack", "Hiking Boot"):
        create_product(api, name=name, categoryId=bags["id"])
    assert eventually(lambda: search(api, "hiking")["totalCount"] == 3)
    dynamodb_calls.reset()

    result = search(api, "hiking")

    assert dynamodb_calls.calls == ["BatchGetItem", "BatchGetItem"]
    assert result["facets"][0] == {
        "name": "category",
        "values": [{"value": bags["id"], "label": "Bags", "count": 3}],
    }
    # Created without stock: all three out of stock.
    assert result["facets"][1] == {
        "name": "inStock",
        "values": [{"value": "false", "label": "Out of stock", "count": 3}],
    }
    assert {edge["node"]["category"]["name"] for edge in result["edges"]} == {"Bags"}


def test_search_refuses_bad_input_naming_the_argument(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    searched = api.public("{ search(first: 0) { totalCount } }")
    predicted = api.public('{ predictiveSearch(query: " ") { queries } }')

    assert [(error["extensions"]["code"], error["message"]) for error in searched.errors] == [
        ("BAD_USER_INPUT", "first must be between 1 and 100.")
    ]
    assert [(error["extensions"]["code"], error["message"]) for error in predicted.errors] == [
        ("BAD_USER_INPUT", "query must hold at least one word.")
    ]
    assert dynamodb_calls.calls == []


def test_search_shows_what_the_table_holds_now(api: ApiClient) -> None:
    product = create_product(api, name="Hiking Backpack", price="89.00", stock=4)
    assert eventually(lambda: found(api, "backpack") == [product["id"]])
    # GIVEN an index that no longer changes (a write inside the freshness window)
    api.search.freeze()

    api.ok(UPDATE, {"input": {"id": product["id"], "price": "99.5", "stock": 2}})

    node = search(api, "backpack")["edges"][0]["node"]
    assert (node["price"], node["stock"]) == ("99.5", 2)


def test_search_never_shows_a_product_deleted_since_it_was_indexed(api: ApiClient) -> None:
    product = create_product(api, name="Hiking Backpack")
    assert eventually(lambda: found(api, "backpack") == [product["id"]])
    api.search.freeze()

    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    assert found(api, "backpack") == []


def test_predictive_search_reads_fresh_products_and_categories(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    camping = create_category(api, name="Camping")
    create_product(api, name="Camp Chair", categoryId=camping["id"])
    query = (
        '{ predictiveSearch(query: "camp") { queries products { name category { name } } '
        "categories { id name } } }"
    )
    assert eventually(lambda: len(api.ok(query)["predictiveSearch"]["products"]) == 1)
    dynamodb_calls.reset()

    result = api.ok(query)["predictiveSearch"]

    # The products and every category shown, read together.
    assert dynamodb_calls.calls == ["BatchGetItem"]
    assert result["categories"] == [{"id": camping["id"], "name": "Camping"}]
    assert result["products"] == [{"name": "Camp Chair", "category": {"name": "Camping"}}]
    assert result["queries"][0] == "camp"


def test_predictive_search_shows_a_product_moved_since_it_was_indexed_in_its_new_category(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    hiking = create_category(api, name="Hiking")
    chairs = create_category(api, name="Chairs")
    chair = create_product(api, name="Camp Chair", categoryId=hiking["id"])
    query = '{ predictiveSearch(query: "camp") { products { name category { name } } } }'
    assert eventually(lambda: len(api.ok(query)["predictiveSearch"]["products"]) == 1)
    # GIVEN an index that still files the chair under Hiking (inside the freshness window)
    api.search.freeze()
    api.ok(UPDATE, {"input": {"id": chair["id"], "categoryId": chairs["id"]}})
    dynamodb_calls.reset()

    result = api.ok(query)["predictiveSearch"]

    assert result["products"] == [{"name": "Camp Chair", "category": {"name": "Chairs"}}]
    # The category the index did not know for it is read on first use.
    assert dynamodb_calls.calls == ["BatchGetItem", "BatchGetItem"]
