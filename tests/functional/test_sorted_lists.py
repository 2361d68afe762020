"""Sorted and filtered product lists: order, ties, filters, refusals, cursors, moves, reads."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from tests.catalog import (
    DELETE_PRODUCT,
    RESTORE_PRODUCT,
    UPSERT_PRODUCT,
    create_category,
    create_product,
)
from tests.client import ApiClient
from tests.functional.conftest import BACKENDS, CallRecorder, dataset

# Every behaviour on moto and on DynamoDB Local (the event format is tested elsewhere).
pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

NODE = "id name price stock createdAt deletedAt categoryId"
LIST_ARGS = "first: $first, after: $after, sortKey: $sortKey, reverse: $reverse, filter: $filter"
LIST_VARS = (
    "$first: Int! = 20, $after: String, $sortKey: ProductSortKey! = NAME, "
    "$reverse: Boolean! = false, $filter: ProductFilter"
)
PRODUCTS = f"""
query List({LIST_VARS}, $categoryId: ID, $all: Boolean! = false) {{
  products({LIST_ARGS}, categoryId: $categoryId, includeDeleted: $all) {{
    edges {{ cursor node {{ {NODE} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
CATEGORY = f"""
query List($id: ID!, {LIST_VARS}) {{
  category(id: $id) {{
    products({LIST_ARGS}) {{
      edges {{ cursor node {{ {NODE} category {{ name }} }} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""
SORT_KEYS = ("NAME", "PRICE", "CREATED_AT")

# (name, price, stock): ties in price, in name (case-insensitive) and in both.
ITEMS = [
    ("Apple", "3.50", 5),
    ("apple", "3.5", 0),
    ("APPLE", "3.50", 2),
    ("Banana", "1.25", 2),
    ("banana", "1.25", 0),
    ("Cherry", "10", 0),
    ("Äpfel", "3.5", 1),
    ("Date", "0", 3),
    ("Elder", "999999999.9999", 0),
    ("Fig", "0.0001", 7),
    ("fig", "0.0001", 0),
    ("Apricot", "12.0", 4),
]


def sort_value(product: dict[str, Any], sort: str) -> tuple[Any, ...]:
    """Where a product belongs in a list sorted by `sort`, as the contract says."""
    name = (product["name"].casefold(), product["id"])
    if sort == "NAME":
        return name
    if sort == "PRICE":
        return (Decimal(product["price"]), *name)
    return (product["createdAt"], product["id"])


def expected(products: list[dict[str, Any]], sort: str, reverse: bool = False) -> list[str]:
    ordered = sorted(products, key=lambda p: sort_value(p, sort), reverse=reverse)
    return [p["id"] for p in ordered]


def page(api: ApiClient, category: str | None = None, **variables: Any) -> dict[str, Any]:
    """One page of the products list, or of a category's, as the admin sees it."""
    if category is None:
        return api.ok(PRODUCTS, variables)["products"]  # type: ignore[no-any-return]
    data = api.ok(CATEGORY, {"id": category, **variables})
    return data["category"]["products"]  # type: ignore[no-any-return]


def pages(
    api: ApiClient, first: int, category: str | None = None, **variables: Any
) -> list[list[dict[str, Any]]]:
    """Every page of a list, following `endCursor` until `hasNextPage` is false."""
    found: list[list[dict[str, Any]]] = []
    after = None
    while True:
        connection = page(api, category, first=first, after=after, **variables)
        found.append([edge["node"] for edge in connection["edges"]])
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]
        assert len(found) <= 100, "pagination does not end"


def ids(found: list[list[dict[str, Any]]]) -> list[str]:
    return [product["id"] for each in found for product in each]


# The tests that only read `catalog` share it (tests/functional/conftest.py's `dataset`).
READS_CATALOG = pytest.mark.reads_only("sorted lists' catalog")


@pytest.fixture
def catalog(
    request: pytest.FixtureRequest, api: ApiClient, backend: LocalDynamoDB
) -> dict[str, Any]:
    """ITEMS in category "Fruit", two more in "Other", one without category, one deleted."""
    return dataset(request, backend, lambda: _catalog(api))


def _catalog(api: ApiClient) -> dict[str, Any]:
    fruit, other = create_category(api, "Fruit"), create_category(api, "Other")
    products = [
        create_product(api, name=name, price=price, stock=stock, categoryId=fruit["id"])
        for name, price, stock in ITEMS
    ]
    elsewhere = [
        create_product(api, name="Apple", price="3.50", stock=1, categoryId=other["id"]),
        create_product(api, name="Zucchini", price="2", stock=0, categoryId=other["id"]),
        create_product(api, name="Loose apple", price="3.50", stock=9),
    ]
    gone = create_product(api, name="Apple gone", price="3.50", stock=3, categoryId=fruit["id"])
    api.ok(DELETE_PRODUCT, {"id": gone["id"]})
    return {
        "fruit": fruit["id"],
        "other": other["id"],
        "in_fruit": products,
        "live": products + elsewhere,
        "gone": gone,
    }


# -- order --------------------------------------------------------------------------


@READS_CATALOG
@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("first", [1, 15, 100])
def test_products_sorted_walk_every_live_product_in_order(
    api: ApiClient, catalog: dict[str, Any], sort: str, reverse: bool, first: int
) -> None:
    # 15 is exactly the number of live products: one full page, no next.
    found = pages(api, first, sortKey=sort, reverse=reverse)

    assert ids(found) == expected(catalog["live"], sort, reverse)
    assert [len(each) for each in found[:-1]] == [first] * (len(found) - 1)
    if first == len(catalog["live"]):
        assert len(found) == 1
        assert len(found[0]) == first


@READS_CATALOG
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_products_reverse_is_the_exact_reverse_ties_included(
    api: ApiClient, catalog: dict[str, Any], sort: str
) -> None:
    forward = ids(pages(api, 4, catalog["fruit"], sortKey=sort))
    backward = ids(pages(api, 4, catalog["fruit"], sortKey=sort, reverse=True))

    assert backward == forward[::-1]
    assert forward == expected(catalog["in_fruit"], sort)


@READS_CATALOG
def test_products_by_price_break_ties_by_name_then_id(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    found = pages(api, 2, catalog["fruit"], sortKey="PRICE", filter={"priceMin": "3.5"})

    names = [(p["price"], p["name"]) for p in found[0] + found[1]]
    # Four products at 3.5: "Apple", "apple", "APPLE" tie on name too (then id), "Äpfel" last.
    assert [price for price, _ in names] == ["3.5"] * 4
    assert names[3][1] == "Äpfel"
    tied = [p for p in catalog["in_fruit"] if p["name"].casefold() == "apple"]
    assert [p["id"] for p in found[0] + found[1]][:3] == sorted(p["id"] for p in tied)


# -- filters ------------------------------------------------------------------------


@READS_CATALOG
@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("in_stock", [True, False])
@pytest.mark.parametrize("in_category", [False, True])
def test_products_in_stock_filter_lists_one_side(
    api: ApiClient, catalog: dict[str, Any], sort: str, in_stock: bool, in_category: bool
) -> None:
    category = catalog["fruit"] if in_category else None
    pool = catalog["in_fruit"] if in_category else catalog["live"]

    found = pages(api, 3, category, sortKey=sort, filter={"inStock": in_stock})

    wanted = [p for p in pool if (p["stock"] > 0) == in_stock]
    assert ids(found) == expected(wanted, sort)


@READS_CATALOG
@pytest.mark.parametrize(
    ("price_filter", "low", "high"),
    [
        ({"priceMin": "1.25", "priceMax": "3.50"}, "1.25", "3.5"),
        ({"priceMin": "3.5"}, "3.5", None),
        ({"priceMax": "1.25"}, None, "1.25"),
        ({"priceMin": "0.0001", "priceMax": "0.0001"}, "0.0001", "0.0001"),
        ({"priceMin": "999999999.9999"}, "999999999.9999", None),
        ({"priceMin": "4", "priceMax": "9.99"}, "4", "9.99"),
    ],
)
@pytest.mark.parametrize("reverse", [False, True])
def test_products_price_range_is_inclusive(
    api: ApiClient,
    catalog: dict[str, Any],
    price_filter: dict[str, str],
    low: str | None,
    high: str | None,
    reverse: bool,
) -> None:
    found = pages(api, 1, sortKey="PRICE", reverse=reverse, filter=price_filter)

    wanted = [
        p
        for p in catalog["live"]
        if (low is None or Decimal(p["price"]) >= Decimal(low))
        and (high is None or Decimal(p["price"]) <= Decimal(high))
    ]
    assert ids(found) == expected(wanted, "PRICE", reverse)


@READS_CATALOG
def test_category_storefront_in_stock_by_price_within_a_range(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    in_range = {"priceMin": "1", "priceMax": "20", "inStock": True}

    found = pages(api, 2, catalog["fruit"], sortKey="PRICE", filter=in_range)

    wanted = [
        p
        for p in catalog["in_fruit"]
        if p["stock"] > 0 and Decimal(1) <= Decimal(p["price"]) <= Decimal(20)
    ]
    assert ids(found) == expected(wanted, "PRICE")
    assert [len(each) for each in found] == [2, 2, 1]


@READS_CATALOG
@pytest.mark.parametrize(
    ("prefix", "matches"),
    [
        ("ap", {"apple", "apricot"}),
        ("  APP ", {"apple"}),
        ("äp", {"äpfel"}),
        ("fig", {"fig"}),
        ("x", set()),
        ("apple gone", set()),
    ],
)
@pytest.mark.parametrize("reverse", [False, True])
def test_products_name_starts_with_case_insensitively(
    api: ApiClient, catalog: dict[str, Any], prefix: str, matches: set[str], reverse: bool
) -> None:
    found = pages(api, 1, reverse=reverse, filter={"nameStartsWith": prefix})

    wanted = [p for p in catalog["live"] if p["name"].casefold() in matches]
    assert ids(found) == expected(wanted, "NAME", reverse)


@READS_CATALOG
def test_products_name_starts_with_and_in_stock(api: ApiClient, catalog: dict[str, Any]) -> None:
    found = pages(api, 2, catalog["fruit"], filter={"nameStartsWith": "a", "inStock": False})

    wanted = [p for p in catalog["in_fruit"] if p["name"][0] in "aA" and p["stock"] == 0]
    assert ids(found) == expected(wanted, "NAME")


@READS_CATALOG
@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("reverse", [False, True])
def test_products_include_deleted_with_every_sort_key(
    api: ApiClient, catalog: dict[str, Any], sort: str, reverse: bool
) -> None:
    found = pages(api, 4, sortKey=sort, reverse=reverse, all=True)

    everything = [*catalog["live"], catalog["gone"]]
    assert ids(found) == expected(everything, sort, reverse)
    assert [p["id"] for each in found for p in each if p["deletedAt"]] == [catalog["gone"]["id"]]


# -- refusals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"sortKey": "PRICE", "filter": {"priceMin": "-1"}}, "priceMin"),
        ({"sortKey": "PRICE", "filter": {"priceMax": "-0.01"}}, "priceMax"),
        ({"sortKey": "PRICE", "filter": {"priceMin": "1.00001"}}, "priceMin"),
        ({"sortKey": "PRICE", "filter": {"priceMax": "1000000000"}}, "priceMax"),
        ({"sortKey": "PRICE", "filter": {"priceMin": "NaN"}}, "priceMin"),
        ({"sortKey": "PRICE", "filter": {"priceMax": "Infinity"}}, "priceMax"),
        ({"sortKey": "PRICE", "filter": {"priceMin": "5", "priceMax": "4.99"}}, "priceMin"),
        ({"filter": {"nameStartsWith": "   "}}, "nameStartsWith"),
        ({"filter": {"nameStartsWith": ""}}, "nameStartsWith"),
        ({"filter": {"nameStartsWith": "a" * 201}}, "nameStartsWith"),
        ({"filter": {"nameStartsWith": "a\x1fb"}}, "nameStartsWith"),
    ],
)
def test_products_bad_filter_value_is_bad_user_input_naming_the_field(
    api: ApiClient, variables: dict[str, Any], field: str
) -> None:
    response = api.admin(PRODUCTS, variables)

    assert response.status == 200
    assert response.codes == ["BAD_USER_INPUT"]
    assert field in response.errors[0]["message"]


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"filter": {"priceMin": "1"}}, ("priceMin", "PRICE")),
        ({"sortKey": "CREATED_AT", "filter": {"priceMax": "1"}}, ("priceMax", "PRICE")),
        ({"sortKey": "PRICE", "filter": {"nameStartsWith": "a"}}, ("nameStartsWith", "NAME")),
        ({"sortKey": "CREATED_AT", "filter": {"nameStartsWith": "a"}}, ("nameStartsWith", "NAME")),
        ({"all": True, "filter": {"inStock": True}}, ("inStock", "includeDeleted")),
    ],
)
@pytest.mark.parametrize("in_category", [False, True])
def test_products_unserved_combination_is_refused_naming_field_and_sort_key(
    api: ApiClient,
    dynamodb_calls: CallRecorder,
    variables: dict[str, Any],
    words: tuple[str, ...],
    in_category: bool,
) -> None:
    category = create_category(api)
    dynamodb_calls.reset()
    if in_category and "all" not in variables:
        response = api.admin(CATEGORY, {"id": category["id"], **variables})
    else:
        response = api.admin(PRODUCTS, variables)

    assert response.codes == ["BAD_USER_INPUT"]
    for word in words:
        assert word in response.errors[0]["message"]
    assert "Query" not in dynamodb_calls.calls


def test_products_price_equal_bounds_and_trimmed_prefix_are_accepted(api: ApiClient) -> None:
    create_product(api, name="Apple", price="2")

    by_price = page(api, sortKey="PRICE", filter={"priceMin": "2.0000", "priceMax": "2"})
    by_name = page(api, filter={"nameStartsWith": " a" + " " * 300})

    assert len(by_price["edges"]) == len(by_name["edges"]) == 1


# -- cursors ------------------------------------------------------------------------


def _cursor_of(api: ApiClient, category: str | None = None, **variables: Any) -> str:
    cursor = page(api, category, first=1, **variables)["pageInfo"]["endCursor"]
    assert cursor
    return cursor  # type: ignore[no-any-return]


def test_products_cursor_is_valid_only_for_its_own_list(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    lists: list[tuple[str | None, dict[str, Any]]] = [
        (None, {}),
        (None, {"reverse": True}),
        (None, {"sortKey": "PRICE"}),
        (None, {"sortKey": "CREATED_AT"}),
        (None, {"all": True}),
        (None, {"categoryId": catalog["fruit"]}),
        (None, {"categoryId": catalog["other"]}),
        (None, {"filter": {"inStock": True}}),
        (None, {"filter": {"inStock": False}}),
        (None, {"filter": {"nameStartsWith": "a"}}),
        (None, {"filter": {"nameStartsWith": "ap"}}),
        (None, {"sortKey": "PRICE", "filter": {"priceMin": "1"}}),
        (None, {"sortKey": "PRICE", "filter": {"priceMax": "100"}}),
        # A category's own list is the same list as `products(categoryId:)`.
        (catalog["fruit"], {}),
        (catalog["other"], {}),
    ]
    same = {(5, 13), (13, 5), (6, 14), (14, 6)}
    cursors = [_cursor_of(api, category, **variables) for category, variables in lists]

    for i, (category, variables) in enumerate(lists):
        # Its own cursor goes on; every other list's is refused.
        assert page(api, category, first=1, after=cursors[i], **variables)["edges"]
        for j, cursor in enumerate(cursors):
            if j == i:
                continue
            request = {"first": 1, "after": cursor, **variables}
            if category is None:
                response = api.admin(PRODUCTS, request)
            else:
                response = api.admin(CATEGORY, {"id": category, **request})
            if (i, j) in same:
                assert not response.errors
                continue
            assert response.codes == ["BAD_USER_INPUT"], (lists[i], lists[j])
            assert "cursor" in response.errors[0]["message"]


def test_products_same_list_spelled_differently_shares_cursors(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    cursor = _cursor_of(api, sortKey="PRICE", filter={"priceMin": "1.50"})

    data = page(api, first=1, after=cursor, sortKey="PRICE", filter={"priceMin": "1.5000"})

    assert data["edges"]


def _forged(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{kind}:{key}".encode()).decode().rstrip("=")


def test_products_forged_cursor_is_refused_before_any_read(
    api: ApiClient, catalog: dict[str, Any], dynamodb_calls: CallRecorder
) -> None:
    # GIVEN the cursor kind of the price-sorted list, taken from a real cursor
    real = _cursor_of(api, sortKey="PRICE")
    padded = real + "=" * (-len(real) % 4)
    kind = base64.urlsafe_b64decode(padded).decode().split(":")[1]
    forged = [
        _forged(kind, "x"),
        _forged(kind, "0000000000350\x1fapple"),
        _forged(kind, "000000000035\x1fapple\x1fid1"),
        _forged(kind, "0000000000350\x1fa\x00b\x1fid1"),
        _forged(kind, "0000000000350\x1f" + "a" * 1100 + "\x1fid1"),
        _forged(kind, "0000000000350\x1fapple\x1fid!"),
    ]
    dynamodb_calls.reset()

    for cursor in forged:
        response = api.admin(PRODUCTS, {"after": cursor, "sortKey": "PRICE"})

        assert response.codes == ["BAD_USER_INPUT"], cursor
    # THEN none of them reached DynamoDB
    assert "Query" not in dynamodb_calls.calls


# -- writes move products -----------------------------------------------------------


def _listed(api: ApiClient, category: str | None = None, **variables: Any) -> list[str]:
    return ids(pages(api, 100, category, **variables))


def test_products_price_change_moves_it_in_price_lists(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    cherry = next(p for p in catalog["in_fruit"] if p["name"] == "Cherry")

    api.ok(UPSERT_PRODUCT, {"input": {"id": cherry["id"], "price": "0.5"}})

    cheap = _listed(api, sortKey="PRICE", filter={"priceMax": "0.5"})
    assert cherry["id"] in cheap
    assert cherry["id"] not in _listed(api, sortKey="PRICE", filter={"priceMin": "10"})
    in_fruit = _listed(api, catalog["fruit"], sortKey="PRICE")
    moved = [{**p, "price": "0.5"} if p["id"] == cherry["id"] else p for p in catalog["in_fruit"]]
    assert in_fruit == expected(moved, "PRICE")


def test_products_stock_change_moves_it_between_stock_lists(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    apple = next(p for p in catalog["in_fruit"] if p["name"] == "Apple")
    cherry = next(p for p in catalog["in_fruit"] if p["name"] == "Cherry")

    api.ok(UPSERT_PRODUCT, {"input": {"id": apple["id"], "stock": 0}})
    api.ok(UPSERT_PRODUCT, {"input": {"id": cherry["id"], "stock": 4}})

    for sort in SORT_KEYS:
        for category in (None, catalog["fruit"]):
            in_stock = _listed(api, category, sortKey=sort, filter={"inStock": True})
            out = _listed(api, category, sortKey=sort, filter={"inStock": False})
            assert cherry["id"] in in_stock
            assert cherry["id"] not in out
            assert apple["id"] in out
            assert apple["id"] not in in_stock


def test_products_name_and_category_change_move_it(api: ApiClient, catalog: dict[str, Any]) -> None:
    date = next(p for p in catalog["in_fruit"] if p["name"] == "Date")

    api.ok(
        UPSERT_PRODUCT,
        {"input": {"id": date["id"], "name": "Aardvark", "categoryId": catalog["other"]}},
    )

    assert _listed(api, filter={"nameStartsWith": "aard"}) == [date["id"]]
    assert _listed(api, filter={"nameStartsWith": "date"}) == []
    for sort in SORT_KEYS:
        assert date["id"] in _listed(api, catalog["other"], sortKey=sort)
        assert date["id"] not in _listed(api, catalog["fruit"], sortKey=sort)
        assert date["id"] in _listed(api, catalog["other"], sortKey=sort, filter={"inStock": True})


def test_products_delete_and_restore_move_it_out_of_and_back_into_every_list(
    api: ApiClient, catalog: dict[str, Any]
) -> None:
    fig = next(p for p in catalog["in_fruit"] if p["name"] == "Fig")
    shapes: list[tuple[str | None, dict[str, Any]]] = [
        (category, {"sortKey": sort, **extra})
        for category in (None, catalog["fruit"])
        for sort in SORT_KEYS
        for extra in ({}, {"filter": {"inStock": True}})
    ]
    shapes += [(None, {"filter": {"nameStartsWith": "f"}})]
    shapes += [(None, {"sortKey": "PRICE", "filter": {"priceMax": "1"}})]

    api.ok(DELETE_PRODUCT, {"id": fig["id"]})
    hidden = [fig["id"] in _listed(api, category, **shape) for category, shape in shapes]
    admin = [fig["id"] in _listed(api, sortKey=sort, all=True) for sort in SORT_KEYS]
    api.ok(RESTORE_PRODUCT, {"id": fig["id"]})
    shown = [fig["id"] in _listed(api, category, **shape) for category, shape in shapes]

    assert not any(hidden)
    assert all(admin)
    assert all(shown)


# -- what a page reads --------------------------------------------------------------

SHAPES: list[tuple[str, dict[str, Any], int]] = [
    # (name, variables, partitions the page merges)
    ("default", {}, 1),
    ("by name, in stock", {"filter": {"inStock": True}}, 1),
    ("by name, prefix", {"filter": {"nameStartsWith": "a"}}, 1),
    ("by price", {"sortKey": "PRICE"}, 2),
    (
        "by price, range, in stock",
        {"sortKey": "PRICE", "filter": {"priceMin": "1", "inStock": True}},
        1,
    ),
    ("by price, reversed", {"sortKey": "PRICE", "reverse": True}, 2),
    ("by created, out of stock", {"sortKey": "CREATED_AT", "filter": {"inStock": False}}, 1),
    ("by created, with deleted", {"sortKey": "CREATED_AT", "all": True}, 3),
    ("by name, with deleted", {"all": True}, 2),
]


def _assert_reads(calls: CallRecorder, first: int, partitions: int) -> None:
    queries = [
        params for op, params in zip(calls.calls, calls.params, strict=True) if op == "Query"
    ]
    responses = [parsed for op, parsed in calls.responses if op == "Query"]
    assert len(queries) == partitions
    for params, response in zip(queries, responses, strict=True):
        assert "FilterExpression" not in params
        assert params["Limit"] <= first + 1
        assert response["ScannedCount"] == response["Count"] <= first + 1


@READS_CATALOG
@pytest.mark.parametrize(("shape", "variables", "partitions"), SHAPES, ids=[s[0] for s in SHAPES])
@pytest.mark.parametrize("in_category", [False, True])
def test_products_page_reads_at_most_first_plus_one_per_partition(
    api: ApiClient,
    catalog: dict[str, Any],
    dynamodb_calls: CallRecorder,
    shape: str,
    variables: dict[str, Any],
    partitions: int,
    in_category: bool,
) -> None:
    request = dict(variables)
    if in_category:
        request["categoryId"] = catalog["fruit"]
    after = None
    for _ in range(3):
        dynamodb_calls.reset()
        connection = page(api, first=2, after=after, **request)

        assert set(dynamodb_calls.calls) == {"Query"}
        _assert_reads(dynamodb_calls, 2, partitions)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        assert len(connection["edges"]) == 2
        after = connection["pageInfo"]["endCursor"]


@READS_CATALOG
def test_category_page_sorted_reads_one_get_queries_and_no_category_batch(
    api: ApiClient, catalog: dict[str, Any], dynamodb_calls: CallRecorder
) -> None:
    dynamodb_calls.reset()

    data = page(api, catalog["fruit"], first=5, sortKey="PRICE", filter={"priceMin": "1"})

    assert {e["node"]["category"]["name"] for e in data["edges"]} == {"Fruit"}
    assert dynamodb_calls.calls == ["GetItem", "Query", "Query"]
    _assert_reads(dynamodb_calls, 5, 2)


@READS_CATALOG
def test_products_sorted_page_loads_categories_in_one_batch(
    api: ApiClient, catalog: dict[str, Any], dynamodb_calls: CallRecorder
) -> None:
    query = """
    query Page {
      products(first: 100, sortKey: PRICE, reverse: true) {
        edges { node { name category { name } } }
      }
    }
    """
    dynamodb_calls.reset()

    edges = api.ok(query)["products"]["edges"]

    assert len(edges) == len(catalog["live"])
    assert dynamodb_calls.counts == {"Query": 2, "BatchGetItem": 1}
    _assert_reads(dynamodb_calls, 100, 2)


def test_products_page_of_100_by_price_is_full(api: ApiClient) -> None:
    for i in range(101):
        create_product(api, name=f"P{i:03}", price=str(i % 7), stock=i % 2)

    found = pages(api, 100, sortKey="PRICE")

    assert [len(each) for each in found] == [100, 1]
